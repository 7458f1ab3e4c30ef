"""Every workbook a clerk actually has (SPEC §5 "File formats"): the same small ledger saved as .xlsx,
.xls, .ods, Strict Open XML, with ``\\`` part names, as .xlsm with a macro sheet, beside a wide sheet
the import never reads and beside a 60 MB 填报说明 — each imports with the same figures through the
command line, on both engines; and the real files of ../shared/wild/ each get their real reason.

The ledger (东城区, 2023-05): F1 2.50亿 signed 2023-03-05, 制造业, 本月到位资金 0.40; F2 1.25亿 signed
2023-04-10, started 2023-05-02, not 制造业. Through May: 2 signed, 3.75亿, 制造业 2.50亿, 到位资金
0.40亿, 1 started.
"""
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from data_access.importer import ImportRejected, import_workbook
from labels import MSG
from metrics.figures import overview
from metrics.period import Period, Scope
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook
from tests.formats import as_ods, as_strict, as_xls, with_backslashes, with_macro_sheet

D = dt.date
WILD = Path(__file__).resolve().parents[3] / "shared" / "wild"
LEDGER = {"项目台账": [["2023年5月招商引资项目台账"], LEDGER_HEAD,
                   ledger_row("F1", "东城区", 2.5, D(2023, 3, 5), funds=0.4),
                   ledger_row("F2", "东城区", 1.25, D(2023, 4, 10), stage="开工", start=D(2023, 5, 2),
                              manufacturing="否")]}
FIGURES = (2, Decimal("3.7500"), Decimal("2.5000"), Decimal("0.4000"), 1)
INSTRUCTIONS = "请按模板填写本月新签约、开工、投产的项目,金额单位为亿元,日期写成2023-05-01的样子。" * 700


def long_instructions() -> bytes:
    """The ledger beside a 填报说明 sheet of 700 long, very repetitive paragraphs: ~60 MB unpacked,
    some hundred times less packed."""
    return workbook({"填报说明": [[f"第{i}条 {INSTRUCTIONS}"] for i in range(1, 701)], **LEDGER})


FORMATS = {  # name -> (file name, bytes, sheets the import ignores)
    "xlsx": ("东城区台账.xlsx", lambda: workbook(LEDGER), []),
    "xls": ("东城区台账.xls", lambda: as_xls(LEDGER), []),
    "ods": ("东城区台账.ods", lambda: as_ods(LEDGER), []),
    "strict_xlsx": ("东城区台账.xlsx", lambda: as_strict(workbook(LEDGER)), []),
    "backslash_paths": ("东城区台账.xlsx", lambda: with_backslashes(workbook(LEDGER)), []),
    "xlsm_with_macro_sheet": ("东城区台账.xlsm", lambda: with_macro_sheet(workbook(LEDGER)), []),
    "xls_named_xlsx": ("东城区台账.xlsx", lambda: as_xls(LEDGER), []),  # the bytes decide, not the name
    "wide_unread_sheet": ("东城区台账.xlsx", lambda: workbook({**LEDGER, "说明": [[None] * 200 + ["备注"]]}), ["说明"]),
    "long_instructions": ("东城区台账.xlsx", long_instructions, ["填报说明"]),
}


@pytest.fixture
def east(engine):
    with engine.begin() as conn:
        region(conn, "东城区")
    return engine


@pytest.fixture
def run_cli(east, cli_on):
    return cli_on(east)


def figures(engine) -> tuple:
    with engine.connect() as conn:
        f = overview(conn, Period(2023, 5), Scope())
    return f["signed_count"], f["signed_amount"], f["manufacturing_amount"], f["funds_in_place"], f["started_count"]


def test_the_instructions_sheet_is_big_and_squeezes_far(tmp_path):
    content = long_instructions()
    parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    unpacked = sum(i.file_size for i in parts)
    assert unpacked > 50 * 1024 * 1024 and unpacked / len(content) > 100


@pytest.mark.parametrize("kind", FORMATS)
def test_every_format_imports_with_the_same_figures(kind, east, run_cli, tmp_path):
    name, build, ignored = FORMATS[kind]
    path = tmp_path / name
    path.write_bytes(build())
    code, out, err = run_cli("import", path, "--period", "2023-05")
    assert (code, err) == (0, "")
    assert out.startswith("导入成功,批次 #1(2023年5月,东城区):新增项目2个,更新项目0个,阶段变化0个,到位资金1条,")
    assert out.rstrip().endswith(f";已忽略工作表:{'、'.join(ignored)}" if ignored else "企业诉求0条")
    assert figures(east) == FIGURES


def test_an_xls_with_a_mistake_comes_back_annotated_as_xlsx(east):
    import openpyxl

    from data_access.annotate import annotate
    bad = {"项目台账": [LEDGER_HEAD, ledger_row("F1", "东城区", "约5亿", D(2023, 3, 5))]}
    with pytest.raises(ImportRejected) as err:
        import_workbook(east, as_xls(bad), "东城区台账.xls", 2023, 5)
    assert [str(p) for p in err.value.problems] == [
        "项目台账 第2行【合同投资额(亿元)】“约5亿” 不是数字,请只填写数字(单位见表头),如 5.2"]
    marked, copied = annotate(as_xls(bad), err.value.problems)
    assert copied
    book = openpyxl.load_workbook(io.BytesIO(marked))
    assert book.sheetnames == ["错误清单", "项目台账"]
    assert book["项目台账"]["L2"].value == "约5亿"
    assert book["项目台账"]["L2"].comment.text == "不是数字,请只填写数字(单位见表头),如 5.2"


# ---------------------------------------------------------------- the real files of other projects

NO_SHEET = MSG["no_known_sheet"]
WILD_FILES = {  # file -> what the clerk is told
    "50096.xlsx": NO_SHEET,  # a 300-column sheet that is never read does not matter
    "57914.xlsx": NO_SHEET,  # Strict Open XML by Excel 2013
    "strict_iso_paths.xlsx": NO_SHEET,
    "issue_530.xlsx": NO_SHEET,  # part names with \
    "wtf_path.xlsx": NO_SHEET,  # the workbook part at wtf/workbook.xml
    "64420.xlsm": NO_SHEET,  # a macro sheet beside the worksheets
    "BlankSheetTypes.xlsm": NO_SHEET,  # chart, dialog and macro sheets
    "sushi.ods": NO_SHEET,
    "pass_protected.ods": MSG["file_encrypted"],
    "misc_biff5_parsing.xls": MSG["file_old_excel"],
    "OOM_alloc3.xls": MSG["file_corrupt"],  # crafted: refused by the confined reader
    "Simple.xlsb": MSG["file_unsupported"],  # python-calamine 0.9.1 gives up on this one (a panic, caught)
}


def test_every_wild_file_is_named_here():
    assert sorted(p.name for p in WILD.iterdir() if p.name != "README.md") == sorted(WILD_FILES)


@pytest.mark.parametrize("name", WILD_FILES)
def test_a_real_file_gets_its_real_reason(name, east):
    with pytest.raises(ImportRejected) as err:
        import_workbook(east, (WILD / name).read_bytes(), name, 2023, 5)
    assert [p.message for p in err.value.problems] == [WILD_FILES[name]]


def renamed(content: bytes, old: str) -> bytes:
    """The package with sheet ``old`` renamed 项目台账 in its workbook part."""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("workbook.xml"):
                data = re.sub(rf'name="{re.escape(old)}"'.encode(), 'name="项目台账"'.encode(), data)
            dst.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize(("name", "sheet"), [("strict_iso_paths.xlsx", "ml_out"), ("BlankSheetTypes.xlsm", "Sheet1"),
                                             ("wtf_path.xlsx", "SheetJS")])
def test_a_real_file_with_a_ledger_sheet_is_read(name, sheet, east):
    """Named 项目台账, the sheet is read: what is wrong is its columns, not the file."""
    with pytest.raises(ImportRejected) as err:
        import_workbook(east, renamed((WILD / name).read_bytes(), sheet), name, 2023, 5)
    messages = [p.message for p in err.value.problems]
    assert messages and all(m not in (NO_SHEET, MSG["file_corrupt"], MSG["file_not_excel"]) for m in messages)
    assert any("缺少必填列" in m or "表头" in m for m in messages), messages
