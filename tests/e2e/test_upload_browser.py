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
from reports import format as fmt
from tests.builders import LEDGER_HEAD, ledger_row, workbook
from tests.e2e.conftest import SHOTS, choose_period, sign_in, wait_for_app, wait_for_charts, wait_idle

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

    sign_in(page, f"{demo_server.url}/upload", "staff")  # the demo's 临江区 staff: its region, preselected
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


def upload(page, name: str, content: bytes) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}])


def region_shown(page) -> str:
    return page.get_by_role("combobox", name="上报县区").input_value()


def test_admin_uploads_two_counties_as_preselected_then_a_correction_says_what_goes(demo_server, page, tmp_path):
    """Two counties' files for 2019-07 with 上报县区 left as the page preselects it: both count on 总览;
    then 临江区's corrected file (its second project dropped) says what it supersedes and removes."""
    period = Period(2019, 7)
    engine = db.make_engine(demo_server.database_url)
    with engine.connect() as conn:
        before = {name: overview(conn, period, Scope(region_id=region_id(conn, name)))["signed_amount"]
                  for name in ("临江区", "城东区")}
        before_city = overview(conn, period, Scope())["signed_amount"]
    sign = dt.date(2019, 7, 1)
    east = workbook({"项目台账": [LEDGER_HEAD, ledger_row("E2E-LJ-1", "临江区", 3.21, sign),
                               ledger_row("E2E-LJ-2", "临江", 1, sign)]})  # an alias of 临江区
    west = workbook({"项目台账": [LEDGER_HEAD, ledger_row("E2E-CD-1", "城东区", 2, sign)]})
    corrected = workbook({"项目台账": [LEDGER_HEAD, ledger_row("E2E-LJ-1", "临江区", 3.5, sign)]})

    sign_in(page, f"{demo_server.url}/upload")  # admin
    wait_idle(page)
    choose_period(page, 2019, 7)
    for name, county, content in (("临江区7月.xlsx", "临江区", east), ("城东区7月.xlsx", "城东区", west)):
        upload(page, name, content)
        page.get_by_text(f"预检通过(未写入)(2019年7月,{county})").wait_for(timeout=30000)
        wait_for_charts(page)
        assert region_shown(page) == county
        page.get_by_role("button", name="确认导入").click()
        page.get_by_text("导入成功,批次").first.wait_for(timeout=30000)
        wait_idle(page)

    for county, added in (("临江区", Decimal("4.21")), ("城东区", Decimal("2"))):
        page.goto(f"{demo_server.url}/?region={county}&year=2019&month=7月")
        wait_for_app(page)
        values = page.locator('[data-testid="kpi-card"] .value').all_inner_texts()
        assert fmt.amount(before[county] + added) in values, (county, values)
    page.goto(f"{demo_server.url}/?year=2019&month=7月")
    wait_for_app(page)
    city = page.locator('[data-testid="kpi-card"] .value').all_inner_texts()
    assert fmt.amount(before_city + Decimal("6.21")) in city, city

    page.goto(f"{demo_server.url}/upload")
    wait_idle(page)
    choose_period(page, 2019, 7)
    upload(page, "临江区7月(修正).xlsx", corrected)
    page.get_by_text("本次上传将替代批次").wait_for(timeout=30000)
    wait_for_charts(page)
    warning = page.get_by_text("本次上传将替代批次").inner_text()
    assert "临江区7月.xlsx,admin" in warning and warning.endswith("上传,项目台账),将移除其中的项目1个。")
    # the table of what goes (its cells are drawn on a canvas; the AppTest reads them)
    gone = page.locator('[data-testid="stExpander"]').filter(has_text="将移除的项目(1)")
    assert gone.locator('[data-testid="stDataFrame"]').count() == 1
    assert page.get_by_role("button", name="确认导入").is_disabled()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "upload_supersede.png"))
    page.get_by_text("我已了解").click()
    wait_idle(page)
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("导入成功,批次").first.wait_for(timeout=30000)
    with engine.connect() as conn:
        assert overview(conn, period, Scope(region_id=region_id(conn, "临江区")))["signed_amount"] == \
            before["临江区"] + Decimal("3.5")
    engine.dispose()


def test_an_xls_saved_by_wps_uploads_like_an_xlsx(demo_server, page):
    """A county office's Excel 97–2003 file (.xls, WPS's default) through the page: checked,
    previewed and committed like an .xlsx."""
    from tests.formats import as_xls
    period = Period(2018, 3)
    engine = db.make_engine(demo_server.database_url)
    with engine.connect() as conn:
        before = overview(conn, period, Scope(region_id=region_id(conn, "临江区")))["signed_amount"]
    xls = as_xls({"项目台账": [LEDGER_HEAD, ledger_row("E2E-XLS-1", "临江区", 5.67, dt.date(2018, 3, 9))]})
    sign_in(page, f"{demo_server.url}/upload", "staff")
    wait_idle(page)
    choose_period(page, 2018, 3)
    upload(page, "临江区台账.xls", xls)
    page.get_by_text("预检通过(未写入)").or_(page.get_by_text("本次未写入任何数据")).first.wait_for(timeout=60000)
    wait_for_charts(page)
    shown = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any(t.startswith("预检通过(未写入)(2018年3月,临江区):新增项目1个") for t in shown), shown
    assert region_shown(page) == "临江区"
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("导入成功,批次").first.wait_for(timeout=30000)
    with engine.connect() as conn:
        assert overview(conn, period, Scope(region_id=region_id(conn, "临江区")))["signed_amount"] == \
            before + Decimal("5.67")
    engine.dispose()


def test_the_uploader_speaks_chinese_and_states_the_real_limit(demo_server, page):
    """Streamlit's uploader says "Upload" and "200MB per file"; ours says 选择文件 and 20 MB
    (ZSDASH_UPLOAD_MAX_MB's default), the limit the importer applies."""
    sign_in(page, f"{demo_server.url}/upload", "staff")
    wait_idle(page)
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    shown = zone.evaluate("""z => [z.querySelector('button [data-testid="stMarkdownContainer"] p'),
                                   z.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span')]
                                  .map(e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content])""")
    assert shown == [["0px", '"选择文件"'],
                     ["0px", '"拖放到此处或点击选择 · 每个文件不超过 20 MB · xlsx、xlsm、xls、xlsb、ods"']]
    too_big = b"PK\x03\x04" + b"\0" * (21 * 1024 * 1024)
    upload(page, "太大的文件.xlsx", too_big)
    page.get_by_text("20.0MB").or_(page.get_by_text("20MB")).first.wait_for(timeout=30000)
    assert page.get_by_text("预检通过").count() == 0
