"""Bad uploads: every kind is refused with one clear Chinese message and nothing is written.

Files are real: workbooks written by openpyxl (then rewritten part by part where a test needs
hand-crafted XML), a real .xls from xlwt, a real password-protected .xlsx from msoffcrypto-tool.
"""
import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl
import pytest
import xlwt
from sqlalchemy import func, select

import cli
from data_access import upload_guard
from data_access.importer import ImportRejected, import_workbook
from data_access.models import (
    AnnualTarget,
    BatchChange,
    EnterpriseProblem,
    Funds,
    ImportBatch,
    ImportFile,
    Project,
    ResidentActivity,
    StageChange,
)
from labels import MSG
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook

D = dt.date
DOMAIN_TABLES = (Project, Funds, ImportBatch, ImportFile, StageChange, BatchChange, AnnualTarget, ResidentActivity,
                 EnterpriseProblem)
SHEET_XML = "xl/worksheets/sheet1.xml"
WILD = Path(__file__).resolve().parents[3] / "shared" / "wild"  # real files from other projects' test suites


@pytest.fixture
def regions(engine):
    with engine.begin() as conn:
        return {"东城区": region(conn, "东城区", "东城"), "西城区": region(conn, "西城区")}


def row_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.__tablename__: conn.scalar(select(func.count()).select_from(t)) for t in DOMAIN_TABLES}


NOTHING = {t.__tablename__: 0 for t in DOMAIN_TABLES}


# ---------------------------------------------------------------- building bad files

def good_ledger() -> bytes:
    return workbook({"项目台账": [LEDGER_HEAD, ledger_row("G1", "东城区", 2.5, D(2023, 3, 5), funds=0.5)]})


def rewrite(content: bytes, part: str, change, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The workbook with ``part`` replaced by ``change(old bytes)``, re-zipped."""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, change(data) if info.filename == part else data)
    return out.getvalue()


def csv_text(rows: int = 1) -> str:
    lines = ["项目编号,项目名称,县区,合同投资额(亿元)"]
    lines += [f"A{i},东城区第{i}个招商项目,东城区,1.5" for i in range(1, rows + 1)]
    return "\r\n".join(lines) + "\r\n"


def csv_cut_mid_character(encoding: str) -> bytes:
    """A CSV longer than the 4 KB the guard looks at, whose 4096th byte falls inside a character."""
    for prefix in ("", "x", "xx"):
        content = (prefix + csv_text(200)).encode(encoding)
        try:
            content[:4096].decode(encoding)
        except UnicodeDecodeError:
            return content
    raise AssertionError("no prefix cuts a character at 4096 bytes")


def html_table(bom: str = "") -> bytes:
    return (bom + '\r\n<html xmlns:o="urn:schemas-microsoft-com:office:office">\r\n<head><meta charset="utf-8">'
            "</head><body><table><tr><td>项目编号</td><td>项目名称</td><td>合同投资额(亿元)</td></tr>"
            "<tr><td>A1</td><td>东城区项目</td><td>1,500</td></tr></table></body></html>").encode()


def zero_bomb(declared: bool) -> bytes:
    """A zip of a workbook whose styles part inflates to 1.5 GB of zeros (about 1.5 MB packed): its
    header declaring that size, or declaring 1 KB (a reader trusting it would be flooded). The
    deflate stream is one compressed megabyte of zeros repeated: after a full flush, each block is
    the same."""
    base = zipfile.ZipFile(io.BytesIO(good_ledger()))
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = squeeze.compress(b"\0" * 1024 * 1024) + squeeze.flush(zlib.Z_FULL_FLUSH)
    stream = block * 1500 + squeeze.flush()
    size = 1500 * 1024 * 1024 if declared else 1024
    crc = 0
    for _ in range(1500):
        crc = zlib.crc32(b"\0" * 1024 * 1024, crc)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            if info.filename != "xl/styles.xml":
                z.writestr(info.filename, base.read(info.filename))
        offset = out.tell()
    entries = out.getvalue()
    return _with_raw_entry(entries, offset, "xl/styles.xml", stream, size, crc)


def _with_raw_entry(zipped: bytes, offset: int, name: str, stream: bytes, size: int, crc: int) -> bytes:
    """``zipped`` with one more deflated entry ``name`` whose data is ``stream`` as given and whose
    headers declare ``size`` and ``crc``."""
    archive = zipfile.ZipFile(io.BytesIO(zipped))
    body = zipped[:offset]
    encoded = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(stream), size, len(encoded), 0)
    entry_at = len(body)
    body += local + encoded + stream
    central = b""
    for info in archive.infolist():
        fn = info.filename.encode()
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, info.compress_type, 0, 0,
                               info.CRC, info.compress_size, info.file_size, len(fn), 0, 0, 0, 0, 0,
                               info.header_offset) + fn
    central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(stream), size,
                           len(encoded), 0, 0, 0, 0, 0, entry_at) + encoded
    count = len(archive.infolist()) + 1
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(central), len(body), 0)
    return body + central + end


def real_xls() -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("项目台账")
    for c, head in enumerate(LEDGER_HEAD):
        sheet.write(0, c, head)
    for c, value in enumerate(ledger_row("X1", "东城区", 2.5, "2023-03-05")):
        if value is not None:
            sheet.write(1, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def encrypted_xlsx() -> bytes:
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(good_ledger())).encrypt("zs2023", out)
    return out.getvalue()


def docx_like_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="w"><w:body/></w:document>')
    return out.getvalue()


def damaged_sheet_data() -> bytes:
    """Bytes in the middle of the sheet's compressed data overwritten (the zip directory is intact)."""
    content = bytearray(workbook({"项目台账": [LEDGER_HEAD] + [ledger_row(f"Z{i}", "东城区", 1, D(2023, 3, 5))
                                                             for i in range(50)]}))
    info = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo(SHEET_XML)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 20, start + 28):
        content[i] ^= 0x55
    return bytes(content)


def padded_sheet(megabytes: float) -> bytes:
    """A valid ledger whose sheet XML carries ``megabytes`` of whitespace between rows (squeezes ~1000:1)."""
    pad = b" " * int(megabytes * 1024 * 1024)
    return rewrite(good_ledger(), SHEET_XML, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + pad))


def empty_rows_sheet(rows: int) -> bytes:
    """A valid ledger followed by ``rows`` empty <row> elements (squeezes only ~20:1)."""
    empty = b"".join(b'<row r="%d"/>' % r for r in range(3, rows + 3))
    return rewrite(good_ledger(), SHEET_XML, lambda xml: xml.replace(b"</sheetData>", empty + b"</sheetData>"))


BILLION_LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
    b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)) + b"]>")


def with_billion_laughs(part: str, prolog_padding: int = 0) -> bytes:
    """The DOCTYPE after the XML declaration (and ``prolog_padding`` newlines, which XML allows there)."""
    def change(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
        return b'<?xml version="1.0" encoding="UTF-8"?>' + b"\n" * prolog_padding + BILLION_LAUGHS + body
    return rewrite(good_ledger(), part, change)


def stored_ledger_of(megabytes: float) -> bytes:
    """A real workbook, stored without compression, of about ``megabytes`` on disk."""
    pad = b" " * int(megabytes * 1024 * 1024)
    return rewrite(good_ledger(), SHEET_XML, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + pad),
                   compression=zipfile.ZIP_STORED)


def far_corner() -> bytes:
    """What openpyxl writes for one value at XFD1048576: <dimension ref="A1:XFD1048576"/>."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(LEDGER_HEAD)
    ws["XFD1048576"] = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def far_corner_hidden(dimension: bytes) -> bytes:
    """The far-corner cell kept, the sheet's <dimension> replaced by ``dimension`` (b"" = none)."""
    return rewrite(far_corner(), SHEET_XML, lambda xml: re.sub(rb"<dimension [^>]*/>", dimension, xml))


# id -> (builder, environment, expected message)
FILE_CASES = {
    "empty": (lambda: b"", {}, MSG["file_empty"]),
    "png": (lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00",
            {}, MSG["file_not_excel"]),
    "pdf": (lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", {},
            MSG["file_not_excel"]),
    "csv_utf8": (lambda: csv_text().encode("utf-8"), {}, MSG["file_csv"]),
    "csv_utf8_bom": (lambda: ("\ufeff" + csv_text()).encode("utf-8"), {}, MSG["file_csv"]),
    "csv_gbk": (lambda: csv_text().encode("gbk"), {}, MSG["file_csv"]),
    "csv_utf8_4k_cut_mid_character": (lambda: csv_cut_mid_character("utf-8"), {}, MSG["file_csv"]),
    "csv_gbk_4k_cut_mid_character": (lambda: csv_cut_mid_character("gbk"), {}, MSG["file_csv"]),
    "unicode_text_utf16_tabs": (lambda: csv_text().replace(",", "\t").encode("utf-16"), {}, MSG["file_csv"]),
    "html_table_as_xls": (lambda: html_table(), {}, MSG["file_html"]),
    "html_table_with_bom": (lambda: html_table("\ufeff"), {}, MSG["file_html"]),
    "excel95_xls": (lambda: (WILD / "misc_biff5_parsing.xls").read_bytes(), {}, MSG["file_old_excel"]),
    "excel4_biff": (lambda: b"\x09\x04\x06\x00\x00\x00\x10\x00" + b"\x00" * 100, {}, MSG["file_old_excel"]),
    "ole2_without_workbook_stream": (lambda: upload_guard.OLE2_MAGIC + b"\x00" * 1024, {}, MSG["file_et"]),
    "encrypted_ods": (lambda: (WILD / "pass_protected.ods").read_bytes(), {}, MSG["file_encrypted"]),
    "encrypted_xlsx": (encrypted_xlsx, {}, MSG["file_encrypted"]),
    "truncated_xlsx": (lambda: good_ledger()[:len(good_ledger()) // 2], {}, MSG["file_corrupt"]),
    "damaged_compressed_data": (damaged_sheet_data, {}, MSG["file_corrupt"]),
    "zip_without_workbook": (docx_like_zip, {}, MSG["file_not_excel"]),
    "bomb_1_5_gb_declared": (lambda: zero_bomb(declared=True), {}, MSG["file_bomb"]),
    "bomb_1_5_gb_declaring_1_kb": (lambda: zero_bomb(declared=False), {}, MSG["file_bomb"]),
    "bomb_unpacked_setting": (lambda: empty_rows_sheet(80_000), {"ZSDASH_UPLOAD_MAX_UNPACKED_MB": "1"},
                              MSG["file_bomb"]),
    "entities_in_workbook_xml": (lambda: with_billion_laughs("xl/workbook.xml"), {}, MSG["file_dtd"]),
    "entities_in_sheet_xml": (lambda: with_billion_laughs(SHEET_XML), {}, MSG["file_dtd"]),
    "entities_after_padded_prolog": (lambda: with_billion_laughs("xl/workbook.xml", 5000), {}, MSG["file_dtd"]),
    "entities_in_styles_after_padded_prolog": (lambda: with_billion_laughs("xl/styles.xml", 5000), {},
                                               MSG["file_dtd"]),
    "over_max_mb": (lambda: stored_ledger_of(1.5), {"ZSDASH_UPLOAD_MAX_MB": "1"},
                    "文件超过 1 MB,请删除无关的工作表或图片后再上传"),
    "far_corner_declared": (far_corner, {}, "工作表“项目台账”声明的范围为 A1:XFD1048576,超出允许的范围"
                            "(最多 200000 行、200 列);请删除远处的空白单元格或格式后再上传"),
}
# the reader itself dies on these (python-calamine allocates the whole A1:XFD1048576 range): the
# guard lets them through, the worker process is killed by its memory limit, the upload is refused
WORKER_CASES = {
    "far_corner_dimension_small": (lambda: far_corner_hidden(b'<dimension ref="A1"/>'), {}, MSG["file_crashed"]),
    "far_corner_dimension_absent": (lambda: far_corner_hidden(b""), {}, MSG["file_crashed"]),
    # python-calamine's own crafted file: its sectors point past the end; the worker's reader refuses it
    "oom_alloc_xls": (lambda: (WILD / "OOM_alloc3.xls").read_bytes(), {}, MSG["file_corrupt"]),
}


@pytest.mark.parametrize("case", FILE_CASES)
def test_inspect_refuses_the_file_with_one_message(case, monkeypatch):
    build, env, message = FILE_CASES[case]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(upload_guard.UploadRejected) as err:
        upload_guard.inspect(build())
    assert str(err.value) == message


@pytest.mark.parametrize("case", WORKER_CASES)
def test_a_reader_crash_ends_as_a_rejection(case):
    content = WORKER_CASES[case][0]()
    assert upload_guard.inspect(content) == {}  # nothing declared looks wrong
    with pytest.raises(upload_guard.UploadRejected) as err:
        list(upload_guard.SheetReader(content, lambda name: True))
    assert str(err.value) == WORKER_CASES[case][2]
    # this process is alive and the worker still reads the next upload
    assert [s.name for s in upload_guard.SheetReader(good_ledger(), lambda name: True)] == ["项目台账"]


def test_every_bad_file_is_rejected_by_the_importer_and_nothing_is_written(engine, regions, monkeypatch, subtests):
    for case, (build, env, message) in (FILE_CASES | WORKER_CASES).items():
        with subtests.test(case), monkeypatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            with pytest.raises(ImportRejected) as err:
                import_workbook(engine, build(), "东城区2023年5月台账.xlsx", 2023, 5)
            assert [p.message for p in err.value.problems] == [message]
            assert str(err.value) == f"文件 {message}"
            assert row_counts(engine) == NOTHING


def test_a_bomb_is_judged_by_its_unpacked_size_not_its_ratio(monkeypatch):
    content = padded_sheet(5)  # 5 MB of whitespace squeezed ~1000:1: a modest size, read
    assert upload_guard.inspect(content) == {}
    rows = empty_rows_sheet(80_000)
    assert 1024 * 1024 < sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(rows)).infolist()) < 2 * 1024 * 1024
    assert upload_guard.inspect(rows) == {}
    monkeypatch.setenv("ZSDASH_UPLOAD_MAX_UNPACKED_MB", "1")
    for content in (rows, padded_sheet(5)):
        with pytest.raises(upload_guard.UploadRejected, match="压缩炸弹"):
            upload_guard.inspect(content)


def test_file_size_limit_counts_the_bytes_on_disk(monkeypatch):
    content = stored_ledger_of(1.5)
    assert 1.5 * 1024 * 1024 < len(content) < 1.6 * 1024 * 1024
    assert upload_guard.inspect(content) == {}  # 20 MB by default
    monkeypatch.setenv("ZSDASH_UPLOAD_MAX_MB", "1")
    with pytest.raises(upload_guard.UploadRejected) as err:
        upload_guard.inspect(content)
    assert str(err.value) == "文件超过 1 MB,请删除无关的工作表或图片后再上传"


# ---------------------------------------------------------------- problems inside a readable workbook

def ledger(*rows) -> dict:
    return {"项目台账": [LEDGER_HEAD, ledger_row("OK1", "东城区", 1, D(2023, 3, 5)), *rows]}


def row_with(code, **cells) -> list:
    """A valid 签约 row with some cells (by header) replaced."""
    row = ledger_row(code, "东城区", 2, D(2023, 3, 5))
    for head, value in cells.items():
        row[LEDGER_HEAD.index(head)] = value
    return row


FUNDS_HEAD = ["项目编号", "县区", "项目名称", "年份", "月份", "到位资金(亿元)"]
TARGETS_HEAD = ["年度", "县区", "指标", "目标值"]
RESIDENT_HEAD = ["工作队", "县区", "年份", "月份", "对接企业数", "考察回访企业数", "意向项目数", "意向投资额(亿元)"]
PROBLEMS_HEAD = ["企业名称", "项目编号", "县区", "问题描述", "提出日期", "责任单位", "办理状态", "办结日期"]
AMOUNT = "合同投资额(亿元)"

# id -> (sheets, every problem as shown)
CELL_CASES = {
    "not_a_number": (ledger(row_with("B1", 项目阶段="在谈", 签约日期=None, **{AMOUNT: "约5亿"})),
                     ["项目台账 第3行【合同投资额(亿元)】“约5亿” 不是数字,请只填写数字(单位见表头),如 5.2"]),
    "not_a_number_where_the_stage_needs_it": (
        ledger(row_with("B1", **{AMOUNT: "约5亿"})),
        # one message: the value was given
        ["项目台账 第3行【合同投资额(亿元)】“约5亿” 不是数字,请只填写数字(单位见表头),如 5.2"]),
    "negative_amount": (ledger(row_with("B1", **{"本月到位资金(亿元)": -1})),
                        ["项目台账 第3行【本月到位资金(亿元)】“-1” 不能为负数,没有请留空"]),
    "negative_amount_as_text": (ledger(row_with("B1", **{"本月到位资金(亿元)": "-0.25"})),
                                ["项目台账 第3行【本月到位资金(亿元)】“-0.25” 不能为负数,没有请留空"]),
    "bad_date": (ledger(row_with("B1", 开工日期="2023年13月1日")),
                 ["项目台账 第3行【开工日期】“2023年13月1日” 不是有效日期,应如 2023-03-05"]),
    "bad_manufacturing_flag": (ledger(row_with("B1", 是否制造业="部分")),
                               ["项目台账 第3行【是否制造业】“部分” 应填“是”或“否”"]),
    "empty_required_cell": (ledger(row_with("B1", 投资方="  ")), ["项目台账 第3行【投资方】 必填项为空"]),
    "unknown_stage": (ledger(row_with("B1", 项目阶段="已签约")),
                      ["项目台账 第3行【项目阶段】“已签约” “已签约”不是有效选项,可选:在谈、签约、开工、投产、终止"]),
    "unknown_origin": (ledger(row_with("B1", 投资来源="外省")),
                       ["项目台账 第3行【投资来源】“外省” “外省”不是有效选项,可选:省外、省内、境外"]),
    "unknown_channel": (ledger(row_with("B1", 招商方式="网络招商")),
                        ["项目台账 第3行【招商方式】“网络招商” “网络招商”不是有效选项,"
                         "可选:驻点招商、以商招商、推介会、中介招商、领导带头、其他"]),
    "unknown_tag": (ledger(row_with("B1", 企业标签="世界500强、五百强")),
                    ["项目台账 第3行【企业标签】“五百强” 企业标签“五百强”不存在,"
                     "可选:世界500强、中国500强、民营500强、专精特新小巨人、独角兽、瞪羚、上市公司"]),
    "unknown_region_with_suggestion": (ledger(row_with("B1", 县区="西城")),
                                       ["项目台账 第3行【县区】“西城” 县区“西城”不存在,您是不是要填“西城区”?"]),
    "unknown_region_without_suggestion": (ledger(row_with("B1", 县区="南山县")),
                                          ["项目台账 第3行【县区】“南山县” 县区“南山县”不存在"]),
    "city_as_project_region": (ledger(row_with("B1", 县区="全市")),
                               ["项目台账 第3行【县区】“全市” “全市”不能作为项目所在县区"]),
    "unknown_chain": (ledger(row_with("B1", 产业链="新能源汽车")),
                      ["项目台账 第3行【产业链】“新能源汽车” 产业链“新能源汽车”不存在,您是不是要填“新能源电动车”?"]),
    "signed_without_sign_date": (ledger(row_with("B1", 签约日期=None)),
                                 ["项目台账 第3行【签约日期】 项目阶段为“签约”时必须填写【签约日期】"]),
    "started_without_start_date": (ledger(row_with("B1", 项目阶段="开工")),
                                   ["项目台账 第3行【开工日期】 项目阶段为“开工”时必须填写【开工日期】"]),
    "producing_without_production_date": (
        ledger(row_with("B1", 项目阶段="投产", 开工日期=D(2023, 4, 1))),
        ["项目台账 第3行【投产日期】 项目阶段为“投产”时必须填写【投产日期】"]),
    "start_before_sign": (ledger(row_with("B1", 项目阶段="开工", 开工日期="2023-03-04")),
                          ["项目台账 第3行【开工日期】“2023-03-04” 开工日期早于签约日期(2023-03-05)"]),
    "production_before_start": (
        ledger(row_with("B1", 项目阶段="投产", 开工日期=D(2023, 4, 1), 投产日期=D(2023, 3, 31))),
        ["项目台账 第3行【投产日期】“2023-03-31” 投产日期早于开工日期(2023-04-01)"]),
    "duplicate_code_conflicting": (ledger(row_with("B1"), row_with("B1", **{AMOUNT: 3})),
                                   ["项目台账 第4行【项目编号】“B1” 项目编号“B1”在第3行也出现,且内容不同"]),
    "funds_for_unknown_project": (ledger() | {"到位资金明细": [FUNDS_HEAD, ["ZZ9", "东城区", "无此", 2023, 4, 0.5]]},
                                  ["到位资金明细 第2行【项目编号】“ZZ9” 找不到项目“ZZ9”(项目编号须已在项目台账中)"]),
    "funds_month_13": (ledger() | {"到位资金明细": [FUNDS_HEAD, ["OK1", "东城区", None, 2023, 13, 0.5]]},
                       ["到位资金明细 第2行【月份】“13” 月份应为1-12"]),
    # an amount past Decimal's 28 digits at 4 decimals (it used to end the import with an exception)
    "amount_beyond_any_scale": (ledger(row_with("B1", **{AMOUNT: 1e30})),
                                ["项目台账 第3行【合同投资额(亿元)】“1e+30” 不是数字,请只填写数字(单位见表头),如 5.2"]),
    "funds_month_not_integer": (ledger() | {"到位资金明细": [FUNDS_HEAD, ["OK1", "东城区", None, 2023, "4.5", 0.5]]},
                                ["到位资金明细 第2行【月份】“4.5” 应为整数,如 12"]),
    "resident_month_13": ({"驻点招商": [RESIDENT_HEAD, ["长三角小分队", "东城区", 2023, 13, 10, 3, 1, 2]]},
                          ["驻点招商 第2行【月份】“13” 月份应为1-12"]),
    "closed_without_closed_date": (
        {"问题台账": [PROBLEMS_HEAD, ["甲公司", None, "东城区", "用地指标", D(2023, 4, 2), "资源局", "已办结", None]]},
        ["问题台账 第2行【办结日期】 办理状态为“已办结”时必须填写【办结日期】"]),
    "unknown_problem_status": (
        {"问题台账": [PROBLEMS_HEAD, ["甲公司", None, "东城区", "用地指标", D(2023, 4, 2), "资源局", "已解决", None]]},
        ["问题台账 第2行【办理状态】“已解决” “已解决”不是有效选项,可选:待办、办理中、已办结"]),
    "unknown_indicator": ({"年度目标": [TARGETS_HEAD, [2023, "全市", "合同额", 320]]},
                          ["年度目标 第2行【指标】“合同额” 指标“合同额”不是已知指标,"
                           "可选:签约项目数、合同投资额、到位资金、制造业占比、驻点签约额,您是不是要填“合同投资额”?"]),
    "missing_required_column": ({"项目台账": [[h for h in LEDGER_HEAD if h != "项目阶段"], ["C1"]]},
                                ["项目台账 第1行【项目阶段】 缺少必填列【项目阶段】"]),
    "missing_required_column_of_optional_sheet": (
        {"驻点招商": [[h for h in RESIDENT_HEAD if h != "工作队"], ["东城区", 2023, 5, 10, 3, 1, 2]]},
        ["驻点招商 第1行【工作队】 缺少必填列【工作队】"]),
    "no_header_at_all": ({"项目台账": [["东城区项目情况"], ["见附件"]]},
                         ["项目台账 缺少必填列【项目名称、县区、产业链、投资方、是否制造业、项目阶段】"]),
    "no_known_sheet": ({"Sheet1": [LEDGER_HEAD, ledger_row("N1", "东城区", 1, D(2023, 3, 5))], "说明": [["填表说明"]]},
                       ["工作簿 " + MSG["no_known_sheet"]]),
}


def test_every_cell_problem_is_located_and_nothing_is_written(engine, regions, subtests):
    for case, (sheets, expected) in CELL_CASES.items():
        with subtests.test(case):
            with pytest.raises(ImportRejected) as err:
                import_workbook(engine, workbook(sheets), "台账.xlsx", 2023, 5)
            assert [str(p) for p in err.value.problems] == expected
            assert row_counts(engine) == NOTHING


def formula_workbook() -> bytes:
    """openpyxl stores formulas without a cached result: <c r="L3"><f>2+3</f><v/></c> (<v></v> with lxml)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(LEDGER_HEAD)
    ws.append(ledger_row("OK1", "东城区", 1, D(2023, 3, 5)))
    ws.append(ledger_row("F1", "东城区", "=2+3", D(2023, 3, 5), stage="在谈"))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_formula_without_cached_value_in_a_number_column(engine, regions):
    content = formula_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(content)).read(SHEET_XML)
    assert re.search(rb'<c r="L3"[^>]*><f>2\+3</f><v(?:\s*/>|></v>)</c>', sheet)
    assert upload_guard.inspect(content) == {"项目台账": {(2, 11)}}
    with pytest.raises(ImportRejected) as err:
        import_workbook(engine, content, "台账.xlsx", 2023, 5)
    assert [str(p) for p in err.value.problems] == [
        "项目台账 第3行【合同投资额(亿元)】“公式” " + MSG["formula_no_value"]]
    assert row_counts(engine) == NOTHING


def test_every_problem_of_every_sheet_is_reported_at_once_in_sheet_order(engine, regions):
    sheets = {
        "问题台账": [PROBLEMS_HEAD, ["甲公司", None, "东城区", "用地指标", D(2023, 4, 2), "资源局", "已办结", None]],
        "驻点招商": [RESIDENT_HEAD, ["长三角小分队", "东城区", 2023, 5, 10, 12, 1, 2]],
        "项目台账": [LEDGER_HEAD, row_with("E1", 是否制造业="部分"), row_with("E2", 县区="西城")],
        "到位资金明细": [FUNDS_HEAD, ["E1", "东城区", None, 2023, 13, "-1"]],
    }
    with pytest.raises(ImportRejected) as err:
        import_workbook(engine, workbook(sheets), "台账.xlsx", 2023, 5)
    assert [str(p) for p in err.value.problems] == [
        "项目台账 第2行【是否制造业】“部分” 应填“是”或“否”",
        "项目台账 第3行【县区】“西城” 县区“西城”不存在,您是不是要填“西城区”?",
        "到位资金明细 第2行【到位资金(亿元)】“-1” 不能为负数,没有请留空",
        "到位资金明细 第2行【月份】“13” 月份应为1-12",
        "问题台账 第2行【办结日期】 办理状态为“已办结”时必须填写【办结日期】",
    ]
    assert row_counts(engine) == NOTHING


# ---------------------------------------------------------------- the command line

@pytest.fixture
def run_cli(engine, regions, monkeypatch, capsys):
    monkeypatch.setenv("ZSDASH_DATABASE_URL", engine.url.render_as_string(hide_password=False))

    def run(*argv):
        code = cli.main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err
    return run


def test_cli_import_of_a_renamed_csv_exits_1_with_the_message(run_cli, engine, tmp_path):
    path = tmp_path / "东城区2023年5月台账.xlsx"
    path.write_bytes(csv_text().encode("gbk"))
    code, out, err = run_cli("import", str(path), "--period", "2023-05")
    assert (code, out) == (1, "")
    assert err == f"导入被拒绝,共1处问题,未写入任何数据:\n  文件 {MSG['file_csv']}\n"
    assert row_counts(engine) == NOTHING


def test_cli_import_of_a_far_corner_workbook_exits_1_with_the_message(run_cli, engine, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(far_corner_hidden(b""))
    code, out, err = run_cli("import", str(path), "--period", "2023-05")
    assert (code, out) == (1, "")
    assert err == f"导入被拒绝,共1处问题,未写入任何数据:\n  文件 {MSG['file_crashed']}\n"
    assert row_counts(engine) == NOTHING


def test_cli_import_lists_every_cell_problem(run_cli, engine, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(ledger(row_with("B1", **{AMOUNT: "约5亿"}), row_with("B2", 产业链="新能源汽车"))))
    code, out, err = run_cli("import", str(path), "--period", "2023-05")
    assert (code, out) == (1, "")
    assert err == ("导入被拒绝,共2处问题,未写入任何数据:\n"
                   "  项目台账 第3行【合同投资额(亿元)】“约5亿” 不是数字,请只填写数字(单位见表头),如 5.2\n"
                   "  项目台账 第4行【产业链】“新能源汽车” 产业链“新能源汽车”不存在,您是不是要填“新能源电动车”?\n")
    assert row_counts(engine) == NOTHING
