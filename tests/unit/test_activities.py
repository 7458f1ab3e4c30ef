"""招商活动 and 签约活动 (SPEC §3 activity and event, §4 activities and events, §5 sheet 招商活动): a
Liuzhou-like city, 2019 1-6月, imported from a workbook and read back through ``cli.py briefing``,
on both engines.

    项目台账 (2019)  county  signed      合同投资额  签约活动
    L1              柳南区  2019-03-01  15.00      柳州·深圳招商推介会 (本月到位资金 2.00)
    L2              柳北区  2019-04-01   3.00      柳州·深圳招商推介会
    L3              柳南区  2019-05-01   0.50      —
    L4              柳北区  2019-06-10   2.00      汽车产业 洽谈会 (spaces dropped: 汽车产业洽谈会)

    招商活动         region  type        enterprise (tags)       solved
    2019-02-20      全市    推介会       — (活动名称 柳州·深圳招商推介会)  0
    2019-03-05      全市    对接洽谈     甲汽车集团 (世界500强)     2
    2019-04-06      柳南区  对接洽谈     乙公司                    1
    2019-04-10      柳北区  对接洽谈     甲汽车集团 (世界500强)     0
    2019-05-12      全市    项目协调会   —                         4
    2019-06-01      柳北区  对接洽谈     丙能源 (中国500强)         0
    2019-06-15      全市    项目协调会   —                         3
    2019-07-02      全市    对接洽谈     丁公司                    5   (after the window)

全市 through June: 4 talks, 1 event held, 2 coordination meetings, 500强 enterprises contacted 甲汽车集团
and 丙能源 = 2, problems solved 0 + 2 + 1 + 0 + 4 + 0 + 3 = 10. Events: 柳州·深圳招商推介会 (2019-02-20)
L1 + L2 = 2 projects, 18.00亿; 汽车产业洽谈会 (no activity of that name) L4, 2.00亿.
柳北区: 2 talks, 2 500强 enterprises, 0 solved; events L2 3.00亿 and L4 2.00亿.
"""
import datetime as dt
import json

import pytest

from data_access.importer import ImportRejected, import_workbook
from metrics.activities import projects_at_event
from metrics.period import Period, Scope
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook

D = dt.date
HEAD = ["日期", "县区", "领导", "活动类型", "对接企业", "企业标签", "地点", "活动名称", "解决问题数", "备注"]
LEDGER = [LEDGER_HEAD + ["签约活动"],
          ledger_row("L1", "柳南区", 15, D(2019, 3, 1), funds=2) + ["柳州·深圳招商推介会"],
          ledger_row("L2", "柳北区", 3, D(2019, 4, 1)) + ["柳州·深圳招商推介会"],
          ledger_row("L3", "柳南区", 0.5, D(2019, 5, 1)) + [None],
          ledger_row("L4", "柳北区", 2, D(2019, 6, 10)) + ["汽车产业 洽谈会"]]
ACTIVITIES = [HEAD,
              [D(2019, 2, 20), "全市", "王书记", "推介会", None, None, "深圳", "柳州·深圳招商推介会", 0, None],
              [D(2019, 3, 5), "全市", "王书记", "对接洽谈", "甲汽车集团", "世界500强", None, None, 2, None],
              [D(2019, 4, 6), "柳南区", "李区长", "对接洽谈", "乙公司", None, None, None, 1, None],
              [D(2019, 4, 10), "柳北区", "张区长", "对接洽谈", "甲汽车集团", "世界500强", None, None, None, None],
              [D(2019, 5, 12), "全市", "王书记", "项目协调会", None, None, None, None, 4, None],
              [D(2019, 6, 1), "柳北区", "张区长", "对接洽谈", "丙能源", "中国500强", None, None, 0, None],
              [D(2019, 6, 15), "全市", "王书记", "项目协调会", None, None, None, None, 3, None],
              [D(2019, 7, 2), "全市", "王书记", "对接洽谈", "丁公司", None, None, None, 5, None]]
CITY_SENTENCES = ("全市领导共开展对接洽谈4次,对接500强企业2家,举办推介会1场,召开项目协调会2次,协调解决问题10个。"
                  "在柳州·深圳招商推介会上签约项目2个、签约额18.00亿元;在汽车产业洽谈会上签约项目1个、签约额2.00亿元。")


@pytest.fixture
def liuzhou(engine):
    with engine.begin() as conn:
        region(conn, "柳南区")
        region(conn, "柳北区")
    import_workbook(engine, workbook({"项目台账": LEDGER, "招商活动": ACTIVITIES}), "全市.xlsx", 2019, 6)
    return engine


def test_activities_and_events_in_the_briefing(liuzhou, cli_on):
    run = cli_on(liuzhou)
    code, out, err = run("briefing", "--period", "2019-06", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["activities"] == {"trips": 0, "talks": 4, "visits_received": 0, "events_held": 1,
                                  "coordination_meetings": 2, "work_meetings": 0, "enterprise_visits": 0,
                                  "top500_enterprises_contacted": 2, "problems_solved": 10}
    assert data["events"] == [
        {"name": "柳州·深圳招商推介会", "date": "2019-02-20", "signed_count": 2, "signed_amount": 18.0},
        {"name": "汽车产业洽谈会", "date": None, "signed_count": 1, "signed_amount": 2.0}]
    assert CITY_SENTENCES in data["text"]

    code, out, _ = run("briefing", "--period", "2019-06", "--region", "柳北区", "--format", "json")
    data = json.loads(out)
    assert (data["activities"]["talks"], data["activities"]["top500_enterprises_contacted"],
            data["activities"]["problems_solved"]) == (2, 2, 0)
    assert [(e["name"], e["signed_amount"]) for e in data["events"]] == [
        ("柳州·深圳招商推介会", 3.0), ("汽车产业洽谈会", 2.0)]
    assert "柳北区领导共开展对接洽谈2次,对接500强企业2家。" in data["text"]


def test_an_event_opens_into_its_projects(liuzhou):
    with liuzhou.connect() as conn:
        rows = projects_at_event(conn, Period(2019, 6), Scope(), "柳州·深圳招商推介会")
    assert [(r["code"], r["region"]) for r in rows] == [("L1", "柳南区"), ("L2", "柳北区")]


def test_the_activity_sheet_is_checked_like_the_others(engine):
    with engine.begin() as conn:
        region(conn, "柳南区")
    bad = workbook({"招商活动": [HEAD,
                             ["2019-13-01", "柳南区", "李区长", "对接洽谈", None, None, None, None, 1, None],
                             [D(2019, 4, 6), "柳东区", "李区长", "洽谈", "乙公司", "五百强", None, None, -1, None]]})
    with pytest.raises(ImportRejected) as err:
        import_workbook(engine, bad, "活动.xlsx", 2019, 6)
    assert [str(p) for p in err.value.problems] == [
        "招商活动 第2行【日期】“2019-13-01” 不是有效日期,应如 2023-03-05",
        "招商活动 第3行【县区】“柳东区” 县区“柳东区”不存在,您是不是要填“柳南区”?",
        "招商活动 第3行【活动类型】“洽谈” “洽谈”不是有效选项,"
        "可选:外出招商、对接洽谈、接待考察、推介会、项目协调会、工作会议、企业调研、其他",
        "招商活动 第3行【解决问题数】“-1” 不能为负数,没有请填 0 或留空",
        "招商活动 第3行【企业标签】“五百强” 企业标签“五百强”不存在,"
        "可选:世界500强、中国500强、民营500强、专精特新小巨人、独角兽、瞪羚、上市公司"]


def test_a_corrected_activity_file_replaces_activities_only(liuzhou):
    row = [D(2019, 3, 5), "全市", "王书记", "对接洽谈", "甲汽车集团", "世界500强", None, None, 2, None]
    fixed = workbook({"招商活动": [HEAD, row]})
    result = import_workbook(liuzhou, fixed, "全市活动(修正).xlsx", 2019, 6)
    assert result.kinds == ["activities"]
    assert [s.kinds for s in result.superseded] == [["activities"]]
    assert len(result.superseded[0].gone["activities"]) == 7  # the 8 rows less the one carried again
    from metrics.briefing import briefing
    with liuzhou.connect() as conn:
        f = briefing(conn, Period(2019, 6), Scope())
    assert (f["activities"]["talks"], f["activities"]["problems_solved"], f["signed_count"]) == (1, 2, 4)


def test_the_word_bulletin_has_an_activities_and_events_section(liuzhou):
    import io

    from docx import Document

    from reports.content import gather
    from reports.word import briefing_docx
    with liuzhou.connect() as conn:
        content = gather(conn, Period(2019, 6), Scope(), "全市", with_counties=True)
    doc = Document(io.BytesIO(briefing_docx(content)))
    assert "五、招商活动与活动签约" in [p.text for p in doc.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    assert [["活动类型", "次数"], ["对接洽谈", "4"], ["推介会", "1"], ["项目协调会", "2"], ["对接500强企业(家)", "2"],
            ["协调解决问题(个)", "10"]] in tables
    assert [["签约活动", "日期", "签约项目(个)", "签约额(亿元)"], ["柳州·深圳招商推介会", "2019-02-20", "2", "18.00"],
            ["汽车产业洽谈会", "—", "1", "2.00"]] in tables
