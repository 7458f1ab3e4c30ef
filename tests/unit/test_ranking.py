"""County ranking and region 红黄蓝 warnings (SPEC §4 "Rankings and warnings").

Every expected figure is worked out by hand from the fixture; the arithmetic is in the comments.
Defaults: weights signed_amount 40, funds_in_place 40, manufacturing_share_pct 10, signed_count 10;
completion cap 150; yellow threshold 10 pp.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from metrics.period import Period
from metrics.ranking import county_ranking, indicator_status, warning_level
from tests import builders as b

D = dt.date
DEC = Decimal


@pytest.fixture(autouse=True)
def default_settings(monkeypatch):
    for name in ("WARNING_YELLOW_PP", "RANKING_WEIGHTS", "RANKING_COMPLETION_CAP"):
        monkeypatch.delenv(f"ZSDASH_{name}", raising=False)


def by_region(rows):
    return {r["region"]: r for r in rows}


# --- pure functions ------------------------------------------------------------------------

@pytest.mark.parametrize("gap, level", [
    (None, None),
    (DEC("25"), "blue"),
    (DEC("0"), "blue"),          # exactly on time progress
    (DEC("-0.01"), "yellow"),
    (DEC("-9.99"), "yellow"),    # behind by less than 10
    (DEC("-10"), "red"),         # behind by exactly 10
    (DEC("-10.01"), "red"),
    (DEC("-80"), "red"),
])
def test_warning_level_default_threshold(gap, level):
    assert warning_level(gap) == level


def test_warning_level_threshold_from_environment(monkeypatch):
    monkeypatch.setenv("ZSDASH_WARNING_YELLOW_PP", "5")
    assert warning_level(DEC("0")) == "blue"
    assert warning_level(DEC("-4.99")) == "yellow"
    assert warning_level(DEC("-5")) == "red"
    assert warning_level(DEC("-9.99")) == "red"  # yellow under the default, red under 5


def test_indicator_status_amount():
    # June: time progress 6 ÷ 12 × 100 = 50; completion 80 ÷ 100 × 100 = 80; gap 80 − 50 = +30
    s = indicator_status("signed_amount", DEC("80"), DEC("100"), Period(2023, 6))
    assert s == {"value": DEC("80"), "target": DEC("100"), "completion_pct": DEC("80"), "score_pct": DEC("80"),
                 "gap_pp": DEC("30"), "warning": "blue"}


def test_indicator_status_behind_time_progress_in_october():
    # October: time progress 10 ÷ 12 × 100 = 83.333…; completion 150 ÷ 200 × 100 = 75;
    # gap 75 − 83.333… = −8.333… → yellow
    s = indicator_status("funds_in_place", DEC("150"), DEC("200"), Period(2023, 10))
    assert s["completion_pct"] == DEC("75")
    assert s["gap_pp"].quantize(DEC("0.01")) == DEC("-8.33")
    assert s["warning"] == "yellow"


def test_indicator_status_count_red():
    # March: time progress 25; 1 of 10 projects = 10%; gap 10 − 25 = −15 → red
    s = indicator_status("signed_count", 1, DEC("10"), Period(2023, 3))
    assert (s["completion_pct"], s["gap_pp"], s["warning"]) == (DEC("10"), DEC("-15"), "red")


def test_indicator_status_without_target():
    s = indicator_status("signed_amount", DEC("80"), None, Period(2023, 6))
    assert s == {"value": DEC("80"), "target": None, "completion_pct": None, "score_pct": None, "gap_pp": None,
                 "warning": None}
    assert indicator_status("signed_amount", DEC("80"), DEC("0"), Period(2023, 6))["completion_pct"] is None


@pytest.mark.parametrize("month", [1, 6, 12])
def test_indicator_status_share_uses_percentage_points_not_time_progress(month):
    # share 45% against a 50% target: completion is the pp difference 45 − 50 = −5 (whatever the month);
    # the score is the ratio 45 ÷ 50 × 100 = 90; −5 pp is behind by less than 10 → yellow
    s = indicator_status("manufacturing_share_pct", DEC("45"), DEC("50"), Period(2023, month))
    assert s == {"value": DEC("45"), "target": DEC("50"), "completion_pct": DEC("-5"), "score_pct": DEC("90"),
                 "gap_pp": DEC("-5"), "warning": "yellow"}


def test_indicator_status_share_boundaries():
    p = Period(2023, 6)
    assert indicator_status("manufacturing_share_pct", DEC("50"), DEC("50"), p)["warning"] == "blue"  # 0 pp
    assert indicator_status("manufacturing_share_pct", DEC("40.01"), DEC("50"), p)["warning"] == "yellow"  # −9.99
    assert indicator_status("manufacturing_share_pct", DEC("40"), DEC("50"), p)["warning"] == "red"  # −10
    none = indicator_status("manufacturing_share_pct", None, DEC("50"), p)  # no signings: share undefined
    assert (none["completion_pct"], none["score_pct"], none["gap_pp"], none["warning"]) == (None, None, None, None)


# --- composite score, order, per-indicator figures ---------------------------------------------

PERIOD = Period(2023, 6)  # time progress 6 ÷ 12 × 100 = 50


def _scored(conn):
    """Four counties, period 2023-06.

    东城区 targets 合同投资额 100, 签约项目数 4, 到位资金 20, 制造业占比 50:
      signs 60 (manufacturing) + 20 = 80亿, 2 projects; share 60 ÷ 80 = 75%; funds 5 (Mar; Jul's 3 is outside);
      last year Jan–Jun signed 40.
    西城区 target 合同投资额 50: signs 100.
    南山县 targets 合同投资额 200, 到位资金 10: signs 40, funds 10.
    北湖县 no targets: signs 500.
    """
    east, west, south, north = (b.region(conn, n) for n in ("东城区", "西城区", "南山县", "北湖县"))
    for indicator, value in (("合同投资额", 100), ("签约项目数", 4), ("到位资金", 20), ("制造业占比", 50)):
        b.target(conn, 2023, east, indicator, value)
    b.target(conn, 2023, west, "合同投资额", 50)
    b.target(conn, 2023, south, "合同投资额", 200)
    b.target(conn, 2023, south, "到位资金", 10)
    e1 = b.project(conn, east, 60, D(2023, 2, 10), manufacturing=True)
    b.project(conn, east, 20, D(2023, 6, 30))
    b.funds(conn, e1, 2023, 3, 5)
    b.funds(conn, e1, 2023, 7, 3)
    b.project(conn, east, 40, D(2022, 4, 1))
    b.project(conn, east, 999, D(2023, 7, 1))  # after the window
    b.project(conn, west, 100, D(2023, 1, 5))
    s1 = b.project(conn, south, 40, D(2023, 5, 20))
    b.funds(conn, s1, 2023, 6, 10)
    b.project(conn, north, 500, D(2023, 3, 3))
    b.summarise(conn)


def test_composite_score_with_default_weights(engine):
    with engine.begin() as conn:
        _scored(conn)
        rows = county_ranking(conn, PERIOD)
    # 西城区: 100 ÷ 50 = 200% capped at 150 → score 150
    # 东城区: amount 80%, count 2 ÷ 4 = 50%, funds 5 ÷ 20 = 25%, share ratio 75 ÷ 50 = 150%
    #         (40×80 + 10×50 + 40×25 + 10×150) ÷ (40+10+40+10) = 6200 ÷ 100 = 62
    # 南山县: amount 40 ÷ 200 = 20%, funds 10 ÷ 10 = 100% → (40×20 + 40×100) ÷ 80 = 4800 ÷ 80 = 60
    # 北湖县: no targets → no score, last although it signed the most
    assert [(r["region"], r["rank"], r["score"]) for r in rows] == [
        ("西城区", 1, DEC("150")), ("东城区", 2, DEC("62")), ("南山县", 3, DEC("60")), ("北湖县", 4, None)]
    assert "全市" not in by_region(rows)


def test_per_indicator_completion_gap_and_warning(engine):
    with engine.begin() as conn:
        _scored(conn)
        rows = by_region(county_ranking(conn, PERIOD))
    east = rows["东城区"]
    assert set(east["indicators"]) == {"signed_amount", "signed_count", "funds_in_place", "manufacturing_share_pct"}
    ind = {m: (s["value"], s["target"], s["completion_pct"], s["gap_pp"], s["warning"])
           for m, s in east["indicators"].items()}
    assert ind == {
        "signed_amount": (DEC("80"), DEC("100"), DEC("80"), DEC("30"), "blue"),  # 80%, 80 − 50 = +30
        "signed_count": (2, DEC("4"), DEC("50"), DEC("0"), "blue"),  # 50%, exactly on time progress
        "funds_in_place": (DEC("5"), DEC("20"), DEC("25"), DEC("-25"), "red"),  # 25%, 25 − 50 = −25
        "manufacturing_share_pct": (DEC("75"), DEC("50"), DEC("25"), DEC("25"), "blue"),  # 75 − 50 = +25 pp
    }
    # YoY on the row: (80 − 40) ÷ 40 × 100 = 100
    assert east["signed_amount_yoy_pct"] == DEC("100")
    assert east["signed_count_yoy_pct"] == DEC("100")  # (2 − 1) ÷ 1 × 100
    assert east["funds_yoy_pct"] is None  # no funds last year
    west = rows["西城区"]["indicators"]["signed_amount"]
    assert (west["completion_pct"], west["score_pct"], west["gap_pp"]) == (DEC("200"), DEC("200"), DEC("150"))
    assert rows["北湖县"]["indicators"] == {}
    assert rows["北湖县"]["signed_amount"] == DEC("500")


def test_custom_weights_from_environment(engine, monkeypatch):
    monkeypatch.setenv("ZSDASH_RANKING_WEIGHTS", "signed_amount:1,funds_in_place:3")
    with engine.begin() as conn:
        _scored(conn)
        rows = county_ranking(conn, PERIOD)
    # only amount and funds count now:
    # 东城区 (1×80 + 3×25) ÷ 4 = 155 ÷ 4 = 38.75; 南山县 (1×20 + 3×100) ÷ 4 = 320 ÷ 4 = 80;
    # 西城区 has only the amount target: 150 (capped) ÷ 1 = 150
    assert [(r["region"], r["score"]) for r in rows] == [
        ("西城区", DEC("150")), ("南山县", DEC("80")), ("东城区", DEC("38.75")), ("北湖县", None)]


def test_region_whose_targets_carry_no_weight_is_unscored(engine, monkeypatch):
    monkeypatch.setenv("ZSDASH_RANKING_WEIGHTS", "funds_in_place:1")
    with engine.begin() as conn:
        _scored(conn)
        rows = county_ranking(conn, PERIOD)
    # 东城区 funds 25%, 南山县 funds 100%; 西城区 has no funds target → unscored, before 北湖县 on amount 500 > 100
    assert [(r["region"], r["score"]) for r in rows] == [
        ("南山县", DEC("100")), ("东城区", DEC("25")), ("北湖县", None), ("西城区", None)]
    # the indicator is still reported though it carries no weight
    assert rows[3]["indicators"]["signed_amount"]["completion_pct"] == DEC("200")


@pytest.mark.parametrize("cap, west, east", [
    # cap 100: 西城区 200 → 100; 东城区 share ratio 150 → 100: (3200 + 500 + 1000 + 10×100) ÷ 100 = 57
    ("100", DEC("100"), DEC("57")),
    # cap 250: nothing capped; 西城区 200; 东城区 62 as with the default
    ("250", DEC("200"), DEC("62")),
])
def test_completion_cap_from_environment(engine, monkeypatch, cap, west, east):
    monkeypatch.setenv("ZSDASH_RANKING_COMPLETION_CAP", cap)
    with engine.begin() as conn:
        _scored(conn)
        rows = county_ranking(conn, PERIOD)
    scores = {r["region"]: r["score"] for r in rows}
    assert scores == {"西城区": west, "东城区": east, "南山县": DEC("60"), "北湖县": None}
    # with cap 100 南山县 (60) overtakes 东城区 (57)
    expected = ["西城区", "南山县", "东城区", "北湖县"] if cap == "100" else ["西城区", "东城区", "南山县", "北湖县"]
    assert [r["region"] for r in rows] == expected


def test_tie_breaks_on_signed_amount(engine):
    with engine.begin() as conn:
        east, west, south, north = (b.region(conn, n) for n in ("东城区", "西城区", "南山县", "北湖县"))
        b.target(conn, 2023, east, "合同投资额", 100)
        b.target(conn, 2023, west, "合同投资额", 200)
        b.project(conn, east, 50, D(2023, 2, 1))   # 50 ÷ 100 = 50%
        b.project(conn, west, 100, D(2023, 3, 1))  # 100 ÷ 200 = 50%: same score, larger amount
        b.project(conn, south, 7, D(2023, 3, 1))   # no targets, 7 signed
        b.project(conn, north, 9, D(2023, 3, 1))   # no targets, 9 signed
        b.summarise(conn)
        rows = county_ranking(conn, PERIOD)
    # 西城区 before 东城区 on amount (100 > 50) though 东城区 comes first in name and region order;
    # the unscored ones last, also by amount (9 > 7)
    assert [(r["region"], r["rank"], r["score"]) for r in rows] == [
        ("西城区", 1, DEC("50")), ("东城区", 2, DEC("50")), ("北湖县", 3, None), ("南山县", 4, None)]


def test_region_warning_boundaries(engine):
    with engine.begin() as conn:
        regions = {n: b.region(conn, n) for n in ("东城区", "西城区", "南山县", "北湖县")}
        for name, amount in (("东城区", "50"), ("西城区", "40.01"), ("南山县", "40"), ("北湖县", "45.01")):
            b.target(conn, 2023, regions[name], "合同投资额", 100)
            b.project(conn, regions[name], amount, D(2023, 4, 1))
        b.summarise(conn)
        rows = by_region(county_ranking(conn, PERIOD))
    # time progress 50: completion 50 → gap 0 → blue; 40.01 → −9.99 → yellow; 40 → −10 → red;
    # 45.01 → −4.99 → yellow
    got = {n: (r["indicators"]["signed_amount"]["gap_pp"], r["indicators"]["signed_amount"]["warning"])
           for n, r in rows.items()}
    assert got == {"东城区": (DEC("0"), "blue"), "西城区": (DEC("-9.99"), "yellow"), "南山县": (DEC("-10"), "red"),
                   "北湖县": (DEC("-4.99"), "yellow")}


def test_region_warning_threshold_from_environment(engine, monkeypatch):
    monkeypatch.setenv("ZSDASH_WARNING_YELLOW_PP", "5")
    with engine.begin() as conn:
        regions = {n: b.region(conn, n) for n in ("东城区", "西城区", "南山县", "北湖县")}
        for name, amount in (("东城区", "50"), ("西城区", "40.01"), ("南山县", "45"), ("北湖县", "45.01")):
            b.target(conn, 2023, regions[name], "合同投资额", 100)
            b.project(conn, regions[name], amount, D(2023, 4, 1))
        b.summarise(conn)
        rows = by_region(county_ranking(conn, PERIOD))
    # threshold 5: gap 0 blue; −9.99 red; −5 red; −4.99 yellow
    got = {n: r["indicators"]["signed_amount"]["warning"] for n, r in rows.items()}
    assert got == {"东城区": "blue", "西城区": "red", "南山县": "red", "北湖县": "yellow"}


def test_share_indicator_against_its_target(engine):
    with engine.begin() as conn:
        east, west, south = (b.region(conn, n) for n in ("东城区", "西城区", "南山县"))
        for rid in (east, west, south):
            b.target(conn, 2023, rid, "制造业占比", 50)
        # 东城区 share 20 ÷ 50 = 40% → 40 − 50 = −10 pp → red (time progress plays no part)
        b.project(conn, east, 20, D(2023, 1, 5), manufacturing=True)
        b.project(conn, east, 30, D(2023, 1, 6))
        # 西城区 share 9 ÷ 20 = 45% → −5 pp → yellow
        b.project(conn, west, 9, D(2023, 1, 5), manufacturing=True)
        b.project(conn, west, 11, D(2023, 1, 6))
        # 南山县 share 60 ÷ 100 = 60% → +10 pp → blue
        b.project(conn, south, 60, D(2023, 1, 5), manufacturing=True)
        b.project(conn, south, 40, D(2023, 1, 6))
        b.summarise(conn)
        rows = county_ranking(conn, Period(2023, 12))
    got = {r["region"]: (r["indicators"]["manufacturing_share_pct"]["completion_pct"],
                         r["indicators"]["manufacturing_share_pct"]["warning"], r["score"]) for r in rows}
    # scores are the ratio share ÷ target × 100: 40 ÷ 50 = 80, 45 ÷ 50 = 90, 60 ÷ 50 = 120
    assert got == {"东城区": (DEC("-10"), "red", DEC("80")), "西城区": (DEC("-5"), "yellow", DEC("90")),
                   "南山县": (DEC("10"), "blue", DEC("120"))}
    assert [r["region"] for r in rows] == ["南山县", "西城区", "东城区"]


# --- rank change ---------------------------------------------------------------------------

def test_rank_change_vs_previous_month(engine):
    with engine.begin() as conn:
        east, west, south = (b.region(conn, n) for n in ("东城区", "西城区", "南山县"))
        for rid in (east, west, south):
            b.target(conn, 2023, rid, "合同投资额", 100)
        b.project(conn, east, 30, D(2023, 1, 10))
        b.project(conn, west, 20, D(2023, 2, 10))
        b.project(conn, west, 40, D(2023, 3, 10))
        b.project(conn, south, 10, D(2023, 2, 20))
        b.summarise(conn)
        feb = county_ranking(conn, Period(2023, 2))
        mar = county_ranking(conn, Period(2023, 3))
    # February: 东城区 30%, 西城区 20%, 南山县 10% → ranks 1, 2, 3
    assert [(r["region"], r["rank"]) for r in feb] == [("东城区", 1), ("西城区", 2), ("南山县", 3)]
    # March: 西城区 20 + 40 = 60%, 东城区 30%, 南山县 10% → 西城区 up 2 → 1 (+1), 东城区 1 → 2 (−1), 南山县 0
    assert [(r["region"], r["rank"], r["rank_change"]) for r in mar] == [
        ("西城区", 1, 1), ("东城区", 2, -1), ("南山县", 3, 0)]


def test_rank_change_january_vs_previous_december(engine):
    with engine.begin() as conn:
        east, west = b.region(conn, "东城区"), b.region(conn, "西城区")
        for year in (2022, 2023):
            b.target(conn, year, east, "合同投资额", 100)
            b.target(conn, year, west, "合同投资额", 100)
        b.project(conn, east, 80, D(2022, 5, 1))   # December 2022: 东城区 80% → rank 1
        b.project(conn, west, 50, D(2022, 6, 1))   #                西城区 50% → rank 2
        b.project(conn, west, 10, D(2023, 1, 5))   # January 2023: 西城区 10% → rank 1, 东城区 0% → rank 2
        b.summarise(conn)
        rows = county_ranking(conn, Period(2023, 1))
    assert [(r["region"], r["rank"], r["rank_change"]) for r in rows] == [("西城区", 1, 1), ("东城区", 2, -1)]


def test_rank_change_none_when_previous_month_empty(engine):
    with engine.begin() as conn:
        east, west = b.region(conn, "东城区"), b.region(conn, "西城区")
        b.project(conn, east, 10, D(2023, 1, 5))
        b.project(conn, west, 20, D(2023, 1, 6))
        b.summarise(conn)
        rows = county_ranking(conn, Period(2023, 1))  # December 2022 has nothing at all
    assert [(r["region"], r["rank"], r["rank_change"]) for r in rows] == [("西城区", 1, None), ("东城区", 2, None)]


def test_rank_change_none_when_previous_month_has_targets_but_no_data(engine):
    with engine.begin() as conn:
        east, west = b.region(conn, "东城区"), b.region(conn, "西城区")
        b.target(conn, 2023, east, "合同投资额", 100)
        b.target(conn, 2023, west, "合同投资额", 100)
        b.project(conn, west, 20, D(2023, 2, 6))  # the first data of the year is in February
        b.project(conn, east, 10, D(2023, 2, 5))
        b.summarise(conn)
        rows = county_ranking(conn, Period(2023, 2))
    # January has targets but not a single project or fund: there is no January standing to compare with
    assert [(r["region"], r["rank"], r["rank_change"]) for r in rows] == [("西城区", 1, None), ("东城区", 2, None)]


def test_rank_change_counts_a_previous_month_with_funds_only(engine):
    with engine.begin() as conn:
        east, west = b.region(conn, "东城区"), b.region(conn, "西城区")
        for rid in (east, west):
            b.target(conn, 2023, rid, "合同投资额", 100)
            b.target(conn, 2023, rid, "到位资金", 10)
        old = b.project(conn, east, 8, D(2022, 9, 1))  # signed last year, funds this January (续建)
        b.funds(conn, old, 2023, 1, 5)
        b.project(conn, west, 60, D(2023, 2, 3))
        b.summarise(conn)
        rows = county_ranking(conn, Period(2023, 2))
    # January: 东城区 amount 0%, funds 5 ÷ 10 = 50% → (40×0 + 40×50) ÷ 80 = 25; 西城区 0 → ranks 东 1, 西 2
    # February: 西城区 amount 60%, funds 0% → (40×60 + 0) ÷ 80 = 30; 东城区 still 25 → 西 1 (+1), 东 2 (−1)
    assert [(r["region"], r["rank"], r["score"], r["rank_change"]) for r in rows] == [
        ("西城区", 1, DEC("30"), 1), ("东城区", 2, DEC("25"), -1)]
