"""The orders in which a city bureau really uploads a month, on both engines, with the figures before
and after each step worked out by hand (SPEC §3 import batch, §5 Semantics).

The test city: five counties of 2022, reporting 1-10月 (序时进度 83.33%).

    county  code  name                        signed      合同投资额  制造业  本月到位资金
    港北区  GB1   年产10万立方米板材(一期)项目  2022-03-05  2.50       是      0.40
    港北区  GB2   港北物流园项目                2022-09-10  1.25       否
    港南区  GN1   LED照明生产线项目             2022-05-01  3.00       是      0.60
    覃塘区  QT1   覃塘电动车整车项目            2022-10-08  4.00       是
    平南县  PN1   平南纺织产业园【二期】        2022-02-14  1.50       是      0.20
    桂平市  GP1   桂平智能家电基地              2022-07-20  6.00       是      1.00
    桂平市  GP2   桂平木业深加工项目            2022-08-01  0.75       是

City: 7 projects, 2.50 + 1.25 + 3.00 + 4.00 + 1.50 + 6.00 + 0.75 = 19.00亿, 制造业 19.00 − 1.25 = 17.75亿,
到位资金 0.40 + 0.60 + 0.20 + 1.00 = 2.20亿.
"""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from data_access.batches import ImportRejected, list_batches, rollback_batch
from data_access.importer import import_workbook
from data_access.models import AnnualTarget, ImportBatch, Project, ResidentActivity
from metrics.figures import overview
from metrics.period import Period, Scope
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook

D = dt.date
DEC = Decimal
OCT = Period(2022, 10)
COUNTIES = ("港北区", "港南区", "覃塘区", "平南县", "桂平市")
ROWS = {
    "港北区": [ledger_row("GB1", "港北区", 2.5, D(2022, 3, 5), name="年产10万立方米板材(一期)项目", funds=0.4),
            ledger_row("GB2", "港北区", 1.25, D(2022, 9, 10), name="港北物流园项目", manufacturing="否")],
    "港南区": [ledger_row("GN1", "港南区", 3, D(2022, 5, 1), name="LED照明生产线项目", funds=0.6)],
    "覃塘区": [ledger_row("QT1", "覃塘区", 4, D(2022, 10, 8), name="覃塘电动车整车项目")],
    "平南县": [ledger_row("PN1", "平南县", 1.5, D(2022, 2, 14), name="平南纺织产业园【二期】", funds=0.2)],
    "桂平市": [ledger_row("GP1", "桂平市", 6, D(2022, 7, 20), name="桂平智能家电基地", funds=1),
            ledger_row("GP2", "桂平市", 0.75, D(2022, 8, 1), name="桂平木业深加工项目")],
}
CITY = (7, DEC("19.0000"), DEC("17.7500"), DEC("2.2000"))
# per county: (signed_count, signed_amount, manufacturing_amount, funds_in_place)
BY_COUNTY = {"港北区": (2, DEC("3.7500"), DEC("2.5000"), DEC("0.4000")),
             "港南区": (1, DEC("3.0000"), DEC("3.0000"), DEC("0.6000")),
             "覃塘区": (1, DEC("4.0000"), DEC("4.0000"), DEC("0.0000")),
             "平南县": (1, DEC("1.5000"), DEC("1.5000"), DEC("0.2000")),
             "桂平市": (2, DEC("6.7500"), DEC("6.7500"), DEC("1.0000"))}
TARGETS_HEAD = ["年度", "县区", "指标", "目标值"]
RESIDENT_HEAD = ["工作队", "县区", "年份", "月份", "对接企业数", "考察回访企业数", "意向项目数", "意向投资额(亿元)"]


@pytest.fixture
def gg(engine):
    """The five counties (港北 is an alias of 港北区, as clerks write it)."""
    with engine.begin() as conn:
        ids = {name: region(conn, name, *(["港北"] if name == "港北区" else [])) for name in COUNTIES}
    engine.ids = ids
    return engine


def figures(engine, county: str | None = None, period: Period = OCT) -> tuple:
    with engine.connect() as conn:
        scope = Scope(region_id=engine.ids[county]) if county else Scope()
        f = overview(conn, period, scope)
    return f["signed_count"], f["signed_amount"], f["manufacturing_amount"], f["funds_in_place"]


def projects(engine) -> dict[str, tuple]:
    with engine.connect() as conn:
        return {code: (pid, amount) for pid, code, amount in
                conn.execute(select(Project.id, Project.code, Project.contract_amount))}


def statuses(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [(b["id"], b["region"], b["status"], {k: s for k, (s, _) in b["kinds"].items()})
                for b in reversed(list_batches(conn))]


def county_file(county: str, rows=None) -> bytes:
    return workbook({"项目台账": [["2022年1-10月招商引资项目台账"], [f"填报单位:{county}招商局"], LEDGER_HEAD,
                              *(rows or ROWS[county])]})


CITY_FILE = workbook({"项目台账": [LEDGER_HEAD, *(r for c in COUNTIES for r in ROWS[c])]})


@pytest.fixture
def run_cli(gg, cli_on):
    return cli_on(gg)


# ---------------------------------------------------------------------------------------------
# 1. five county files, no region given: each is its county's batch, all five kept

def test_five_county_files_without_a_region_all_count(gg, run_cli, tmp_path):
    running = (0, DEC("0.0000"), DEC("0.0000"), DEC("0.0000"))
    for n, county in enumerate(COUNTIES, start=1):
        path = tmp_path / f"{county}.xlsx"
        path.write_bytes(county_file(county))
        code, out, err = run_cli("import", path, "--period", "2022-10")
        assert (code, err) == (0, "")
        assert out.startswith(f"导入成功,批次 #{n}(2022年10月,{county}):")
        c = BY_COUNTY[county]
        running = (running[0] + c[0], running[1] + c[1], running[2] + c[2], running[3] + c[3])
        assert figures(gg) == running
    assert figures(gg) == CITY
    assert [(r, s) for _, r, s, _ in statuses(gg)] == [(c, "active") for c in COUNTIES]
    for county in COUNTIES:
        assert figures(gg, county) == BY_COUNTY[county]


def test_a_file_of_several_counties_is_a_city_batch(gg):
    result = import_workbook(gg, CITY_FILE, "全市台账.xlsx", 2022, 10)
    assert result.region is None and result.summary().startswith("导入成功,批次 #1(2022年10月,全市):新增项目7个")
    assert figures(gg) == CITY


# ---------------------------------------------------------------------------------------------
# 2. the targets workbook after the ledger, same month: the ledger stays

TARGETS_FILE = workbook({
    # 全市 合同投资额 16亿: 19.00 ÷ 16 = 118.75%; 港北区 5亿: 3.75 ÷ 5 = 75.00%
    "年度目标": [TARGETS_HEAD, [2022, "全市", "合同投资额", 16], [2022, "港北区", "合同投资额", 5]],
    "驻点招商": [RESIDENT_HEAD, ["长三角小分队", "港北区", 2022, 10, 12, 5, 2, 3.5]],
})


def test_targets_after_the_ledger_leave_the_ledger(gg):
    ledger = import_workbook(gg, CITY_FILE, "全市台账.xlsx", 2022, 10)
    assert figures(gg) == CITY
    targets = import_workbook(gg, TARGETS_FILE, "年度目标.xlsx", 2022, 10)
    assert targets.region is None and targets.kinds == ["targets", "resident"]
    assert targets.superseded == []
    assert figures(gg) == CITY
    with gg.connect() as conn:
        f = overview(conn, OCT, Scope())
        east = overview(conn, OCT, Scope(region_id=gg.ids["港北区"]))
        assert conn.scalar(select(func.count()).select_from(AnnualTarget)) == 2
        assert conn.scalar(select(func.count()).select_from(ResidentActivity)) == 1
    assert (f["signed_amount_target"], f["signed_amount_completion_pct"]) == (DEC("16.0000"), DEC("118.75"))
    assert (east["signed_amount_target"], east["signed_amount_completion_pct"]) == (DEC("5.0000"), DEC("75.00"))
    assert (f["resident"]["contacted"], f["resident"]["visited"]) == (12, 5)
    assert statuses(gg) == [(ledger.batch_id, None, "active", {"ledger": "active"}),
                            (targets.batch_id, None, "active", {"targets": "active", "resident": "active"})]
    # a corrected targets file replaces the targets only: 全市 20亿 → 95.00%
    again = workbook({"年度目标": [TARGETS_HEAD, [2022, "全市", "合同投资额", 20], [2022, "港北区", "合同投资额", 5]]})
    fixed = import_workbook(gg, again, "年度目标(修正).xlsx", 2022, 10)
    assert [s.batch_id for s in fixed.superseded] == [targets.batch_id]
    assert fixed.superseded[0].gone == {"targets": [{"年度": 2022, "县区": "全市", "指标": "合同投资额",
                                                     "原目标值": "16.00", "现目标值": "20.00"}]}
    with gg.connect() as conn:
        f = overview(conn, OCT, Scope())
    assert (f["signed_amount_completion_pct"], f["resident"]["contacted"]) == (DEC("95.00"), 12)
    assert figures(gg) == CITY
    assert statuses(gg)[1] == (targets.batch_id, None, "active", {"targets": "superseded", "resident": "active"})


# ---------------------------------------------------------------------------------------------
# 3. the city's consolidated ledger, then each county's own messy file with blank codes

def messy(row: list, name: str, region: str | None = None, **cells) -> list:
    """A county clerk's copy of a ledger row: no 项目编号, the name as she typed it."""
    out = [None, name, region or row[2], *row[3:]]
    for index, value in cells.items():
        out[int(index[1:])] = value
    return out


MESSY = {  # no 项目编号; full-width brackets, spaces, other case, an alias of the region, text dates
    "港北区": [messy(ROWS["港北区"][0], "年产10万立方米板材（一期） 项目", "港北", c10="2022年3月5日", c14="0.4"),
            messy(ROWS["港北区"][1], " 港北物流园项目 ")],
    "港南区": [messy(ROWS["港南区"][0], "led照明生产线项目", c11="3")],
    "覃塘区": [messy(ROWS["覃塘区"][0], "覃塘电动车整车项目", c10="2022/10/08")],
    "平南县": [messy(ROWS["平南县"][0], "平南纺织产业园(二期)")],
    "桂平市": [messy(ROWS["桂平市"][0], "桂平智能家电基地"), messy(ROWS["桂平市"][1], "桂平木业深加工 项目")],
}


def test_county_files_after_the_city_ledger_update_the_same_projects(gg):
    import_workbook(gg, CITY_FILE, "全市台账.xlsx", 2022, 10)
    ids = projects(gg)
    assert figures(gg) == CITY
    for county in COUNTIES:
        result = import_workbook(gg, county_file(county, MESSY[county]), f"{county}.xlsx", 2022, 10)
        assert result.region == county
        assert (result.counts["new_projects"], result.counts["updated_projects"], result.superseded) == (0, 0, [])
        assert figures(gg) == CITY
        assert projects(gg) == ids
    assert [(r, s) for _, r, s, _ in statuses(gg)] == [(None, "active"), *((c, "active") for c in COUNTIES)]
    # a county's own correction then updates its project in place: GN1 3.00 → 3.20
    fixed = [messy(ROWS["港南区"][0], "LED照明生产线项目", c11=3.2)]
    result = import_workbook(gg, county_file("港南区", fixed), "港南区(修正).xlsx", 2022, 10)
    assert result.changes == [{"项目编号": "GN1", "项目名称": "LED照明生产线项目", "字段": "合同投资额(亿元)",
                               "原值": "3.00", "新值": "3.20"}]
    assert figures(gg) == (7, DEC("19.2000"), DEC("17.9500"), DEC("2.2000"))
    assert projects(gg)["GN1"] == (ids["GN1"][0], DEC("3.2000"))
    # rolling it back brings the county's first file back, then the city's own figures
    rollback_batch(gg, result.batch_id)
    assert figures(gg) == CITY
    assert statuses(gg)[2] == (3, "港南区", "active", {"ledger": "active"})
    # the city's ledger cannot be rolled back while the counties' files carry its projects
    with pytest.raises(ImportRejected) as err:
        rollback_batch(gg, 1)
    assert err.value.problems[0].message == "批次 #1 之后的批次 #6 修改或包含了相同的数据,请先回滚批次 #6"
    assert projects(gg) == {code: (pid, DEC(str(a)) if code != "GN1" else DEC("3.0000"))
                            for code, (pid, a) in ids.items()}


def test_a_name_two_projects_share_is_a_problem_naming_both(gg):
    twins = workbook({"项目台账": [LEDGER_HEAD, ledger_row("T1", "港北区", 1, D(2022, 3, 1), name="物流园项目"),
                                ledger_row("T2", "港北区", 2, D(2022, 4, 1), name="物流园 项目")]})
    import_workbook(gg, twins, "港北区.xlsx", 2022, 10)
    again = workbook({"项目台账": [LEDGER_HEAD, ledger_row(None, "港北区", 1, D(2022, 3, 1), name="物流园项目")]})
    with pytest.raises(ImportRejected) as err:
        import_workbook(gg, again, "港北区(11月).xlsx", 2022, 11)
    assert [str(p) for p in err.value.problems] == [
        "项目台账 第2行【项目名称】“物流园项目” 县区“港北区”已有多个项目名称与“物流园项目”相同(项目编号 T1、T2),"
        "请填写项目编号以指明是哪一个"]


# ---------------------------------------------------------------------------------------------
# 4. a corrected county file, then rolling the correction back

# 港北区 corrected: GB1 2.50 → 2.80 and its funds 0.40 → 0.50; GB2 dropped
CORRECTED = [ledger_row("GB1", "港北区", 2.8, D(2022, 3, 5), name="年产10万立方米板材(一期)项目", funds=0.5)]


def test_a_correction_replaces_its_county_only_and_its_rollback_brings_the_first_back(gg):
    for county in COUNTIES:
        import_workbook(gg, county_file(county), f"{county}.xlsx", 2022, 10, user=f"{county}小王")
    before_ids = projects(gg)
    assert figures(gg) == CITY

    preview = import_workbook(gg, county_file("港北区", CORRECTED), "港北区(修正).xlsx", 2022, 10, dry_run=True)
    assert [(s.batch_id, s.file_name, s.uploaded_by, s.kinds) for s in preview.superseded] == [
        (1, "港北区.xlsx", "港北区小王", ["ledger"])]
    assert preview.superseded[0].gone == {"projects": [{"项目编号": "GB2", "项目名称": "港北物流园项目",
                                                        "合同投资额(亿元)": "1.25"}]}
    assert preview.removes_anything
    assert preview.changes == [{"项目编号": "GB1", "项目名称": "年产10万立方米板材(一期)项目",
                                "字段": "合同投资额(亿元)", "原值": "2.50", "新值": "2.80"}]
    assert preview.funds_changes == [{"项目编号": "GB1", "年份": 2022, "月份": 10, "原值(亿元)": "0.40",
                                      "新值(亿元)": "0.50"}]
    assert (preview.counts["new_projects"], preview.counts["updated_projects"], preview.counts["funds_rows"]) == \
        (0, 1, 1)
    assert figures(gg) == CITY  # a preview writes nothing

    fixed = import_workbook(gg, county_file("港北区", CORRECTED), "港北区(修正).xlsx", 2022, 10)
    when = f"{fixed.superseded[0].created_at:%Y-%m-%d %H:%M}"
    assert fixed.summary().endswith(f"替代批次 #1(港北区.xlsx,港北区小王 {when} 上传,项目台账),将移除其中的项目1个")
    # city: 6 projects, 19.00 − 2.50 − 1.25 + 2.80 = 18.05; 制造业 17.75 − 2.50 + 2.80 = 18.05;
    # funds 2.20 − 0.40 + 0.50 = 2.30
    assert figures(gg) == (6, DEC("18.0500"), DEC("18.0500"), DEC("2.3000"))
    assert figures(gg, "港北区") == (1, DEC("2.8000"), DEC("2.8000"), DEC("0.5000"))
    for county in COUNTIES[1:]:
        assert figures(gg, county) == BY_COUNTY[county]
    assert "GB2" not in projects(gg)
    assert projects(gg)["GB1"] == (before_ids["GB1"][0], DEC("2.8000"))  # the same project, corrected
    assert statuses(gg)[0] == (1, "港北区", "superseded", {"ledger": "superseded"})
    with pytest.raises(ImportRejected) as err:  # a superseded upload is not current: nothing to roll back
        rollback_batch(gg, 1)
    assert err.value.problems[0].message == "批次 #1 当前状态为“已被替代”,无法回滚"

    rollback_batch(gg, fixed.batch_id)
    assert figures(gg) == CITY
    assert figures(gg, "港北区") == BY_COUNTY["港北区"]
    assert projects(gg) == before_ids  # GB2 back, with its id
    assert statuses(gg)[0] == (1, "港北区", "active", {"ledger": "active"})
    assert statuses(gg)[-1] == (fixed.batch_id, "港北区", "rolled_back", {"ledger": "rolled_back"})
    # and the first upload can be rolled back in turn: the county is empty, the others untouched
    rollback_batch(gg, 1)
    assert figures(gg) == (5, DEC("15.2500"), DEC("15.2500"), DEC("1.8000"))  # 19.00 − 3.75; 2.20 − 0.40
    assert figures(gg, "港北区") == (0, DEC("0.0000"), DEC("0.0000"), DEC("0.0000"))


def test_a_project_removed_by_a_correction_comes_back_with_its_id_after_other_uploads(gg):
    first = import_workbook(gg, county_file("港北区"), "港北区.xlsx", 2022, 10)
    ids = projects(gg)
    fixed = import_workbook(gg, county_file("港北区", CORRECTED), "港北区(修正).xlsx", 2022, 10)
    import_workbook(gg, county_file("港南区"), "港南区.xlsx", 2022, 10)  # a new project meanwhile
    assert projects(gg)["GN1"][0] not in {pid for pid, _ in ids.values()}  # GB2's id is not given again
    rollback_batch(gg, fixed.batch_id)
    assert {code: projects(gg)[code] for code in ids} == ids
    assert figures(gg) == (3, DEC("6.7500"), DEC("5.5000"), DEC("1.0000"))  # 港北区 3.75 + 港南区 3.00
    assert statuses(gg)[0][2] == "active" and statuses(gg)[0][0] == first.batch_id


def test_the_same_file_twice_changes_nothing(gg):
    content = county_file("港北区")
    first = import_workbook(gg, content, "港北区.xlsx", 2022, 10)
    again = import_workbook(gg, content, "港北区(副本).xlsx", 2022, 10)
    assert again.unchanged and again.batch_id == first.batch_id
    assert figures(gg) == BY_COUNTY["港北区"]
    with gg.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ImportBatch)) == 1


def test_rolling_back_an_earlier_month_waits_for_a_later_one_carrying_its_projects(gg):
    october = import_workbook(gg, county_file("港北区"), "港北区10月.xlsx", 2022, 10)
    # November: the same projects, unchanged, and GB1's November funds 0.30
    november_rows = [ledger_row("GB1", "港北区", 2.5, D(2022, 3, 5), name="年产10万立方米板材(一期)项目", funds=0.3),
                     ROWS["港北区"][1]]
    november = import_workbook(gg, county_file("港北区", november_rows), "港北区11月.xlsx", 2022, 11)
    assert figures(gg, "港北区", Period(2022, 11)) == (2, DEC("3.7500"), DEC("2.5000"), DEC("0.7000"))
    with pytest.raises(ImportRejected) as err:  # undoing October would delete November's projects
        rollback_batch(gg, october.batch_id)
    assert err.value.problems[0].message == (f"批次 #{october.batch_id} 之后的批次 #{november.batch_id} "
                                             f"修改或包含了相同的数据,请先回滚批次 #{november.batch_id}")
    assert figures(gg, "港北区", Period(2022, 11)) == (2, DEC("3.7500"), DEC("2.5000"), DEC("0.7000"))
    rollback_batch(gg, november.batch_id)
    assert figures(gg, "港北区", Period(2022, 11)) == (2, DEC("3.7500"), DEC("2.5000"), DEC("0.4000"))


# ---------------------------------------------------------------------------------------------
# 5. 驻点招商: a month's visits above its contacts is normal; year to date it is a 提示

def test_resident_visits_above_contacts(gg):
    # 长三角: Sep 10 contacted / 2 visited, Oct 3 / 6: October alone shows more visits, but 1-10月 is 13 / 8
    # 珠三角: Sep 4 / 3, Oct 2 / 5: 1-10月 6 contacted, 8 visited → one 提示
    normal = workbook({"驻点招商": [RESIDENT_HEAD, ["长三角小分队", "港北区", 2022, 9, 10, 2, 1, 1.5],
                                ["长三角小分队", "港北区", 2022, 10, 3, 6, 0, 0]]})
    result = import_workbook(gg, normal, "驻点招商.xlsx", 2022, 10)
    assert result.notes == [] and "提示" not in result.summary()
    more = workbook({"驻点招商": [RESIDENT_HEAD, ["珠三角小分队", "港南区", 2022, 9, 4, 3, 1, 2],
                              ["珠三角小分队", "港南区", 2022, 10, 2, 5, 1, 1]]})
    result = import_workbook(gg, more, "驻点招商(珠三角).xlsx", 2022, 10)
    note = "驻点招商 第3行:工作队“珠三角小分队”2022年1-10月累计考察回访企业8家,多于累计对接企业6家,请核实"
    assert result.notes == [note]
    assert result.summary().endswith("\n提示:" + note)
    with gg.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ResidentActivity)) == 4
        assert [b["notes"] for b in list_batches(conn)] == [[note], []]
        f = overview(conn, OCT, Scope())
    assert (f["resident"]["contacted"], f["resident"]["visited"]) == (19, 16)  # 10+3+4+2, 2+6+3+5


def test_the_command_line_says_what_a_correction_supersedes_and_undoes_it(gg, run_cli, tmp_path):
    first, fixed = tmp_path / "港北区.xlsx", tmp_path / "港北区(修正).xlsx"
    first.write_bytes(county_file("港北区"))
    fixed.write_bytes(county_file("港北区", CORRECTED))
    assert run_cli("import", first, "--period", "2022-10")[0] == 0
    code, out, err = run_cli("import", fixed, "--period", "2022-10", "--dry-run")
    assert (code, err) == (0, "")
    head, *gone = out.splitlines()
    assert head.startswith("预检通过(未写入)(2022年10月,港北区):新增项目0个,更新项目1个,阶段变化0个,到位资金1条,")
    assert ";替代批次 #1(港北区.xlsx,cli " in head and head.endswith("上传,项目台账),将移除其中的项目1个")
    assert gone == ["  批次 #1 将移除的项目:项目编号 GB2,项目名称 港北物流园项目,合同投资额(亿元) 1.25"]
    assert figures(gg) == BY_COUNTY["港北区"]  # a dry run writes nothing

    code, out, _ = run_cli("import", fixed, "--period", "2022-10")
    batch = int(out.split("#")[1].split("(")[0])  # PostgreSQL's sequence skipped the dry run's id
    assert figures(gg) == (1, DEC("2.8000"), DEC("2.8000"), DEC("0.5000"))
    code, out, _ = run_cli("batches")
    assert [line.split("\t")[3:7] for line in out.splitlines()] == [
        ["港北区", "2022年10月", "项目台账", "1行"], ["港北区", "2022年10月", f"项目台账(已被 #{batch} 替代)", "2行"]]
    assert run_cli("rollback", batch)[:2] == (0, f"批次 #{batch} 已回滚;批次 #1 重新生效\n")
    assert figures(gg) == BY_COUNTY["港北区"]
