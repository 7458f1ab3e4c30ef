"""数据上报 in Chromium: a file with an error, the annotated workbook, the corrected file, preview,
commit, and the new figure on 总览."""
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from data_access import db
from data_access.config import region_id
from metrics.figures import overview
from metrics.period import Period, Scope
from tests.builders import LEDGER_HEAD, ledger_row, workbook
from tests.e2e.conftest import SHOTS, sign_in, wait_for_app, wait_for_charts, wait_idle
from ui import format as fmt

pytestmark = pytest.mark.e2e


def test_upload_fix_and_commit(demo_server, page, tmp_path):
    today = dt.date.today()
    last = today.replace(day=1) - dt.timedelta(days=1)  # the page's default reporting month
    period = Period(last.year, last.month)
    engine = db.make_engine(demo_server.database_url)
    with engine.connect() as conn:
        before = overview(conn, period, Scope(region_id=region_id(conn, "临江区")))["signed_amount"]
    sign = dt.date(period.year, period.month, 1)
    bad = workbook({"项目台账": [LEDGER_HEAD, ledger_row("E2E-1", "临江区", "约12亿", sign)]})
    good = workbook({"项目台账": [LEDGER_HEAD, ledger_row("E2E-1", "临江区", 12.34, sign)]})

    sign_in(page, f"{demo_server.url}/upload", "staff")  # the demo's 临江区 staff
    wait_idle(page)
    page.get_by_role("combobox", name="上报县区").click()
    page.get_by_role("option", name="临江区", exact=True).click()
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "临江区台账.xlsx", "mimeType": "application/octet-stream", "buffer": bad}])
    page.get_by_text("发现 1 处问题,本次未写入任何数据").wait_for(timeout=30000)
    wait_for_charts(page)  # the run has ended and the table of problems is drawn
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "upload_errors.png"))
    with page.expect_download() as download:
        page.get_by_text("下载标注了错误的工作簿").click()
    path = tmp_path / "annotated.xlsx"
    download.value.save_as(path)
    annotated = openpyxl.load_workbook(path)
    assert annotated.sheetnames[0] == "错误清单"
    assert annotated["错误清单"]["E2"].value == "不是数字,请只填写数字(单位见表头),如 5.2"
    assert annotated["项目台账"]["L2"].comment.text == "不是数字,请只填写数字(单位见表头),如 5.2"

    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "临江区台账.xlsx", "mimeType": "application/octet-stream", "buffer": good}])
    page.get_by_text("预检通过(未写入)").wait_for(timeout=30000)
    wait_for_charts(page)  # the run has ended: the error table is gone, the figures after the import are shown
    assert page.get_by_text("发现 1 处问题").count() == 0
    assert page.locator('[data-testid="kpi-card"] .label').all_inner_texts() == [
        "新签约项目(导入后)", "合同投资额(导入后)", "到位资金(导入后)", "制造业占比(导入后)"]
    page.screenshot(path=str(SHOTS / "upload_preview.png"))
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("导入成功,批次").wait_for(timeout=30000)

    page.goto(f"{demo_server.url}/?region=临江区&year={period.year}&month={period.month}月")  # still signed in
    wait_for_app(page)
    expected = fmt.amount(before + Decimal("12.34"))
    values = page.locator('[data-testid="kpi-card"] .value').all_inner_texts()
    assert expected in values, values
