"""AppTest: 数据上报 — errors shown with the annotated workbook, preview, commit, history, rollback."""
import datetime as dt
from pathlib import Path

import pytest

from tests.app.helpers import app_on, kpi_cards
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook

APP = str(Path(__file__).resolve().parents[2] / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
D = dt.date


@pytest.fixture
def page(engine, monkeypatch):
    with engine.begin() as conn:
        region(conn, "东城区")
        region(conn, "西城区")
    at = app_on(engine, monkeypatch, "views/upload.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def history_table(at):
    """导入记录与回滚's table (the page's other tabs have tables of their own)."""
    return next(d.value for d in at.dataframe if "批次" in d.value.columns)


def choose_period(at, year, month):
    at.number_input[0].set_value(year)
    at.selectbox[0].select(month)


def region_box(at):
    return next(b for b in at.selectbox if b.label == "上报县区")


def test_bad_file_shows_every_problem_and_offers_the_annotated_workbook(page):
    bad = workbook({"项目台账": [LEDGER_HEAD, ledger_row("A1", "东城区", "约5亿", D(2023, 3, 5)),
                              ledger_row("A2", "西城", 1, D(2023, 3, 5))]})
    choose_period(page, 2023, 5)
    page.file_uploader[0].set_value(("台账.xlsx", bad, XLSX)).run()
    assert not page.exception
    assert region_box(page).value == "东城区"  # the one region its rows name (西城 is not one)
    assert page.error[0].value == "发现 2 处问题,本次未写入任何数据。请按下表修改后重新上传。"
    problems = page.dataframe[0].value
    assert list(problems["行号"]) == [2, 3]
    assert list(problems["问题及修改建议"]) == ["不是数字,请只填写数字(单位见表头),如 5.2",
                                           "县区“西城”不存在,您是不是要填“西城区”?"]
    assert any(b.label == "下载标注了错误的工作簿" for b in page.get("download_button"))


def test_good_file_previews_then_commits_then_rolls_back(page, engine):
    good = workbook({"项目台账": [LEDGER_HEAD, ledger_row("A1", "东城区", 2.5, D(2023, 3, 5), funds=0.4),
                               ledger_row("A2", "东城区", 1.5, D(2023, 4, 5))]})
    choose_period(page, 2023, 5)
    assert region_box(page).disabled  # chosen from the file once there is one
    page.file_uploader[0].set_value(("东城区.xlsx", good, XLSX)).run()
    assert not page.exception
    assert region_box(page).value == "东城区"
    assert page.success[0].value.startswith("预检通过(未写入)(2023年5月,东城区):新增项目2个")
    shown = kpi_cards(page)
    assert shown["合同投资额(导入后)"] == ("4.00 亿元", [("较导入前 ▲ +4.00 亿元", "up")])  # 2.5 + 1.5, from 0
    assert shown["到位资金(导入后)"] == ("0.40 亿元", [("较导入前 ▲ +0.40 亿元", "up")])
    assert shown["新签约项目(导入后)"] == ("2 个", [("较导入前 ▲ +2 个", "up")])
    assert shown["制造业占比(导入后)"] == ("100.00%", [("导入前无数据", "muted")])  # no project before: no share
    page.button[0].click().run()  # 确认导入
    assert not page.exception
    history = history_table(page)
    assert list(history["状态"]) == ["有效"] and list(history["文件"]) == ["东城区.xlsx"]
    batch = int(history["批次"][0])  # PostgreSQL sequences skip the dry run's id
    assert any(s.value.startswith(f"导入成功,批次 #{batch}(2023年5月,东城区):新增项目2个") for s in page.success)
    assert list(history["县区"]) == ["东城区"] and list(history["内容"]) == ["项目台账"]

    page.checkbox(key="rollback_sure").check().run()
    next(b for b in page.button if b.label == "回滚该批次").click().run()
    assert any(s.value == f"批次 #{batch} 已回滚,各项数据已恢复到导入前。" for s in page.success)
    assert list(history_table(page)["状态"]) == ["已回滚"]


def counts(engine) -> dict:
    from sqlalchemy import func, select

    from data_access.models import Funds, ImportBatch, ImportFile, Project
    with engine.connect() as conn:
        return {t.__tablename__: conn.scalar(select(func.count()).select_from(t))
                for t in (Project, Funds, ImportBatch, ImportFile)}


def test_staff_cannot_upload_rows_of_another_region_and_nothing_is_written(engine, monkeypatch):
    with engine.begin() as conn:
        region(conn, "东城区")
        region(conn, "西城区")
    at = app_on(engine, monkeypatch, "views/upload.py", role="staff", regions=("东城区",))
    at.run()
    assert not at.exception
    assert region_box(at).options == ["东城区"]  # 上报县区: its own region only
    mixed = workbook({"项目台账": [LEDGER_HEAD, ledger_row("A1", "东城区", 2.5, D(2023, 3, 5)),
                                ledger_row("B1", "西城区", 1, D(2023, 3, 5))]})
    before = counts(engine)
    at.number_input[0].set_value(2023)
    at.selectbox[0].select(5)
    at.file_uploader[0].set_value(("东城区.xlsx", mixed, XLSX)).run()
    assert not at.exception
    assert at.error[0].value == "发现 1 处问题,本次未写入任何数据。请按下表修改后重新上传。"
    problems = at.dataframe[0].value
    assert [list(problems[c]) for c in ("工作表", "行号", "列", "填写的值", "问题及修改建议")] == [
        ["项目台账"], [None], ["县区"], ["西城区"], ["第3行的县区为“西城区”,本账号只能上报东城区"]]
    assert not any(b.label == "确认导入" for b in at.button)
    assert counts(engine) == before == {"project": 0, "funds": 0, "import_batch": 0, "import_file": 0}

    own = workbook({"项目台账": [LEDGER_HEAD, ledger_row("A1", "东城区", 2.5, D(2023, 3, 5))]})
    at.file_uploader[0].set_value(("东城区.xlsx", own, XLSX)).run()
    next(b for b in at.button if b.label == "确认导入").click().run()
    assert not at.exception
    history = history_table(at)
    assert list(history["上传人"]) == ["test-staff"] and list(history["县区"]) == ["东城区"]
    assert not at.checkbox  # staff do not roll back
    assert "如需回滚批次,请联系管理员。" in [c.value for c in at.caption]
    assert counts(engine) == {"project": 1, "funds": 0, "import_batch": 1, "import_file": 1}


def test_a_correction_says_what_it_supersedes_and_asks_before_removing(page, engine):
    first = workbook({"项目台账": [LEDGER_HEAD, ledger_row("A1", "东城区", 2.5, D(2023, 3, 5), funds=0.4),
                                ledger_row("A2", "东城区", 1.5, D(2023, 4, 5))]})
    choose_period(page, 2023, 5)
    page.file_uploader[0].set_value(("东城区.xlsx", first, XLSX)).run()
    next(b for b in page.button if b.label == "确认导入").click().run()
    batch = int(history_table(page)["批次"][0])

    corrected = workbook({"项目台账": [LEDGER_HEAD, ledger_row("A1", "东城区", 2.8, D(2023, 3, 5), funds=0.4)]})
    page.file_uploader[0].set_value(("东城区(修正).xlsx", corrected, XLSX)).run()
    assert not page.exception
    assert region_box(page).value == "东城区"
    warning = page.warning[0].value
    assert warning.startswith(f"本次上传将替代批次 #{batch}(东城区.xlsx,test-admin ")
    assert warning.endswith("上传,项目台账),将移除其中的项目1个。")
    gone = next(d.value for d in page.dataframe
                if "合同投资额(亿元)" in d.value.columns and list(d.value["项目编号"]) == ["A2"])
    assert list(gone["项目名称"]) == ["A2项目"] and list(gone["合同投资额(亿元)"]) == ["1.50"]
    shown = kpi_cards(page)  # 2.5 + 1.5 → 2.8
    assert shown["合同投资额(导入后)"] == ("2.80 亿元", [("较导入前 ▼ -1.20 亿元", "down")])
    commit = next(b for b in page.button if b.label == "确认导入")
    assert commit.disabled  # removing data needs the confirmation first
    page.checkbox(key="confirm_removal").check().run()
    next(b for b in page.button if b.label == "确认导入").click().run()
    assert not page.exception
    history = history_table(page)
    assert list(history["状态"]) == ["有效", "已被替代"]


def test_a_file_of_several_counties_is_preselected_as_the_city(page):
    both = workbook({"项目台账": [LEDGER_HEAD, ledger_row("A1", "东城区", 2.5, D(2023, 3, 5)),
                               ledger_row("B1", "西城区", 1, D(2023, 3, 5))]})
    choose_period(page, 2023, 5)
    page.file_uploader[0].set_value(("全市.xlsx", both, XLSX)).run()
    assert not page.exception
    assert region_box(page).value == "全市"
    assert page.info[0].value == "文件中包含2个县区(东城区、西城区)的数据,将作为“全市”数据上报。"
    assert page.success[0].value.startswith("预检通过(未写入)(2023年5月,全市):新增项目2个")
    region_box(page).select("东城区").run()  # another choice: checked again for that county
    assert page.error[0].value == "发现 1 处问题,本次未写入任何数据。请按下表修改后重新上传。"
    assert list(page.dataframe[0].value["问题及修改建议"]) == ["第3行的县区为“西城区”,本次上报的县区为“东城区”"]
