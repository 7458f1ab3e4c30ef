"""A scoped briefing as the seeds write one (SPEC §4 share_of_total, projects_over_10yi_funds,
problems; §7 briefing --min-amount/--origin/--chain/--manufacturing): a Pingba-like district,
2018 1-11月, scope 省外 + 500万元以上, through ``cli.py briefing`` on both engines.

    平坝区   signed      origin  合同投资额  制造业  started      2018 funds
    PB0     2017-06-01  省外     8.00      是                   Mar 0.80 (续建: funds count, project not)
    PB1     2018-03-01  省外     3.00      是      2018-04-01   May 1.20
    PB2     2018-05-10  省外     0.05      否      2018-06-01        (exactly 500万: counts)
    PB3     2018-06-01  省外     0.04      是                        (under 500万: not in scope)
    PB4     2018-07-01  省内     2.00      是                   Aug 0.50 (省内: not in scope)
    PB5     2018-08-15  省外    12.00      是      2018-09-01   Sep 4.00, Dec 1.00 (Dec after the window)
    PB6     2018-12-05  省外     1.00      是                        (after the window)
    西秀区 XX1 2018-04-01 省外 5.00, Jun funds 2.00: another district.
    Problems of 平坝区 raised 2018: Feb (PB1, 已办结 Mar 1), Jun (PB1, 办理中), Oct (no project, 待办);
    Dec 2018 (after the window) and one of 西秀区 do not count.

Scope: signed PB1, PB2, PB5 = 3, 3.00 + 0.05 + 12.00 = 15.05亿; funds 1.20 + 4.00 + 0.80 = 6.00亿.
All of 平坝区: 5 signed (PB1-PB5), 17.09亿; funds 6.50亿. Shares 3/5 = 60.00%, 15.05/17.09 = 88.06%,
6.00/6.50 = 92.31%. 2017 1-11月 in scope: PB0, 8.00亿 → 同比 (15.05 − 8) ÷ 8 = 88.125% → 88.13%.
≥10亿: PB5, 12.00亿, funds 4.00亿 (PB0's 8.00 is under 10). 制造业 PB1 + PB5 = 15.00亿 = 99.67%.
Started 3 of 3. Problems: 3 raised, 1 project named, 1 closed, 1 in progress, 1 pending.
"""
import datetime as dt
import json

import pytest
from sqlalchemy import insert

from data_access.models import EnterpriseProblem
from tests.builders import funds, project, region, summarise

D = dt.date
TEXT = ("2018年1-11月,平坝区新签约省外500万元以上项目3个、合同投资额15.05亿元、到位资金6.00亿元,"
        "占全区比重分别为60.00%、88.06%和92.31%,比去年同期增长88.13%。"
        "其中10亿元以上项目1个,合同投资额12.00亿元,到位资金4.00亿元。"
        "其中新引进制造业项目2个,合同投资额15.00亿元,占合同总投资额的99.67%。"
        "开工项目3个,开工率100.00%。"
        "收集企业反映问题3个,已办结1个,正在办理1个,待办1个。")


@pytest.fixture
def pingba(engine):
    with engine.begin() as conn:
        pb, xx = region(conn, "平坝区"), region(conn, "西秀区")
        pb0 = project(conn, pb, "8.00", D(2017, 6, 1), manufacturing=True)
        funds(conn, pb0, 2018, 3, "0.80")
        pb1 = project(conn, pb, "3.00", D(2018, 3, 1), stage="开工", start=D(2018, 4, 1), manufacturing=True)
        funds(conn, pb1, 2018, 5, "1.20")
        project(conn, pb, "0.05", D(2018, 5, 10), stage="开工", start=D(2018, 6, 1))
        project(conn, pb, "0.04", D(2018, 6, 1), manufacturing=True)
        funds(conn, project(conn, pb, "2.00", D(2018, 7, 1), manufacturing=True, origin="省内"), 2018, 8, "0.50")
        pb5 = project(conn, pb, "12.00", D(2018, 8, 15), stage="开工", start=D(2018, 9, 1), manufacturing=True)
        funds(conn, pb5, 2018, 9, "4.00")
        funds(conn, pb5, 2018, 12, "1.00")
        project(conn, pb, "1.00", D(2018, 12, 5), manufacturing=True)
        funds(conn, project(conn, xx, "5.00", D(2018, 4, 1), manufacturing=True), 2018, 6, "2.00")
        for enterprise, pid, rid, raised, status, closed in (
                ("甲公司", pb1, pb, D(2018, 2, 1), "已办结", D(2018, 3, 1)),
                ("甲公司", pb1, pb, D(2018, 6, 1), "办理中", None),
                ("乙公司", None, pb, D(2018, 10, 1), "待办", None), ("丙公司", None, pb, D(2018, 12, 1), "待办", None),
                ("丁公司", None, xx, D(2018, 5, 1), "待办", None)):
            conn.execute(insert(EnterpriseProblem).values(
                enterprise=enterprise, project_id=pid, region_id=rid, description=f"{enterprise}{raised}",
                raised_on=raised, status=status, closed_on=closed))
        summarise(conn)
    return engine


def test_scoped_briefing_names_its_scope_and_share(pingba, cli_on):
    run = cli_on(pingba)
    args = ("briefing", "--period", "2018-11", "--region", "平坝区", "--origin", "省外", "--min-amount", "0.05")
    code, out, err = run(*args, "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["scope"] == {"region": "平坝区", "chain": None, "min_amount": 0.05, "origin": "省外",
                             "manufacturing_only": False}
    assert (data["signed_count"], data["signed_amount"], data["funds_in_place"]) == (3, 15.05, 6.0)
    assert data["share_of_total"] == {"signed_count_pct": 60.0, "signed_amount_pct": 88.06, "funds_in_place_pct": 92.31}
    assert (data["projects_over_10yi_count"], data["projects_over_10yi_amount"], data["projects_over_10yi_funds"]) == \
        (1, 12.0, 4.0)
    assert data["problems"] == {"total": 3, "projects": 1, "closed": 1, "in_progress": 1, "pending": 1}
    assert data["signed_amount_target"] is None  # targets are for whole regions
    assert data["text"] == TEXT
    code, out, _ = run(*args)
    assert (code, out.strip()) == (0, TEXT)


def test_an_unscoped_briefing_has_no_share(pingba, cli_on):
    code, out, _ = cli_on(pingba)("briefing", "--period", "2018-11", "--region", "平坝区", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["share_of_total"] is None
    # all of 平坝区: PB5's 4.00 (PB0 8.00亿 is under 10亿)
    assert (data["signed_count"], data["signed_amount"], data["projects_over_10yi_funds"]) == (5, 17.09, 4.0)
    assert data["text"].startswith("2018年1-11月,平坝区新签约项目5个,合同投资额17.09亿元,")


@pytest.mark.parametrize(("option", "words"), [
    (("--min-amount", "1"), "亿元以上"), (("--min-amount", "10"), "10亿元以上"),
    (("--min-amount", "0.05"), "500万元以上"), (("--chain", "木材加工"), "木材加工产业链"),
    (("--manufacturing",), "制造业")])
def test_each_scope_is_named(pingba, cli_on, option, words):
    code, out, _ = cli_on(pingba)("briefing", "--period", "2018-11", "--region", "平坝区", *option)
    assert code == 0 and out.startswith(f"2018年1-11月,平坝区新签约{words}项目")


def test_a_bad_amount_or_chain_is_refused(pingba, cli_on, capsys):
    run = cli_on(pingba)
    with pytest.raises(SystemExit) as exited:
        run("briefing", "--period", "2018-11", "--min-amount", "五百万")
    assert exited.value.code == 2 and "“五百万”不是金额(亿元),如 0.05" in capsys.readouterr().err
    code, _, err = run("briefing", "--period", "2018-11", "--chain", "造船")
    assert (code, err.strip()) == (1, "产业链“造船”不存在")



# ---------------------------------------------------------------------------------------------
# a Liuzhou-like city, 2019 全年: the figures its report publishes, from rows built to add up to them
#
# 亿元以上 (scope ≥ 1亿): 29 × 22.00 + 51.50 = 689.50 (the 30 ≥10亿 projects) and 97 × 2.80 + 4.01 = 275.61,
# 128 projects, 965.11亿; under 1亿: 220 × 0.39 + 0.64 = 86.44亿, 221 projects. All: 349, 1,051.55亿.
# Funds 2019: ≥10亿 29 × 17.00 + 19.33 = 512.33; 1–10亿 97 × 3.50 + 0.72 = 340.22; under 1亿
# 220 × 0.61 + 0.11 = 134.31. Scope 852.55 of 986.86. Shares 128/349 = 36.68%, 965.11/1051.55 = 91.78%,
# 852.55/986.86 = 86.39%. Every 亿元以上 project started in 2019 (128, 100%); none is 制造业.
# 招商活动: 459 talks (the first 68 with a 500强 enterprise each), 163 coordination meetings (63 solving 2
# problems, 100 solving 1: 226). 企业诉求: 177 raised on 133 projects (44 of them twice), all closed.

LIUZHOU_TEXT = ("2019年全年,全市新签约亿元以上项目128个、合同投资额965.11亿元、到位资金852.55亿元,"
                "占全市比重分别为36.68%、91.78%和86.39%。其中10亿元以上项目30个,合同投资额689.50亿元,到位资金512.33亿元。"
                "开工项目128个,开工率100.00%。"
                "全市领导共开展对接洽谈459次,对接500强企业68家,召开项目协调会163次,协调解决问题226个。"
                "收集企业反映问题177个,已办结177个。")


@pytest.fixture
def liuzhou(engine):
    from data_access.models import Activity
    with engine.begin() as conn:
        ln = region(conn, "柳南区")
        groups = [(29, "22.00", "17.00"), (1, "51.50", "19.33"), (97, "2.80", "3.50"), (1, "4.01", "0.72"),
                  (220, "0.39", "0.61"), (1, "0.64", "0.11")]
        ids = []
        for n, amount, funded in groups:
            for _ in range(n):
                big = float(amount) >= 1
                pid = project(conn, ln, amount, D(2019, 3, 1), stage="开工" if big else "签约",
                              start=D(2019, 4, 1) if big else None)
                funds(conn, pid, 2019, 6, funded)
                ids.append(pid)
        day = dt.timedelta(days=1)
        for i in range(459):
            conn.execute(insert(Activity).values(
                activity_date=D(2019, 1, 1) + (i % 365) * day, region_id=ln, leader="王书记", activity_type="对接洽谈",
                enterprise=f"企业{i}", event_name="", tags="世界500强" if i < 68 else None, is_top500=i < 68,
                problems_solved=0))
        for i in range(163):
            conn.execute(insert(Activity).values(
                activity_date=D(2019, 1, 1) + i * day, region_id=ln, leader="李市长", activity_type="项目协调会",
                enterprise="", event_name="", is_top500=False, problems_solved=2 if i < 63 else 1))
        for i in range(177):
            conn.execute(insert(EnterpriseProblem).values(
                enterprise=f"企业{i}", project_id=ids[i % 133], region_id=ln, description=f"问题{i}",
                raised_on=D(2019, 6, 1), status="已办结", closed_on=D(2019, 6, 10)))
        summarise(conn)
    return engine


def test_a_liuzhou_like_city_briefs_as_its_report(liuzhou, cli_on):
    code, out, err = cli_on(liuzhou)("briefing", "--period", "2019-12", "--min-amount", "1", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["signed_count"], data["signed_amount"], data["funds_in_place"]) == (128, 965.11, 852.55)
    assert data["share_of_total"] == {"signed_count_pct": 36.68, "signed_amount_pct": 91.78,
                                      "funds_in_place_pct": 86.39}
    assert (data["projects_over_10yi_count"], data["projects_over_10yi_amount"], data["projects_over_10yi_funds"]) == \
        (30, 689.5, 512.33)
    assert (data["activities"]["talks"], data["activities"]["top500_enterprises_contacted"],
            data["activities"]["coordination_meetings"], data["activities"]["problems_solved"]) == (459, 68, 163, 226)
    assert data["problems"] == {"total": 177, "projects": 133, "closed": 177, "in_progress": 0, "pending": 0}
    assert data["text"] == LIUZHOU_TEXT


def overview_under(engine, monkeypatch, year: int, month: int, scope: str, region: str | None = None):
    """总览 with those filters: its KPI cards and whether its paragraph holds ``text``."""
    from tests.app.helpers import kpi_cards, opened
    at = opened(engine, monkeypatch, "views/overview.py")
    at.selectbox(key="year").select(year).run()
    at.selectbox(key="month").select(month).run()
    if region:
        at.selectbox(key="region").select(region).run()
    at.selectbox(key="scope").select(scope).run()
    assert not at.exception
    return kpi_cards(at), " ".join(m.value for m in at.markdown)


def test_the_overview_under_a_scope_shows_the_report_figures(liuzhou, monkeypatch):
    cards, text = overview_under(liuzhou, monkeypatch, 2019, 12, "1亿元以上")
    assert cards["新签约项目"] == ("128 个", [("无上年同期数据", "muted"), ("占全市比重 36.68%", "")])
    assert cards["合同投资额"] == ("965.11 亿元", [("无上年同期数据", "muted"), ("占全市比重 91.78%", "")])
    assert cards["到位资金"] == ("852.55 亿元", [("无上年同期数据", "muted"), ("占全市比重 86.39%", "")])
    assert LIUZHOU_TEXT in text


# ---------------------------------------------------------------------------------------------
# a Pingba-like district, 2018 1-11月, with the figures its report publishes
#
# 省外 500万元以上 in 平坝区, all started in 2018: signed at 平坝·佛山招商引资推介会 7 × 2.50 + 5.92 = 23.42 (8);
# at 平坝·深圳投资洽谈会 2 × 31.29 = 62.58 (2; the ≥10亿 projects) — 10 projects, 86.00亿 at events; others
# 79 × 1.10 + 4.81 = 91.71 (80). 90 projects, 177.71亿; 63 of them in production by November.
# Funds 2018: 20.00 each ≥10亿 project (40.00), 1.10 each of 87 others + 8.22 = 103.92: 143.92.
# Not in scope: 省内 3 × 2.00 (funds 0.50 each), 省外 under 500万 2 × 0.03; 西秀区's 5.00. All of 平坝区:
# 95 projects, 183.77亿, funds 145.42 → 90/95 = 94.74%, 177.71/183.77 = 96.70%, 143.92/145.42 = 98.97%.
# 招商活动 of 平坝区: 11 外出招商, 4 工作会议, 36 企业调研 (6 solving 2 problems, 30 solving 1: 42); one more
# in December and 西秀区's do not count. 企业诉求 of 平坝区: 31 raised, 26 closed, 5 in progress.

PINGBA_TEXT = ("2018年1-11月,平坝区新签约省外500万元以上项目90个、合同投资额177.71亿元、到位资金143.92亿元,"
               "占全区比重分别为94.74%、96.70%和98.97%。其中10亿元以上项目2个,合同投资额62.58亿元,到位资金40.00亿元。"
               "开工项目90个,开工率100.00%;投产项目63个。"
               "平坝区领导共外出招商11次,召开工作会议4次,走访调研企业36次,协调解决问题42个。"
               "在平坝·深圳投资洽谈会上签约项目2个、签约额62.58亿元;在平坝·佛山招商引资推介会上签约项目8个、签约额23.42亿元。"
               "收集企业反映问题31个,已办结26个,正在办理5个。")


@pytest.fixture
def pingba_report(engine):
    from sqlalchemy import update

    from data_access.models import Activity, Project
    with engine.begin() as conn:
        pb, xx = region(conn, "平坝区"), region(conn, "西秀区")
        rows = [("2.50", "平坝·佛山招商引资推介会", "1.10")] * 7 + [("5.92", "平坝·佛山招商引资推介会", "1.10")] + \
            [("31.29", "平坝·深圳投资洽谈会", "20.00")] * 2 + [("1.10", None, "1.10")] * 79 + [("4.81", None, "8.22")]
        for i, (amount, event, funded) in enumerate(rows):
            produced = i < 63
            pid = project(conn, pb, amount, D(2018, 3, 1), stage="投产" if produced else "开工", start=D(2018, 4, 1),
                          production=D(2018, 9, 1) if produced else None)
            conn.execute(update(Project).where(Project.id == pid).values(signed_event=event))
            funds(conn, pid, 2018, 10, funded)
        for _ in range(3):
            funds(conn, project(conn, pb, "2.00", D(2018, 5, 1), origin="省内"), 2018, 10, "0.50")
        for _ in range(2):
            project(conn, pb, "0.03", D(2018, 5, 1))
        funds(conn, project(conn, xx, "5.00", D(2018, 5, 1)), 2018, 10, "2.00")
        day = dt.timedelta(days=1)
        kinds = [("外出招商", 0)] * 11 + [("工作会议", 0)] * 4 + [("企业调研", 2)] * 6 + [("企业调研", 1)] * 30
        for i, (kind, solved) in enumerate(kinds):
            conn.execute(insert(Activity).values(
                activity_date=D(2018, 1, 1) + i * day, region_id=pb, leader="平坝区长", activity_type=kind,
                enterprise="", event_name="", is_top500=False, problems_solved=solved))
        for when, rid in ((D(2018, 12, 3), pb), (D(2018, 6, 3), xx)):
            conn.execute(insert(Activity).values(activity_date=when, region_id=rid, leader="某领导",
                                                 activity_type="外出招商", enterprise="", event_name="",
                                                 is_top500=False, problems_solved=9))
        for i in range(31):
            closed = i < 26
            conn.execute(insert(EnterpriseProblem).values(
                enterprise=f"企业{i}", region_id=pb, description=f"问题{i}", raised_on=D(2018, 6, 1),
                status="已办结" if closed else "办理中", closed_on=D(2018, 7, 1) if closed else None))
        summarise(conn)
    return engine


def test_a_pingba_like_district_briefs_as_its_report(pingba_report, cli_on):
    code, out, err = cli_on(pingba_report)("briefing", "--period", "2018-11", "--region", "平坝区", "--origin", "省外",
                                           "--min-amount", "0.05", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["signed_count"], data["signed_amount"], data["funds_in_place"]) == (90, 177.71, 143.92)
    assert (data["production_count"], data["start_rate_pct"]) == (63, 100.0)
    events = data["events"]
    assert (sum(e["signed_count"] for e in events), sum(e["signed_amount"] for e in events)) == (10, 86.0)
    assert events[1] == {"name": "平坝·佛山招商引资推介会", "date": None, "signed_count": 8, "signed_amount": 23.42}
    assert (data["activities"]["trips"], data["activities"]["work_meetings"], data["activities"]["enterprise_visits"],
            data["activities"]["problems_solved"]) == (11, 4, 36, 42)
    assert data["problems"] == {"total": 31, "projects": 0, "closed": 26, "in_progress": 5, "pending": 0}
    assert data["text"] == PINGBA_TEXT


def test_the_overview_of_the_district_under_its_scope(pingba_report, monkeypatch):
    cards, text = overview_under(pingba_report, monkeypatch, 2018, 11, "省外500万元以上", "平坝区")
    assert cards["新签约项目"] == ("90 个", [("无上年同期数据", "muted"), ("占全区比重 94.74%", "")])
    assert cards["合同投资额"] == ("177.71 亿元", [("无上年同期数据", "muted"), ("占全区比重 96.70%", "")])
    assert cards["到位资金"] == ("143.92 亿元", [("无上年同期数据", "muted"), ("占全区比重 98.97%", "")])
    assert PINGBA_TEXT in text
