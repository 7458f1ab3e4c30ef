"""Real-world variations of the monthly workbook (SPEC §5) import with exact figures.

Every workbook is written here with openpyxl (merged cells, real dates, date-formatted serials),
or rewritten part by part where openpyxl cannot write what Excel writes (a formula's cached value).
"""
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from data_access.importer import ImportRejected, import_workbook
from data_access.models import (
    AnnualTarget,
    Chain,
    EnterpriseProblem,
    Funds,
    ImportBatch,
    Project,
    Region,
    ResidentActivity,
)
from metrics.figures import overview
from metrics.period import Period, Scope
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook

D = dt.date
EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
CITY_FILE = EXAMPLES / "示范市_2023年5月_全市台账.xlsx"
COUNTY_FILE = EXAMPLES / "示范市_东城区_2023年5月_县区报表.xlsx"


@pytest.fixture
def regions(engine):
    with engine.begin() as conn:
        return {"东城区": region(conn, "东城区", "东城"), "西城区": region(conn, "西城区")}


def book(rows, merges=(), title="项目台账", date_cells=()) -> bytes:
    """One sheet of ``rows`` (from A1), with merged ranges and cells shown as dates (serial stored)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    for ref in date_cells:
        ws[ref].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def projects(engine) -> dict[str, tuple]:
    """code → (name, region, chain, investor, manufacturing, stage, sign, amount, start, production)."""
    p = Project.__table__.c
    stmt = (select(p.code, p.name, Region.name, Chain.name, p.investor, p.is_manufacturing, p.stage, p.sign_date,
                   p.contract_amount, p.start_date, p.production_date)
            .join(Region, Region.id == p.region_id).join(Chain, Chain.id == p.chain_id).order_by(p.code))
    with engine.connect() as conn:
        return {code: tuple(rest) for code, *rest in conn.execute(stmt)}


def funds(engine) -> dict[tuple, Decimal]:
    stmt = select(Project.code, Funds.year, Funds.month, Funds.amount).join(Project, Project.id == Funds.project_id)
    with engine.connect() as conn:
        return {(code, y, m): a for code, y, m, a in conn.execute(stmt)}


def figures(engine, period=Period(2023, 5), scope=Scope()) -> dict:
    with engine.connect() as conn:
        return overview(conn, period, scope)


def headline(engine, period=Period(2023, 5)) -> tuple:
    f = figures(engine, period)
    return (f["signed_count"], f["signed_amount"], f["manufacturing_count"], f["manufacturing_amount"],
            f["funds_in_place"], f["started_count"])


# ---------------------------------------------------------------- layout around the table

def test_title_unit_rows_above_a_header_at_row_6(engine, regions):
    content = book([["东城区招商引资项目台账"],
                    ["填报单位:东城区投资促进局", None, None, None, None, None, None, None, None, None, "单位:亿元"],
                    ["报送时间:2023年6月2日"],
                    [],
                    [None, None, None, "(请勿修改表头)"],
                    LEDGER_HEAD,
                    ledger_row("T1", "东城区", 2.5, D(2023, 3, 5), funds=0.4),
                    ledger_row("T2", "西城区", 1.25, D(2023, 5, 31), stage="开工", start=D(2023, 5, 31),
                               manufacturing="否")],
                   merges=["A1:Q1"])
    result = import_workbook(engine, content, "台账.xlsx", 2023, 5)
    assert result.counts["new_projects"] == 2 and result.extra_columns == []
    assert headline(engine) == (2, Decimal("3.7500"), 1, Decimal("2.5000"), Decimal("0.4000"), 1)
    assert projects(engine)["T2"] == ("T2项目", "西城区", "木材加工", "T2企业", False, "开工", D(2023, 5, 31),
                                      Decimal("1.2500"), D(2023, 5, 31), None)


def test_problems_below_a_low_header_name_the_row_excel_shows(engine, regions):
    content = book([["东城区招商引资项目台账"], ["填报单位:东城区投资促进局"], [], [], [], LEDGER_HEAD,
                    ledger_row("T1", "东城区", 2.5, D(2023, 3, 5)),
                    ledger_row("T2", "东城区", "两亿", D(2023, 3, 5), stage="在谈")])
    with pytest.raises(ImportRejected) as err:
        import_workbook(engine, content, "台账.xlsx", 2023, 5)
    assert [str(p) for p in err.value.problems] == [
        "项目台账 第8行【合同投资额(亿元)】“两亿” 不是数字,请只填写数字(单位见表头),如 5.2"]


def test_header_over_two_merged_rows(engine, regions):
    """Row 2 groups columns (merged across); 序号, 项目编号, 项目名称 and the amounts are merged down."""
    group = ["序号", "项目编号", "项目名称", "项目基本情况", None, None, None, None, None, None, "项目进展", None,
             None, None, "合同投资额(亿元)", "本月到位资金(亿元)", "备注"]
    names = [None, None, None, "县区", "产业链", "投资方", "企业标签", "是否制造业", "投资来源", "招商方式",
             "项目阶段", "签约日期", "开工日期", "投产日期", None, None, None]
    content = book([["2023年1-5月全市招商引资项目台账"], group, names,
                    [1, "M1", "智能家电一期", "东城区", "智能家电", "甲电器公司", "中国500强", "是", "省外", "以商招商",
                     "开工", D(2023, 1, 10), D(2023, 2, 1), None, 12, 1.5, None],
                    [2, "M2", "纺织园", "西城区", "纺织服装", "乙纺织公司", None, "否", "省内", "推介会",
                     "签约", D(2023, 4, 20), None, None, 3.5, None, "续建"]],
                   merges=["A1:Q1", "A2:A3", "B2:B3", "C2:C3", "D2:J2", "K2:N2", "O2:O3", "P2:P3", "Q2:Q3"])
    result = import_workbook(engine, content, "台账.xlsx", 2023, 5)
    assert result.counts["new_projects"] == 2 and result.extra_columns == []
    assert projects(engine) == {
        "M1": ("智能家电一期", "东城区", "智能家电", "甲电器公司", True, "开工", D(2023, 1, 10), Decimal("12.0000"),
               D(2023, 2, 1), None),
        "M2": ("纺织园", "西城区", "纺织服装", "乙纺织公司", False, "签约", D(2023, 4, 20), Decimal("3.5000"), None,
               None),
    }
    assert funds(engine) == {("M1", 2023, 5): Decimal("1.5000")}
    assert figures(engine)["top500_projects"] == 1


def test_subtotal_total_and_signature_rows_are_not_projects(engine, regions):
    content = book([["序号"] + LEDGER_HEAD,
                    [1] + ledger_row("S1", "东城区", 2, D(2023, 3, 5), funds=0.5),
                    [2] + ledger_row("S2", "东城区", 3, D(2023, 4, 5)),
                    ["小计", None, None, None, None, None, None, None, None, None, None, None, 5, None, None, 0.5],
                    [3] + ledger_row("S3", "西城区", 4, D(2023, 4, 6)),
                    [None, None, "小 计", "西城区", None, None, None, None, None, None, None, None, 4],
                    ["合计", None, None, None, None, None, None, None, None, None, None, None, 9, None, None, 0.5],
                    [None, "总计", None, None, None, None, None, None, None, None, None, None, 9],
                    [],
                    ["填报人:张三", None, None, None, None, "审核人:李四"],
                    ["联系电话:0000-1234567"]])
    result = import_workbook(engine, content, "台账.xlsx", 2023, 5)
    assert result.counts["new_projects"] == 3
    assert sorted(projects(engine)) == ["S1", "S2", "S3"]
    assert headline(engine) == (3, Decimal("9.0000"), 3, Decimal("9.0000"), Decimal("0.5000"), 0)


def test_empty_rows_between_projects_are_skipped(engine, regions):
    content = book([LEDGER_HEAD, [], ledger_row("E1", "东城区", 1, D(2023, 3, 5)), [None] * 17, [], ["", " ", None],
                    ledger_row("E2", "西城区", 2, D(2023, 3, 6)), []])
    import_workbook(engine, content, "台账.xlsx", 2023, 5)
    assert sorted(projects(engine)) == ["E1", "E2"]


# ---------------------------------------------------------------- how values are written

def test_amounts_in_wan_yuan_when_the_header_says_so(engine, regions):
    head = [h.replace("(亿元)", "(万元)") for h in LEDGER_HEAD]
    head[LEDGER_HEAD.index("本月到位资金(亿元)")] = "本月到位资金（万元）"
    content = book([head,
                    ledger_row("W1", "东城区", 12500, D(2023, 3, 5), funds=1500),
                    ledger_row("W2", "东城区", "3,000.5", D(2023, 3, 5), funds="25"),
                    ledger_row("W3", "西城区", 1, D(2023, 3, 5))])
    import_workbook(engine, content, "台账.xlsx", 2023, 5)
    assert {c: p[7] for c, p in projects(engine).items()} == {
        "W1": Decimal("1.2500"), "W2": Decimal("0.3001"), "W3": Decimal("0.0001")}  # 3000.5万 rounds half up
    assert funds(engine) == {("W1", 2023, 5): Decimal("0.1500"), ("W2", 2023, 5): Decimal("0.0025")}


def test_numbers_stored_as_text_with_separators_and_full_width_digits(engine, regions):
    content = book([LEDGER_HEAD,
                    ledger_row("N1", "东城区", "12,500", D(2023, 3, 5)),
                    ledger_row("N2", "东城区", "１２５", D(2023, 3, 5), funds="０．７５"),
                    ledger_row("N3", "东城区", " 2.5 ", D(2023, 3, 5), funds="1，200.5"),
                    ledger_row("N4", "东城区", "0.3", D(2023, 3, 5))])
    import_workbook(engine, content, "台账.xlsx", 2023, 5)
    assert {c: p[7] for c, p in projects(engine).items()} == {
        "N1": Decimal("12500.0000"), "N2": Decimal("125.0000"), "N3": Decimal("2.5000"), "N4": Decimal("0.3000")}
    assert funds(engine) == {("N2", 2023, 5): Decimal("0.7500"), ("N3", 2023, 5): Decimal("1200.5000")}


def test_dates_as_real_dates_text_and_excel_serials(engine, regions):
    rows = [LEDGER_HEAD]
    signs = {"R1": D(2022, 3, 5), "R2": dt.datetime(2022, 3, 5, 9, 30), "R3": "2022-3-5", "R4": "2022/03/05",
             "R5": "2022年3月5日", "R6": "2022.3.5", "R7": 44625, "R8": 44625, "R9": "２０２２年３月５日",
             "R10": "2022-03-05 00:00:00", "R11": " 2022 年 3 月 5 日 "}
    for code, sign in signs.items():
        rows.append(ledger_row(code, "东城区", 1, sign, stage="开工", start="2022/4/1"))
    content = book(rows, date_cells=["K9"])  # R8's serial shown as a date, R7's as a bare number
    import_workbook(engine, content, "台账.xlsx", 2023, 5)
    got = projects(engine)
    assert {c: (p[6], p[8]) for c, p in got.items()} == {c: (D(2022, 3, 5), D(2022, 4, 1)) for c in signs}


def test_manufacturing_flags(engine, regions):
    flags = {"B1": "是", "B2": "否", "B3": "Y", "B4": "N", "B5": "y", "B6": "n", "B7": "√", "B8": "×",
             "B9": " 是 ", "B10": "Yes", "B11": "no", "B12": "✓"}
    content = book([LEDGER_HEAD] + [ledger_row(c, "东城区", 1, D(2023, 3, 5), manufacturing=flag)
                                    for c, flag in flags.items()])
    import_workbook(engine, content, "台账.xlsx", 2023, 5)
    assert {c: p[4] for c, p in projects(engine).items()} == {
        "B1": True, "B2": False, "B3": True, "B4": False, "B5": True, "B6": False, "B7": True, "B8": False,
        "B9": True, "B10": True, "B11": False, "B12": True}
    assert figures(engine)["manufacturing_count"] == 7


def test_spaces_and_full_width_brackets_in_names_and_headers(engine, regions):
    head = [f" {h} " for h in LEDGER_HEAD]
    head[LEDGER_HEAD.index("合同投资额(亿元)")] = "合同投资额（亿元）"
    head[LEDGER_HEAD.index("项目名称")] = "项目名称*"
    row = ledger_row("SP1", "东城区 ", 2, D(2023, 3, 5), name="  智能家电（一期）  项目 ", chain=" 智能家电")
    row[LEDGER_HEAD.index("投资方")] = "甲  电器（中国）有限公司"
    row2 = ledger_row("SP2", "　东城", 1, D(2023, 3, 5))  # full-width space and the alias
    import_workbook(engine, book([head, row, row2]), "台账.xlsx", 2023, 5)
    got = projects(engine)
    assert got["SP1"][:4] == ("智能家电(一期) 项目", "东城区", "智能家电", "甲 电器(中国)有限公司")
    assert got["SP2"][1] == "东城区"


def test_rows_without_a_code_are_keyed_by_region_and_name(engine, regions):
    first = ledger_row(None, "东城", 2, D(2023, 3, 5), name="智能家电（一期）")
    import_workbook(engine, book([LEDGER_HEAD, first]), "四月.xlsx", 2023, 4)
    again = ledger_row(None, "东城区 ", 2, D(2023, 3, 5), stage="开工", start=D(2023, 5, 2), name="智能家电(一期)")
    result = import_workbook(engine, book([LEDGER_HEAD, again]), "五月.xlsx", 2023, 5)
    c = result.counts
    assert (c["new_projects"], c["updated_projects"], c["stage_changes"]) == (0, 1, 1)
    assert list(projects(engine)) == ["东城区-智能家电(一期)"]


def test_columns_in_any_order_with_aliases(engine, regions):
    order = list(reversed(LEDGER_HEAD))
    aliases = {"县区": "所属县区", "投资方": "企业名称", "项目阶段": "项目进度", "签约日期": "签约时间"}
    head = [aliases.get(h, h) for h in order]
    rows = [[dict(zip(LEDGER_HEAD, ledger_row(c, "西城区", a, D(2023, 4, 1), funds=f)))[h] for h in order]
            for c, a, f in (("O1", 4, 0.25), ("O2", 6, None))]
    import_workbook(engine, book([head, *rows]), "台账.xlsx", 2023, 5)
    assert projects(engine)["O1"] == ("O1项目", "西城区", "木材加工", "O1企业", True, "签约", D(2023, 4, 1),
                                      Decimal("4.0000"), None, None)
    assert headline(engine) == (2, Decimal("10.0000"), 2, Decimal("10.0000"), Decimal("0.2500"), 0)


def test_unknown_extra_columns_are_ignored_and_reported(engine, regions):
    head = ["序号", *LEDGER_HEAD[:5], "联系人", *LEDGER_HEAD[5:], "计划总投资(亿元)"]
    row = [1, *ledger_row("X1", "东城区", 2, D(2023, 3, 5))[:5], "王五 13900000000",
           *ledger_row("X1", "东城区", 2, D(2023, 3, 5))[5:], 80]
    result = import_workbook(engine, book([head, row]), "台账.xlsx", 2023, 5)
    assert result.extra_columns == ["联系人", "计划总投资(亿元)"]
    assert result.summary() == ("导入成功,批次 #1(2023年5月,东城区):新增项目1个,更新项目0个,阶段变化0个,到位资金0条,"
                                "年度目标0条,驻点招商0条,企业诉求0条;已忽略未识别的列:联系人、计划总投资(亿元)")
    assert projects(engine)["X1"][7] == Decimal("2.0000")


def test_region_merged_down_several_rows(engine, regions):
    rows = [LEDGER_HEAD] + [ledger_row(f"G{i}", "东城区" if i == 1 else None, i, D(2023, 3, i)) for i in range(1, 4)]
    rows += [ledger_row("G4", "西城区", 4, D(2023, 3, 4)), ledger_row("G5", None, 5, D(2023, 3, 5))]
    content = book(rows, merges=["C2:C4", "C5:C6"])
    import_workbook(engine, content, "台账.xlsx", 2023, 5)
    assert {c: p[1] for c, p in projects(engine).items()} == {
        "G1": "东城区", "G2": "东城区", "G3": "东城区", "G4": "西城区", "G5": "西城区"}


def test_identical_duplicate_rows_count_once(engine, regions):
    row = ledger_row("DU1", "东城区", 2, D(2023, 3, 5), funds=0.5)
    result = import_workbook(engine, book([LEDGER_HEAD, row, list(row)]), "台账.xlsx", 2023, 5)
    assert result.counts["new_projects"] == 1
    assert headline(engine) == (1, Decimal("2.0000"), 1, Decimal("2.0000"), Decimal("0.5000"), 0)


def test_formula_with_a_cached_value_imports_the_value(engine, regions):
    """Excel saves a formula with its result: <c r="L2"><f>2+3</f><v>5</v></c>."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(LEDGER_HEAD)
    ws.append(ledger_row("FX1", "东城区", "=2+3", D(2023, 3, 5)))
    out = io.BytesIO()
    wb.save(out)
    src, cached = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(cached, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb"<f>2\+3</f><v(?:\s*/>|></v>)", b"<f>2+3</f><v>5</v>", data)
                assert n == 1
            dst.writestr(info.filename, data)
    import_workbook(engine, cached.getvalue(), "台账.xlsx", 2023, 5)
    assert projects(engine)["FX1"][7] == Decimal("5.0000")


# ---------------------------------------------------------------- the reporting period

def ledger_with_title(title: str) -> bytes:
    return book([[title], LEDGER_HEAD, ledger_row("P1", "东城区", 1, D(2023, 3, 5), funds=0.2)], merges=["A1:Q1"])


def test_period_from_the_title_when_none_is_chosen(engine, regions):
    result = import_workbook(engine, ledger_with_title("东城区2023年1-5月招商引资项目进展情况表"), "台账.xlsx")
    assert (result.year, result.month) == (2023, 5)
    assert funds(engine) == {("P1", 2023, 5): Decimal("0.2000")}
    with engine.connect() as conn:
        assert conn.execute(select(ImportBatch.year, ImportBatch.month)).one() == (2023, 5)


TITLES = {"2023年10月全市招商引资项目台账": (2023, 10), "２０２３年１—１０月项目表": (2023, 10),
          "2023年1至3月项目表": (2023, 3), "2023年1月-5月项目进展表": (2023, 5), "2023年1月至11月项目表": (2023, 11),
          "2023年1～5月项目表": (2023, 5), "2023年度1-5月项目表": (2023, 5), "截至2023年1月底项目表": (2023, 1),
          "2023年12月份项目表": (2023, 12)}


def test_period_from_other_title_forms(engine, regions, subtests):
    for title, expected in TITLES.items():
        with subtests.test(title):
            result = import_workbook(engine, ledger_with_title(title), "台账.xlsx", dry_run=True)
            assert (result.year, result.month) == expected


def test_month_range_in_the_title_takes_the_year_from_the_file_name(engine, regions):
    content = ledger_with_title("东城区1-4月招商引资项目进展情况表")
    result = import_workbook(engine, content, "东城区_2023年5月_报表.xlsx")
    assert (result.year, result.month) == (2023, 4)  # the title's month, the file name's year
    assert funds(engine) == {("P1", 2023, 4): Decimal("0.2000")}


def test_month_range_in_the_title_takes_the_chosen_year(engine, regions):
    result = import_workbook(engine, ledger_with_title("东城区1-5月招商引资项目进展情况表"), "台账.xlsx", year=2023)
    assert (result.year, result.month) == (2023, 5)


def test_month_range_in_the_title_with_only_a_year_in_the_file_name(engine, regions):
    result = import_workbook(engine, ledger_with_title("东城区1-5月招商引资项目进展情况表"), "东城区2023年报表.xlsx")
    assert (result.year, result.month) == (2023, 5)


# ---------------------------------------------------------------- the shared example files

def test_example_city_ledger_then_county_report_changes_no_figure(engine):
    with engine.begin() as conn:
        ids = {name: region(conn, name) for name in ["东城区", "西城区", "南山县", "北湖县", "高新区"]}
    city = import_workbook(engine, CITY_FILE.read_bytes(), CITY_FILE.name, 2023, 5)
    assert (city.counts["new_projects"], city.counts["funds_rows"], city.counts["targets"]) == (217, 400, 4)
    assert headline(engine) == (157, Decimal("134.0000"), 117, Decimal("103.4500"), Decimal("73.0000"), 154)
    before = (projects(engine), funds(engine), figures(engine), figures(engine, scope=Scope(region_id=ids["东城区"])))
    assert figures(engine, scope=Scope(region_id=ids["东城区"]))["signed_count"] == 32

    county = import_workbook(engine, COUNTY_FILE.read_bytes(), COUNTY_FILE.name, region="东城区")
    assert (county.year, county.month) == (2023, 5)  # from the title 东城区2023年1-5月…
    assert (county.counts["new_projects"], county.counts["updated_projects"], county.counts["stage_changes"],
            county.counts["funds_rows"]) == (0, 0, 0, 0)
    assert county.extra_columns == []
    after = (projects(engine), funds(engine), figures(engine), figures(engine, scope=Scope(region_id=ids["东城区"])))
    assert after == before
    dongcheng = {c: p for c, p in after[0].items() if p[1] == "东城区"}
    assert len(dongcheng) == 44
    assert sum(p[7] for p in dongcheng.values()) == Decimal("44.74")  # 447,400 万元
    assert sum(a for (c, y, m), a in after[1].items() if c in dongcheng and (y, m) == (2023, 5)) == Decimal("3.71")


# ---------------------------------------------------------------- the optional sheets

FUNDS_HEAD = ["项目编号", "县区", "项目名称", "年份", "月份", "到位资金(亿元)"]


def test_funds_detail_backfills_history_by_code_or_by_region_and_name(engine, regions):
    import_workbook(engine, workbook({"项目台账": [
        LEDGER_HEAD, ledger_row("H1", "东城区", 5, D(2022, 11, 5)),
        ledger_row(None, "西城区", 3, D(2023, 1, 9), name="木业园")]}), "一月.xlsx", 2023, 1)
    content = workbook({
        "项目台账": [LEDGER_HEAD, ledger_row("H2", "东城区", 2, D(2023, 2, 1), funds=0.3)],
        "到位资金明细": [FUNDS_HEAD,
                   ["H1", None, None, 2022, 12, 1.2],
                   ["H1", "东城区", "H1项目", "2023", "1", "0.5"],
                   [None, "西城区", "木业园", 2023, 2, "4,000"],
                   ["H2", None, None, 2023, 1, 0.1],
                   ["H2", None, None, 2023, 2, 0.15]]})
    result = import_workbook(engine, content, "二月.xlsx", 2023, 2)
    assert result.counts["funds_rows"] == 5
    assert funds(engine) == {("H1", 2022, 12): Decimal("1.2000"), ("H1", 2023, 1): Decimal("0.5000"),
                             ("西城区-木业园", 2023, 2): Decimal("4000.0000"), ("H2", 2023, 1): Decimal("0.1000"),
                             ("H2", 2023, 2): Decimal("0.3000")}  # the ledger column wins for the reporting month
    assert figures(engine, Period(2023, 2))["funds_in_place"] == Decimal("4000.9000")  # 0.5 + 4000 + 0.1 + 0.3


def test_annual_targets_for_the_city_and_a_county(engine, regions):
    content = workbook({"年度目标": [["年度", "县区", "指标", "目标值"],
                                  [2023, "全市", "签约项目数", 300],
                                  [2023, "全市", "合同投资额", "320.5"],
                                  [2023, "全市", "制造业占比", 50],
                                  [2023, "东城", "到位资金", 36],
                                  [2023, "东城区", "驻点签约额", 12.25]]})
    result = import_workbook(engine, content, "2023年目标.xlsx", 2023, 1)
    assert result.counts["targets"] == 5
    with engine.connect() as conn:
        rows = conn.execute(select(AnnualTarget.year, Region.name, AnnualTarget.indicator, AnnualTarget.value)
                            .join(Region, Region.id == AnnualTarget.region_id).order_by(AnnualTarget.id)).all()
    assert [tuple(r) for r in rows] == [(2023, "全市", "签约项目数", Decimal("300.0000")),
                                        (2023, "全市", "合同投资额", Decimal("320.5000")),
                                        (2023, "全市", "制造业占比", Decimal("50.0000")),
                                        (2023, "东城区", "到位资金", Decimal("36.0000")),
                                        (2023, "东城区", "驻点签约额", Decimal("12.2500"))]
    f = figures(engine, Period(2023, 1))
    assert (f["signed_count_target"], f["signed_amount_target"], f["manufacturing_share_target_pct"]) == \
        (Decimal("300.0000"), Decimal("320.5000"), Decimal("50.0000"))


def test_resident_team_activity(engine, regions):
    content = workbook({"驻点招商": [
        ["驻点招商工作情况统计表(2023年1-5月)"],
        ["工作队", "县区", "年份", "月份", "对接企业数", "考察回访企业数", "意向项目数", "意向投资额(万元)"],
        ["长三角小分队", "东城区", 2023, 4, 20, 6, 2, 35000],
        ["长三角小分队", "东城区", 2023, 5, "15", "5", "1", "12,000"],
        ["珠三角小分队", None, 2023, 5, 8, 8, 0, 0],
        ["合计", None, None, None, 43, 19, 3, 47000]]})
    result = import_workbook(engine, content, "驻点.xlsx")
    assert (result.year, result.month, result.counts["resident_rows"]) == (2023, 5, 3)
    with engine.connect() as conn:
        rows = conn.execute(select(ResidentActivity.team, ResidentActivity.region_id, ResidentActivity.year,
                                   ResidentActivity.month, ResidentActivity.contacted, ResidentActivity.visited,
                                   ResidentActivity.intended_count, ResidentActivity.intended_amount)
                            .order_by(ResidentActivity.id)).all()
    assert [tuple(r) for r in rows] == [("长三角小分队", regions["东城区"], 2023, 4, 20, 6, 2, Decimal("3.5000")),
                                        ("长三角小分队", regions["东城区"], 2023, 5, 15, 5, 1, Decimal("1.2000")),
                                        ("珠三角小分队", None, 2023, 5, 8, 8, 0, Decimal("0.0000"))]
    resident = figures(engine)["resident"]
    assert (resident["contacted"], resident["visited"], resident["intended_projects"], resident["intended_amount"]) \
        == (43, 19, 3, Decimal("4.7000"))
    assert resident["visit_rate_pct"].quantize(Decimal("0.01")) == Decimal("44.19")  # 19 / 43


def test_enterprise_problems(engine, regions):
    import_workbook(engine, workbook({"项目台账": [LEDGER_HEAD, ledger_row("Q1", "东城区", 2, D(2023, 3, 5))]}),
                    "台账.xlsx", 2023, 4)
    content = workbook({"企业诉求": [
        ["企业名称", "项目编号", "县区", "问题描述", "提出日期", "责任单位", "办理状态", "办结日期"],
        ["Q1企业", "Q1", "东城区", "用电增容", "2023-04-02", "供电公司", "已办结", "2023年4月20日"],
        ["乙公司", None, "西城区", "招工难", D(2023, 5, 6), None, "办理中", None],
        ["丙公司", None, None, "融资需求", 45056, "金融办", "待办", None]]})
    result = import_workbook(engine, content, "诉求.xlsx", 2023, 5)
    assert result.counts["problem_rows"] == 3
    with engine.connect() as conn:
        rows = conn.execute(select(EnterpriseProblem.enterprise, Project.code, EnterpriseProblem.region_id,
                                   EnterpriseProblem.description, EnterpriseProblem.raised_on, EnterpriseProblem.unit,
                                   EnterpriseProblem.status, EnterpriseProblem.closed_on)
                            .outerjoin(Project, Project.id == EnterpriseProblem.project_id)
                            .order_by(EnterpriseProblem.id)).all()
    assert [tuple(r) for r in rows] == [
        ("Q1企业", "Q1", regions["东城区"], "用电增容", D(2023, 4, 2), "供电公司", "已办结", D(2023, 4, 20)),
        ("乙公司", None, regions["西城区"], "招工难", D(2023, 5, 6), None, "办理中", None),
        ("丙公司", None, None, "融资需求", D(2023, 5, 10), "金融办", "待办", None)]


def test_targets_only_workbook_with_sheet_and_header_aliases(engine, regions):
    content = workbook({"目标任务": [["2023年度招商引资目标任务"], ["年份", "县区", "指标名称", "目标"],
                                  [2023, "全市", "签约项目数", 300]]})
    result = import_workbook(engine, content, "目标.xlsx", 2023, 1)
    assert result.counts["targets"] == 1
    assert figures(engine, Period(2023, 1))["signed_count_target"] == Decimal("300.0000")


def test_numeric_codes_are_kept_as_written(engine, regions):
    """A 项目编号 typed as a number is the same project as the same code typed as text."""
    content = workbook({"项目台账": [LEDGER_HEAD, ledger_row(20230001, "东城区", 2, D(2023, 3, 5)),
                                  ledger_row("20230002", "东城区", 1, D(2023, 3, 6))],
                        "到位资金明细": [FUNDS_HEAD, ["20230001", None, None, 2023, 4, 0.5],
                                   [20230002, None, None, 2023, 4, 0.25]]})
    import_workbook(engine, content, "台账.xlsx", 2023, 5)
    assert funds(engine) == {("20230001", 2023, 4): Decimal("0.5000"), ("20230002", 2023, 4): Decimal("0.2500")}
    again = workbook({"项目台账": [LEDGER_HEAD, ledger_row("20230001", "东城区", 2, D(2023, 3, 5)),
                                ledger_row(20230002, "东城区", 1, D(2023, 3, 6))]})
    result = import_workbook(engine, again, "台账2.xlsx", 2023, 6)
    assert (result.counts["new_projects"], result.counts["updated_projects"]) == (0, 0)
    assert list(projects(engine)) == ["20230001", "20230002"]
