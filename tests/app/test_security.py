"""Hostile input: SQL-injection strings in the 项目库 search box and in the URL's filter parameters
find nothing they should not and change nothing (every table still there, every row count the same);
the 项目库 Excel export writes no cell a spreadsheet would evaluate; Streamlit's XSRF protection is on.

The city is tests/unit/test_projects.py's six projects (41.55 亿元 in all) plus three whose texts
start with formula characters."""
import io
import tomllib
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, inspect, select, update

from data_access.models import Base, Project
from metrics.period import Period, Scope
from tests import builders as b
from tests.app.helpers import account, app_on, ok
from tests.unit.test_projects import build_city

ROOT = Path(__file__).resolve().parents[2]
INJECTIONS = ["' OR 1=1 --", '"; DROP TABLE project; --', "'; DELETE FROM app_user; --",
              "1) UNION SELECT name, password_hash FROM app_user --", "%' OR '1'='1", "\\", "'"]
FORMULAS = {"SEC-1": ("=1+1", "@SUM(A1:A9)", "-2+3"), "SEC-2": ("+cmd|' /C calc'!A0", "\t=cmd", "=HYPERLINK(\"x\")"),
            "SEC-3": ("\r=2*3", "=WEBSERVICE(\"http://x\")", "-=1")}


@pytest.fixture(autouse=True)
def default_thresholds(monkeypatch):
    monkeypatch.delenv("ZSDASH_PROJECT_YELLOW_MONTHS", raising=False)
    monkeypatch.delenv("ZSDASH_PROJECT_RED_MONTHS", raising=False)


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        build_city(conn)
    account(engine, "admin")  # the signed-in user exists before the tables are counted
    return engine


def snapshot(engine) -> dict:
    """Every table and its row count."""
    with engine.connect() as conn:
        names = sorted(inspect(conn).get_table_names())
        return {t: conn.scalar(select(func.count()).select_from(Base.metadata.tables[t]))
                for t in names if t in Base.metadata.tables}


def summary(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("共 "))


def test_injection_in_the_search_box_finds_nothing_and_changes_nothing(city, monkeypatch):
    before = snapshot(city)
    assert {"project", "app_user", "audit_log", "import_batch"} <= set(before)
    at = ok(app_on(city, monkeypatch, "views/projects.py").run())
    assert summary(at) == "共 **6** 个项目,合同投资额 **41.55 亿元** · 第 1 / 1 页"
    for text in INJECTIONS:
        ok(at.text_input(key="q").input(text).run())
        assert summary(at) == "共 **0** 个项目,合同投资额 **0.00 亿元** · 第 1 / 1 页", text
        assert not at.dataframe
    ok(at.text_input(key="q").input("华润").run())  # the search still works afterwards
    assert summary(at) == "共 **1** 个项目,合同投资额 **12.00 亿元** · 第 1 / 1 页"
    assert snapshot(city) == before


@pytest.mark.parametrize("view", ["views/projects.py", "views/overview.py", "views/ranking.py", "views/chains.py",
                                  "views/briefing.py", "views/screen.py"])
def test_injection_in_the_url_filters_changes_nothing(city, monkeypatch, view):
    before = snapshot(city)
    for text in INJECTIONS:
        at = app_on(city, monkeypatch, view)
        for param in ("year", "month", "region", "chain", "scope"):
            at.query_params[param] = text
        ok(at.run())
        if view == "views/projects.py":  # unknown filter values fall back to the defaults: the whole city
            assert summary(at) == "共 **6** 个项目,合同投资额 **41.55 亿元** · 第 1 / 1 页"
            assert at.selectbox(key="region").value == "全市" and at.selectbox(key="chain").value == "全部产业链"
    if view == "views/projects.py":  # while a real value in the URL is applied
        at = app_on(city, monkeypatch, view)
        at.query_params["region"] = "西城区"
        ok(at.run())
        assert summary(at) == "共 **3** 个项目,合同投资额 **24.05 亿元** · 第 1 / 1 页"  # 3.25 + 0.8 + 20
    assert snapshot(city) == before


def test_excel_export_of_the_project_library_is_formula_safe(city, engine, monkeypatch):
    with engine.begin() as conn:
        region = b.region(conn, "南山县")
        for code, (name, investor, leader) in FORMULAS.items():
            pid = b.project(conn, region, 1, None, stage="在谈", code=code)
            conn.execute(update(Project).where(Project.id == pid).values(name=name, investor=investor, leader=leader,
                                                                            note=leader))
        b.summarise(conn)
    at = ok(app_on(engine, monkeypatch, "views/projects.py").run())
    assert summary(at) == "共 **9** 个项目,合同投资额 **44.55 亿元** · 第 1 / 1 页"  # 41.55 + 3 × 1
    assert [d.label for d in at.get("download_button")] == ["导出 Excel"]

    from ui import projects_data  # what the page's 导出 Excel button calls, with the page's own query
    content, written, total = projects_data.export(
        text="", scope=Scope(), stages=(), period_only=False, period=Period(2024, 6), sort="sign_date",
        descending=True, note="=1+1 › 全市", version=0)
    assert (written, total) == (9, 9)
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)  # no formula anywhere
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t[0] in "=+-@\t\r"]  # every formula-looking text is quoted
    for name, investor, leader in FORMULAS.values():
        assert {f"'{name}", f"'{investor}", f"'{leader}"} <= set(texts)
    assert ws.cell(1, 1).value == "'=1+1 › 全市"
    assert "'=HYPERLINK(\"http://x.cn\",\"点击\")" in texts  # XC-04 of the city


def test_xsrf_protection_stays_on():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"].get("enableCORS", True) is True
