"""AppTest: 项目库 — the list on the hand-built city of tests/unit/test_projects.py (period 2024-06, the
newest data), search and filters, paging, a selected project's detail, the export, an empty database
and a region with nothing."""
import datetime as dt
import io

import openpyxl
import pytest

from metrics.period import Period, Scope
from tests import builders as b
from tests.app.helpers import opened
from tests.unit.test_projects import build_city

NEWEST_FIRST = ["XC-04", "XC-06", "DC-02", "DC-01", "XC-03", "DC-05"]



@pytest.fixture(autouse=True)
def default_thresholds(monkeypatch):
    monkeypatch.delenv("ZSDASH_PROJECT_YELLOW_MONTHS", raising=False)
    monkeypatch.delenv("ZSDASH_PROJECT_RED_MONTHS", raising=False)


@pytest.fixture
def page(engine, monkeypatch):
    return lambda: opened(engine, monkeypatch, "views/projects.py")


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        return build_city(conn)


def ok(at):
    assert not at.exception, [e.value for e in at.exception]


def listed(at) -> list[str]:
    return list(at.dataframe[0].value["项目编号"])


def summary(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("共 "))


def test_list_filters_and_search(city, page):
    at = page()
    assert summary(at) == "共 **6** 个项目,合同投资额 **41.55 亿元** · 第 1 / 1 页"  # 12 + 5.5 + 3.25 + 0.8 + 20
    assert listed(at) == NEWEST_FIRST
    assert list(at.dataframe[0].value["预警"]) == ["蓝", "", "黄", "蓝", "红", ""]
    assert at.caption[0].value == "2024年1-6月 › 全市 › 全部产业链 › 全部项目"

    at.text_input(key="q").input("海尔").run()
    ok(at)
    assert listed(at) == ["DC-02"]
    assert summary(at) == "共 **1** 个项目,合同投资额 **5.50 亿元** · 第 1 / 1 页"

    at.text_input(key="q").input("' OR 1=1 --").run()
    ok(at)
    assert not at.dataframe
    assert [i.value for i in at.info] == ["没有符合条件的项目。请调整搜索词或筛选条件。"]

    at.text_input(key="q").input("%").run()
    assert listed(at) == ["DC-02"]  # the literal % of 智能家电100%达产项目, no wildcard

    at.text_input(key="q").input("").run()
    at.multiselect(key="stages").select("签约").run()
    ok(at)
    assert listed(at) == ["XC-04", "DC-02", "XC-03"]
    assert summary(at) == "共 **3** 个项目,合同投资额 **9.55 亿元** · 第 1 / 1 页"  # 0.8 + 5.5 + 3.25

    at.multiselect(key="stages").unselect("签约").run()
    at.selectbox(key="window").select("period").run()
    ok(at)
    assert listed(at) == ["XC-04", "XC-06", "DC-02", "DC-01"]  # not XC-03 (2023) nor DC-05 (unsigned)
    assert summary(at) == "共 **4** 个项目,合同投资额 **38.30 亿元** · 第 1 / 1 页"  # 0.8 + 20 + 5.5 + 12

    at.selectbox(key="region").select("西城区").run()
    ok(at)
    assert listed(at) == ["XC-04", "XC-06"]
    assert summary(at) == "共 **2** 个项目,合同投资额 **20.80 亿元** · 第 1 / 1 页"

    at.selectbox(key="window").select("all").run()
    at.selectbox(key="sort").select("contract_amount").run()
    at.selectbox(key="order").select("asc").run()
    ok(at)
    assert listed(at) == ["XC-04", "XC-03", "XC-06"]  # 0.8, 3.25, 20

    at.selectbox(key="region").select("全市").run()
    at.selectbox(key="scope").select("制造业项目").run()
    ok(at)
    assert listed(at) == ["DC-02", "DC-01", "XC-06"]  # 5.5, 12, 20


def test_selected_row_opens_the_project(city, page):
    at = page()
    at.session_state["projects_table"] = {"selection": {"rows": [NEWEST_FIRST.index("DC-01")], "columns": []}}
    at.run()
    ok(at)
    assert [s.value for s in at.subheader] == ["华润木业基地(DC-01)"]
    markdown = [m.value for m in at.markdown]
    assert ":blue-badge[蓝色预警] 超过计划投产日期1个月未投产(截至 2024-06-30)" in markdown
    assert "**月度到位资金** · 累计 3.75 亿元" in markdown  # 1 + 2.5 + 0.25
    attrs = dict(zip(at.dataframe[1].value["项目"], at.dataframe[1].value["内容"]))
    assert (attrs["投资方"], attrs["县区"], attrs["项目阶段"], attrs["合同投资额(亿元)"], attrs["计划投产日期"],
            attrs["投产日期"], attrs["制造业"]) == ("华润集团", "东城区", "开工", "12.00 亿元", "2024-05-01", "—", "是")
    timeline = at.dataframe[2].value
    assert list(timeline["阶段"]) == ["签约", "开工"]
    assert [str(v)[:10] for v in timeline["日期"]] == ["2024-01-15", "2024-03-01"]
    assert len(at.get("vega_lite_chart")) == 1

    # another search: the old selection no longer applies
    at.text_input(key="q").input("纺织").run()
    ok(at)
    assert not at.subheader and listed(at) == ["XC-03"]
    at.session_state["projects_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert [s.value for s in at.subheader] == ["西城_纺织园(XC-03)"]
    assert ":red-badge[红色预警] 签约后7个月未开工(截至 2024-06-30)" in [m.value for m in at.markdown]
    assert [i.value for i in at.info] == ["暂无阶段变化记录。", "暂无到位资金记录。"]


def test_paging_in_the_database(engine, page):
    with engine.begin() as conn:
        r = b.region(conn, "东城区")
        for i in range(1, 121):
            b.project(conn, r, 1, dt.date(2024, 1, 1) + dt.timedelta(days=i - 1), code=f"P-{i:03d}")
        b.summarise(conn)
    at = page()
    assert summary(at) == "共 **120** 个项目,合同投资额 **120.00 亿元** · 第 1 / 3 页"
    assert listed(at) == [f"P-{i:03d}" for i in range(120, 70, -1)]
    at.number_input(key="page").set_value(2).run()
    ok(at)
    assert summary(at) == "共 **120** 个项目,合同投资额 **120.00 亿元** · 第 2 / 3 页"
    assert listed(at) == [f"P-{i:03d}" for i in range(70, 20, -1)]
    at.selectbox(key="order").select("asc").run()  # a new order starts again on page 1
    assert listed(at)[:2] == ["P-001", "P-002"] and "第 1 / 3 页" in summary(at)
    at.number_input(key="page").set_value(3).run()
    assert listed(at) == [f"P-{i:03d}" for i in range(101, 121)]


def test_export_button_and_file(city, page, monkeypatch):
    at = page()
    assert [b.label for b in at.get("download_button")] == ["导出 Excel"]
    assert not any("仅导出" in c.value for c in at.caption)
    monkeypatch.setattr("metrics.projects.EXPORT_CAP", 5)
    at.run()
    assert any(c.value == "符合条件的项目超过 5 个,仅导出排序在前的 5 个。" for c in at.caption)

    from ui import projects_data
    content, written, total = projects_data.export(
        text="", scope=Scope(), stages=(), period_only=False, period=Period(2024, 6), sort="sign_date",
        descending=True, note="2024年1-6月 › 全市", version=0)
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert (written, total) == (6, 6)
    assert [ws.cell(r, 1).value for r in range(3, 9)] == NEWEST_FIRST
    assert ws.cell(3, 2).value == "'=HYPERLINK(\"http://x.cn\",\"点击\")"


def test_empty_database(page):
    at = page()
    assert summary(at) == "共 **0** 个项目,合同投资额 **0.00 亿元** · 第 1 / 1 页"
    assert [i.value for i in at.info] == ["项目库中暂无项目。请先在“数据上报”页面上传项目台账。"]


def test_region_with_nothing(engine, city, page):
    with engine.begin() as conn:
        b.region(conn, "南山县")
    at = page()
    at.selectbox(key="region").select("南山县").run()
    ok(at)
    assert summary(at) == "共 **0** 个项目,合同投资额 **0.00 亿元** · 第 1 / 1 页"
    assert [i.value for i in at.info] == ["没有符合条件的项目。请调整搜索词或筛选条件。"]
