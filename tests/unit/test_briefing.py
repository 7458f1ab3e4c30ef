"""The briefing (通报) paragraph (SPEC §4 "Briefing (通报) text").

Literal figure sets check each wording rule on its own; a small database checks that the paragraph
written from ``metrics.figures.overview`` carries exactly the hand-computed figures.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from metrics.briefing import briefing, briefing_text, span
from metrics.figures import overview
from metrics.period import Period, Scope
from tests import builders as b

D = dt.date
DEC = Decimal

SPEC_PREFIX = ("2022年1-10月,全市新签约项目247个,合同投资额890.15亿元,完成年度任务的118.69%,比去年同期增长11.73%。"
               "其中新引进制造业项目211个,合同投资额591.97亿元,占合同总投资额的66.50%,比年度目标高21.50个百分点。")


def figures(period: Period = Period(2022, 10), **changes) -> dict:
    """A figure set shaped like overview()'s, with the numbers of the SPEC example."""
    f = {
        "period": str(period), "region": "全市", "time_progress_pct": period.time_progress_pct,
        "signed_count": 247, "signed_amount": DEC("890.15"),
        "signed_amount_completion_pct": DEC("118.69"), "signed_amount_yoy_pct": DEC("11.73"),
        "manufacturing_count": 211, "manufacturing_amount": DEC("591.97"),
        "manufacturing_share_pct": DEC("66.50"), "manufacturing_share_diff_pp": DEC("21.50"),
        "started_count": 200, "start_rate_pct": DEC(200) * 100 / 247,  # 80.9716… → 80.97
        "production_count": 0,
        "funds_in_place": DEC("400"), "funds_completion_pct": DEC("95"), "funds_yoy_pct": DEC("5"),
        "funds_arrival_rate_pct": DEC(400) * 100 / DEC("890.15"),  # 44.9362… → 44.94
        "projects_over_10yi_count": 0, "projects_over_10yi_amount": DEC("0"),
        "top500_projects": 0, "top500_enterprises_new": 0, "little_giant_enterprises_new": 0,
        "resident": {"contacted": 0, "visited": 0, "visit_rate_pct": None, "intended_projects": 0,
                     "intended_amount": DEC("0"), "signed_count": 0, "signed_amount": DEC("0"),
                     "signed_target": None, "completion_pct": None},
    }
    for key, value in changes.items():
        f[key] = value
    return f


# --- the pure text ----------------------------------------------------------------------------

def test_spec_example():
    text = briefing_text(figures(), Period(2022, 10))
    # October: time progress 83.33; 118.69 and 95 are both ahead of it, so no 低于序时进度 clause
    assert text == SPEC_PREFIX + ("开工项目200个,开工率80.97%。"
                                  "到位资金400.00亿元,完成年度任务的95.00%,比去年同期增长5.00%,资金到位率44.94%。")
    assert text.startswith(SPEC_PREFIX)


def test_decrease():
    text = briefing_text(figures(signed_amount_yoy_pct=DEC("-11.73"), funds_yoy_pct=DEC("-0.5")), Period(2022, 10))
    assert "合同投资额890.15亿元,完成年度任务的118.69%,比去年同期下降11.73%。" in text
    assert "到位资金400.00亿元,完成年度任务的95.00%,比去年同期下降0.50%,资金到位率44.94%。" in text
    assert "增长" not in text


def test_unchanged_from_last_year_and_on_target_share():
    text = briefing_text(figures(signed_amount_yoy_pct=DEC("0"), manufacturing_share_diff_pp=DEC("0")),
                         Period(2022, 10))
    assert text.startswith("2022年1-10月,全市新签约项目247个,合同投资额890.15亿元,完成年度任务的118.69%,"
                           "与去年同期持平。其中新引进制造业项目211个,合同投资额591.97亿元,占合同总投资额的66.50%,与年度目标持平。")


def test_missing_targets_leave_the_clauses_out():
    f = figures(signed_amount_completion_pct=None, manufacturing_share_diff_pp=None, funds_completion_pct=None)
    assert briefing_text(f, Period(2022, 10)) == (
        "2022年1-10月,全市新签约项目247个,合同投资额890.15亿元,比去年同期增长11.73%。"
        "其中新引进制造业项目211个,合同投资额591.97亿元,占合同总投资额的66.50%。"
        "开工项目200个,开工率80.97%。到位资金400.00亿元,比去年同期增长5.00%,资金到位率44.94%。")


def test_missing_last_year_leaves_the_clause_out():
    f = figures(signed_amount_yoy_pct=None, funds_yoy_pct=None)
    assert briefing_text(f, Period(2022, 10)) == (
        "2022年1-10月,全市新签约项目247个,合同投资额890.15亿元,完成年度任务的118.69%。"
        "其中新引进制造业项目211个,合同投资额591.97亿元,占合同总投资额的66.50%,比年度目标高21.50个百分点。"
        "开工项目200个,开工率80.97%。到位资金400.00亿元,完成年度任务的95.00%,资金到位率44.94%。")


def test_month_one():
    p = Period(2023, 1)  # time progress 1 ÷ 12 × 100 = 8.33: 118.69 and 95 both ahead
    assert span(p) == "2023年1月"
    assert briefing_text(figures(p), p).startswith("2023年1月,全市新签约项目247个,")


def test_month_twelve_is_the_whole_year():
    p = Period(2022, 12)  # time progress 100: funds at 95% are 100 − 95 = 5 points behind
    assert span(p) == "2022年全年"
    text = briefing_text(figures(p), p)
    assert text.startswith("2022年全年,全市新签约项目247个,合同投资额890.15亿元,完成年度任务的118.69%,"
                           "比去年同期增长11.73%。")
    assert ("到位资金400.00亿元,完成年度任务的95.00%,低于序时进度5.00个百分点,比去年同期增长5.00%,"
            "资金到位率44.94%。") in text


def test_span_in_between():
    assert span(Period(2023, 2)) == "2023年1-2月"
    assert span(Period(2023, 11)) == "2023年1-11月"


def test_single_county():
    text = briefing_text(figures(region="东城区"), Period(2022, 10))
    assert text.startswith("2022年1-10月,东城区新签约项目247个,合同投资额890.15亿元,")
    assert "全市" not in text


def test_behind_schedule():
    # October: time progress 83.333…; 60 → 83.333… − 60 = 23.333… → 23.33 points behind
    text = briefing_text(figures(signed_amount_completion_pct=DEC("60")), Period(2022, 10))
    assert text.startswith("2022年1-10月,全市新签约项目247个,合同投资额890.15亿元,完成年度任务的60.00%,"
                           "低于序时进度23.33个百分点,比去年同期增长11.73%。")


def test_exactly_on_time_progress_is_not_behind():
    # 83.333… exactly (e.g. 500 of a 600 target) equals October's time progress
    text = briefing_text(figures(signed_amount_completion_pct=DEC(500) * 100 / 600), Period(2022, 10))
    assert "完成年度任务的83.33%,比去年同期增长11.73%。" in text
    assert "低于序时进度" not in text


def test_gap_that_rounds_to_zero_is_not_reported():
    # 83.33 is 0.00333… below 83.333…: shown as 0.00 it would read "低于序时进度0.00个百分点"
    text = briefing_text(figures(signed_amount_completion_pct=DEC("83.33")), Period(2022, 10))
    assert "完成年度任务的83.33%,比去年同期增长11.73%。" in text
    assert "低于序时进度" not in text
    # 83.32 is 0.01333… below → 0.01 points
    text = briefing_text(figures(signed_amount_completion_pct=DEC("83.32")), Period(2022, 10))
    assert "完成年度任务的83.32%,低于序时进度0.01个百分点,比去年同期增长11.73%。" in text


def test_changes_that_round_to_zero_read_as_unchanged():
    f = figures(signed_amount_yoy_pct=DEC("0.004"), funds_yoy_pct=DEC("-0.004"),
                manufacturing_share_diff_pp=DEC("-0.001"))
    text = briefing_text(f, Period(2022, 10))
    assert "完成年度任务的118.69%,与去年同期持平。" in text
    assert "占合同总投资额的66.50%,与年度目标持平。" in text
    assert "完成年度任务的95.00%,与去年同期持平,资金到位率44.94%。" in text
    # half up: 0.005 → 0.01
    text = briefing_text(figures(signed_amount_yoy_pct=DEC("0.005"), funds_yoy_pct=DEC("-0.005")), Period(2022, 10))
    assert "比去年同期增长0.01%。" in text and "比去年同期下降0.01%," in text


def test_share_below_target():
    text = briefing_text(figures(manufacturing_share_pct=DEC("41.5"), manufacturing_share_diff_pp=DEC("-3.5")),
                         Period(2022, 10))
    assert "其中新引进制造业项目211个,合同投资额591.97亿元,占合同总投资额的41.50%,比年度目标低3.50个百分点。" in text


def test_zero_projects():
    f = figures(signed_count=0, signed_amount=DEC("0"), signed_amount_completion_pct=DEC("0"),
                signed_amount_yoy_pct=None, manufacturing_count=0, manufacturing_amount=DEC("0"),
                manufacturing_share_pct=None, manufacturing_share_diff_pp=None, started_count=0,
                start_rate_pct=None, funds_in_place=DEC("0"), funds_completion_pct=DEC("0"), funds_yoy_pct=None,
                funds_arrival_rate_pct=None)
    # no manufacturing or start sentence; both completions 0 → 83.333… points behind → 83.33
    assert briefing_text(f, Period(2022, 10)) == (
        "2022年1-10月,全市新签约项目0个,合同投资额0.00亿元,完成年度任务的0.00%,低于序时进度83.33个百分点。"
        "到位资金0.00亿元,完成年度任务的0.00%,低于序时进度83.33个百分点。")


def test_production_big_projects_enterprises_and_resident_team():
    f = figures(production_count=5, projects_over_10yi_count=12, projects_over_10yi_amount=DEC("300.5"),
                top500_projects=3, top500_enterprises_new=2, little_giant_enterprises_new=1,
                resident={"contacted": 50, "visited": 20, "visit_rate_pct": DEC("40"), "intended_projects": 6,
                          "intended_amount": DEC("30"), "signed_count": 3, "signed_amount": DEC("12.3456"),
                          "signed_target": DEC("20"), "completion_pct": DEC("61.728")})
    assert briefing_text(f, Period(2022, 10)) == SPEC_PREFIX + (
        "开工项目200个,开工率80.97%;投产项目5个。"
        "到位资金400.00亿元,完成年度任务的95.00%,比去年同期增长5.00%,资金到位率44.94%。"
        "10亿元以上项目12个,合同投资额300.50亿元;500强企业投资项目3个;新引进500强企业2家、专精特新“小巨人”企业1家。"
        "驻点招商对接企业50家,考察回访20家,考察回访率40.00%,签约项目3个、签约额12.35亿元,完成驻点签约目标的61.73%。")


def test_only_little_giants_new():
    f = figures(little_giant_enterprises_new=2)
    assert briefing_text(f, Period(2022, 10)).endswith("资金到位率44.94%。新引进专精特新“小巨人”企业2家。")


# --- from the database ------------------------------------------------------------------------

PERIOD = Period(2023, 5)  # window 2023-01-01 … 2023-05-31; time progress 5 ÷ 12 × 100 = 41.666…


def _city(conn):
    """全市 targets: 合同投资额 100, 制造业占比 40, 到位资金 50; 西城区 target 合同投资额 40.

    2023 in the window: 东城区 p1 30亿 manufacturing, signed 02-10, started 04-01;
                        东城区 p2 12亿, signed 03-05, 500强;  西城区 p3 8亿 manufacturing, signed 05-31.
    Outside: 西城区 p4 5亿 signed 06-01.  Last year: 东城区 q1 20亿 (2022-04-01), 西城区 q2 15亿 (2022-05-20),
    西城区 q3 9亿 (2022-06-01, after May).
    Funds: p1 6 (Mar) + 4 (May) + 1 (Jun, outside); q1 2 (Feb 2023, 续建) and 3 (May 2022).
    """
    east, west = b.region(conn, "东城区"), b.region(conn, "西城区")
    city = b.city_id(conn)
    b.target(conn, 2023, city, "合同投资额", 100)
    b.target(conn, 2023, city, "制造业占比", 40)
    b.target(conn, 2023, city, "到位资金", 50)
    b.target(conn, 2023, west, "合同投资额", 40)
    p1 = b.project(conn, east, 30, D(2023, 2, 10), stage="开工", start=D(2023, 4, 1), manufacturing=True)
    b.project(conn, east, 12, D(2023, 3, 5), top500=True)
    b.project(conn, west, 8, D(2023, 5, 31), manufacturing=True)
    b.project(conn, west, 5, D(2023, 6, 1))
    q1 = b.project(conn, east, 20, D(2022, 4, 1))
    b.project(conn, west, 15, D(2022, 5, 20))
    b.project(conn, west, 9, D(2022, 6, 1))
    b.funds(conn, p1, 2023, 3, 6)
    b.funds(conn, p1, 2023, 5, 4)
    b.funds(conn, p1, 2023, 6, 1)
    b.funds(conn, q1, 2023, 2, 2)
    b.funds(conn, q1, 2022, 5, 3)
    b.summarise(conn)
    return east, west


# signed 3 (p1, p2, p3), 30 + 12 + 8 = 50亿 → 50 ÷ 100 = 50% (ahead of 41.67);
#   last year Jan–May 20 + 15 = 35 → (50 − 35) ÷ 35 × 100 = 42.857… → 42.86
# manufacturing p1 + p3: 2, 38亿 → 38 ÷ 50 = 76% → 76 − 40 = +36 pp
# started p1: 1 of 3 → 33.33%; none in production
# funds 6 + 4 + 2 = 12 → 12 ÷ 50 = 24%, 41.666… − 24 = 17.666… → 17.67 behind;
#   last year 3 → (12 − 3) ÷ 3 × 100 = 300; arrival 12 ÷ 50 = 24%
# ≥10亿: p1 + p2 = 2, 42亿; 500强 project p2, its investor new → 1 enterprise
CITY_TEXT = ("2023年1-5月,全市新签约项目3个,合同投资额50.00亿元,完成年度任务的50.00%,比去年同期增长42.86%。"
             "其中新引进制造业项目2个,合同投资额38.00亿元,占合同总投资额的76.00%,比年度目标高36.00个百分点。"
             "开工项目1个,开工率33.33%。"
             "到位资金12.00亿元,完成年度任务的24.00%,低于序时进度17.67个百分点,比去年同期增长300.00%,资金到位率24.00%。"
             "10亿元以上项目2个,合同投资额42.00亿元;500强企业投资项目1个;新引进500强企业1家。")

# 西城区: p3 8亿 → 8 ÷ 40 = 20%, 41.666… − 20 = 21.666… → 21.67 behind; last year Jan–May q2 15 →
#   (8 − 15) ÷ 15 × 100 = −46.666… → 下降46.67; manufacturing 1, 8亿, share 100%, no share target;
#   no start → 0.00%; funds 0, no funds target, none last year; arrival 0 ÷ 8 = 0%
WEST_TEXT = ("2023年1-5月,西城区新签约项目1个,合同投资额8.00亿元,完成年度任务的20.00%,低于序时进度21.67个百分点,"
             "比去年同期下降46.67%。其中新引进制造业项目1个,合同投资额8.00亿元,占合同总投资额的100.00%。"
             "开工项目0个,开工率0.00%。到位资金0.00亿元,资金到位率0.00%。")


def test_text_from_overview_figures(engine):
    with engine.begin() as conn:
        east, west = _city(conn)
        city = overview(conn, PERIOD)
        county = overview(conn, PERIOD, Scope(region_id=west))
    assert briefing_text(city, PERIOD) == CITY_TEXT
    assert briefing_text(county, PERIOD) == WEST_TEXT


def test_briefing_from_database(engine):
    with engine.begin() as conn:
        east, west = _city(conn)
        city = briefing(conn, PERIOD)
        county = briefing(conn, PERIOD, Scope(region_id=west))
        january = briefing(conn, Period(2023, 1))
    assert city["text"] == CITY_TEXT
    assert city["signed_amount"] == DEC("50") and city["funds_in_place"] == DEC("12")
    assert county["text"] == WEST_TEXT
    assert county["region"] == "西城区"
    # January: nothing signed; funds 0; 全市 targets give 0% → 8.333… → 8.33 points behind;
    # last January had nothing either → no YoY clauses
    assert january["text"] == ("2023年1月,全市新签约项目0个,合同投资额0.00亿元,完成年度任务的0.00%,"
                               "低于序时进度8.33个百分点。到位资金0.00亿元,完成年度任务的0.00%,低于序时进度8.33个百分点。")


def test_briefing_for_the_whole_year(engine):
    with engine.begin() as conn:
        _city(conn)
        text = briefing(conn, Period(2023, 12))["text"]
    # the whole of 2023: p1..p4 signed, 55亿 → 55%, 100 − 55 = 45 behind; last year 20 + 15 + 9 = 44 →
    #   (55 − 44) ÷ 44 × 100 = 25; manufacturing 38 ÷ 55 = 69.0909… → 69.09, 69.0909… − 40 = 29.0909… → 29.09
    assert text.startswith("2023年全年,全市新签约项目4个,合同投资额55.00亿元,完成年度任务的55.00%,"
                           "低于序时进度45.00个百分点,比去年同期增长25.00%。其中新引进制造业项目2个,合同投资额38.00亿元,占合同总投资额的69.09%,"
                           "比年度目标高29.09个百分点。")
    # funds 6 + 4 + 1 + 2 = 13 → 26%, 74 behind; last year 3 → (13 − 3) ÷ 3 × 100 = 333.33;
    #   arrival 13 ÷ 55 = 23.636… → 23.64
    assert ("到位资金13.00亿元,完成年度任务的26.00%,低于序时进度74.00个百分点,比去年同期增长333.33%,"
            "资金到位率23.64%。") in text
