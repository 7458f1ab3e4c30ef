"""The importer's clean path: writes, problems reported all at once, re-upload, supersede, rollback."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from data_access.batches import list_batches, rollback_batch
from data_access.importer import ImportRejected, import_workbook
from data_access.models import Funds, ImportBatch, ImportFile, Project, StageChange
from metrics.figures import overview
from metrics.period import Period, Scope
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook

D = dt.date


@pytest.fixture
def regions(engine):
    with engine.begin() as conn:
        return {"东城区": region(conn, "东城区", "东城"), "西城区": region(conn, "西城区")}


def figures(engine, period=Period(2023, 5), scope=Scope()):
    with engine.connect() as conn:
        return overview(conn, period, scope)


def count(engine, table):
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_clean_ledger_writes_projects_funds_and_archives_the_file(engine, regions):
    content = workbook({"项目台账": [LEDGER_HEAD,
                                  ledger_row("A1", "东城区", 2.5, D(2023, 3, 5), funds=0.4),
                                  ledger_row("A2", "西城区", 1.25, D(2023, 5, 31), stage="开工", start=D(2023, 5, 31)),
                                  ledger_row("A3", "东城", 3, "2023年4月1日", manufacturing="否")]})
    result = import_workbook(engine, content, "台账.xlsx", 2023, 5, user="张三")
    assert result.summary() == ("导入成功,批次 #1(2023年5月,全市):新增项目3个,更新项目0个,阶段变化0个,到位资金1条,"
                                "年度目标0条,驻点招商0条,企业诉求0条")
    f = figures(engine)
    assert f["signed_count"] == 3
    assert f["signed_amount"] == Decimal("6.7500")  # 2.5 + 1.25 + 3
    assert f["manufacturing_amount"] == Decimal("3.7500")  # A1 + A2
    assert f["funds_in_place"] == Decimal("0.4000")
    assert f["started_count"] == 1
    with engine.connect() as conn:
        batch = conn.execute(select(ImportBatch)).mappings().one()
        assert (batch["uploaded_by"], batch["year"], batch["month"], batch["row_count"]) == ("张三", 2023, 5, 3)
        assert conn.scalar(select(ImportFile.content)) == content
        assert conn.scalar(select(func.count()).select_from(StageChange)) == 3


def test_every_problem_is_reported_at_once_and_nothing_is_written(engine, regions):
    content = workbook({"项目台账": [LEDGER_HEAD,
                                  ledger_row("B1", "东城区", "约5亿", D(2023, 3, 5)),
                                  ledger_row("B2", "东城新区", 1, D(2023, 3, 5)),
                                  ledger_row("B3", "西城区", 1, None),
                                  ledger_row("B4", "西城区", 1, D(2023, 3, 5), stage="开工", start=D(2023, 3, 1)),
                                  ledger_row("B5", "西城区", 1, "2023-02-30", chain="木材")]})
    with pytest.raises(ImportRejected) as err:
        import_workbook(engine, content, "台账.xlsx", 2023, 5)
    shown = [str(p) for p in err.value.problems]
    assert shown == [
        "项目台账 第2行【合同投资额(亿元)】“约5亿” 不是数字,请只填写数字(单位见表头),如 5.2",
        "项目台账 第3行【县区】“东城新区” 县区“东城新区”不存在,您是不是要填“东城区”?",
        "项目台账 第4行【签约日期】 项目阶段为“签约”时必须填写【签约日期】",
        "项目台账 第5行【开工日期】“2023-03-01” 开工日期早于签约日期(2023-03-05)",
        "项目台账 第6行【签约日期】“2023-02-30” 不是有效日期,应如 2023-03-05",
        "项目台账 第6行【产业链】“木材” 产业链“木材”不存在,您是不是要填“木材加工”?",
    ]
    assert count(engine, Project) == 0
    assert count(engine, ImportBatch) == 0


def test_missing_required_column_is_named(engine, regions):
    head = [h for h in LEDGER_HEAD if h != "县区"]
    with pytest.raises(ImportRejected) as err:
        import_workbook(engine, workbook({"项目台账": [head, ["C1"]]}), "x.xlsx", 2023, 5)
    assert [str(p) for p in err.value.problems] == ["项目台账 第1行【县区】 缺少必填列【县区】"]


def test_wan_yuan_headers_text_dates_and_summary_rows(engine, regions):
    head = [h.replace("(亿元)", "(万元)") for h in LEDGER_HEAD]
    content = workbook({"项目台账": [["东城区2023年1-5月项目表"], head,
                                  ledger_row("W1", "东城区", "12,500", "2023.3.8", funds="1500"),
                                  ledger_row("W2", "东城区", 5000, "2023/04/02"),
                                  ["合计", None, None, None, None, None, None, None, None, None, None, 17500],
                                  ["填报人:李四  联系电话:123"]]})
    import_workbook(engine, content, "东城区.xlsx", 2023, 5, region="东城区")
    f = figures(engine)
    assert f["signed_amount"] == Decimal("1.7500")  # 12,500万 + 5,000万 = 1.75亿
    assert f["funds_in_place"] == Decimal("0.1500")


def test_county_upload_refuses_rows_of_another_region(engine, regions):
    content = workbook({"项目台账": [LEDGER_HEAD, ledger_row("R1", "西城区", 1, D(2023, 3, 5))]})
    with pytest.raises(ImportRejected) as err:
        import_workbook(engine, content, "x.xlsx", 2023, 5, region="东城区")
    assert [p.message for p in err.value.problems] == ["第2行的县区为“西城区”,本次上报的县区为“东城区”"]
    assert count(engine, Project) == 0


def test_period_comes_from_the_file_name_or_is_asked_for(engine, regions):
    content = workbook({"项目台账": [LEDGER_HEAD, ledger_row("P1", "东城区", 1, D(2023, 3, 5))]})
    assert import_workbook(engine, content, "东城区2023年1-5月台账.xlsx").month == 5
    with pytest.raises(ImportRejected) as err:
        import_workbook(engine, content, "台账.xlsx")
    assert err.value.problems[-1].message.startswith("无法确定填报期间")


def test_identical_reupload_changes_nothing(engine, regions):
    content = workbook({"项目台账": [LEDGER_HEAD, ledger_row("I1", "东城区", 1, D(2023, 3, 5), funds=0.2)]})
    first = import_workbook(engine, content, "a.xlsx", 2023, 5, region="东城区")
    again = import_workbook(engine, content, "a-copy.xlsx", 2023, 5, region="东城区")
    assert again.unchanged and again.batch_id == first.batch_id
    assert "内容相同" in again.summary()
    assert count(engine, ImportBatch) == 1


def test_corrected_upload_supersedes_the_earlier_batch(engine, regions):
    wrong = workbook({"项目台账": [LEDGER_HEAD, ledger_row("S1", "东城区", 10, D(2023, 3, 5), funds=1),
                                ledger_row("S2", "东城区", 4, D(2023, 4, 5))]})
    right = workbook({"项目台账": [LEDGER_HEAD, ledger_row("S1", "东城区", 1, D(2023, 3, 5), funds=0.5)]})
    first = import_workbook(engine, wrong, "a.xlsx", 2023, 5, region="东城区")
    second = import_workbook(engine, right, "b.xlsx", 2023, 5, region="东城区")
    assert [s.batch_id for s in second.superseded] == [first.batch_id]
    f = figures(engine)
    assert (f["signed_count"], f["signed_amount"], f["funds_in_place"]) == (1, Decimal("1.0000"), Decimal("0.5000"))
    with engine.connect() as conn:
        assert [b["status"] for b in list_batches(conn)] == ["active", "superseded"]


def test_rollback_restores_every_figure(engine, regions):
    may = workbook({"项目台账": [LEDGER_HEAD, ledger_row("K1", "东城区", 2, D(2023, 3, 5), funds=0.3)]})
    import_workbook(engine, may, "may.xlsx", 2023, 5)
    before = figures(engine, Period(2023, 6))
    june = workbook({"项目台账": [LEDGER_HEAD,
                               ledger_row("K1", "东城区", 2.5, D(2023, 3, 5), stage="开工", start=D(2023, 6, 1),
                                          funds=0.7),
                               ledger_row("K2", "西城区", 3, D(2023, 6, 9))]})
    batch = import_workbook(engine, june, "june.xlsx", 2023, 6).batch_id
    after = figures(engine, Period(2023, 6))
    assert (after["signed_amount"], after["funds_in_place"], after["started_count"]) == \
        (Decimal("5.5000"), Decimal("1.0000"), 1)  # 2.5 + 3; 0.3 (May) + 0.7 (June)
    rollback_batch(engine, batch)
    assert figures(engine, Period(2023, 6)) == before
    assert count(engine, Funds) == 1
    with pytest.raises(ImportRejected) as err:
        rollback_batch(engine, batch)
    assert err.value.problems[0].message == f"批次 #{batch} 当前状态为“已回滚”,无法回滚"


def test_rollback_of_an_earlier_batch_waits_for_later_ones(engine, regions):
    one = workbook({"项目台账": [LEDGER_HEAD, ledger_row("L1", "东城区", 2, D(2023, 3, 5))]})
    two = workbook({"项目台账": [LEDGER_HEAD, ledger_row("L1", "东城区", 3, D(2023, 3, 5))]})
    first = import_workbook(engine, one, "one.xlsx", 2023, 5).batch_id
    second = import_workbook(engine, two, "two.xlsx", 2023, 6).batch_id
    with pytest.raises(ImportRejected) as err:
        rollback_batch(engine, first)
    assert err.value.problems[0].message == \
        f"批次 #{first} 之后的批次 #{second} 修改或包含了相同的数据,请先回滚批次 #{second}"
    rollback_batch(engine, second)
    rollback_batch(engine, first)
    assert count(engine, Project) == 0


def test_dry_run_writes_nothing(engine, regions):
    content = workbook({"项目台账": [LEDGER_HEAD, ledger_row("Y1", "东城区", 1, D(2023, 3, 5))]})
    result = import_workbook(engine, content, "a.xlsx", 2023, 5, dry_run=True)
    assert result.counts["new_projects"] == 1 and result.summary().startswith("预检通过")
    assert count(engine, Project) == 0
    assert count(engine, ImportBatch) == 0


def test_dry_run_lists_every_change_for_the_preview(engine, regions):
    may = workbook({"项目台账": [LEDGER_HEAD, ledger_row("V1", "东城区", 2, D(2023, 3, 5), funds=0.3)],
                    "到位资金明细": [["项目编号", "年份", "月份", "到位资金(亿元)"], ["V1", 2023, 4, 0.125]]})
    import_workbook(engine, may, "may.xlsx", 2023, 5)
    june = workbook({"项目台账": [LEDGER_HEAD,
                               ledger_row("V1", "东城区", 2.5, D(2023, 3, 5), stage="开工", start=D(2023, 6, 1),
                                          funds=0.7),
                               ledger_row("V2", "西城区", 3, D(2023, 6, 9))],
                     "到位资金明细": [["项目编号", "年份", "月份", "到位资金(亿元)"], ["V1", 2023, 4, 0.2]]})
    result = import_workbook(engine, june, "june.xlsx", 2023, 6, dry_run=True)
    assert result.new_projects == [{"项目编号": "V2", "项目名称": "V2项目", "项目阶段": "签约",
                                    "签约日期": "2023-06-09", "合同投资额(亿元)": "3.00"}]
    assert result.changes == [
        {"项目编号": "V1", "项目名称": "V1项目", "字段": "项目阶段", "原值": "签约", "新值": "开工"},
        {"项目编号": "V1", "项目名称": "V1项目", "字段": "合同投资额(亿元)", "原值": "2.00", "新值": "2.50"},
        {"项目编号": "V1", "项目名称": "V1项目", "字段": "开工日期", "原值": "", "新值": "2023-06-01"}]
    assert result.stage_changes == [{"项目编号": "V1", "项目名称": "V1项目", "原阶段": "签约", "新阶段": "开工"}]
    assert result.funds_changes == [  # 0.125 shows rounded half up
        {"项目编号": "V1", "年份": 2023, "月份": 4, "原值(亿元)": "0.13", "新值(亿元)": "0.20"},
        {"项目编号": "V1", "年份": 2023, "月份": 6, "原值(亿元)": "", "新值(亿元)": "0.70"}]


def test_correction_cannot_name_a_project_only_the_superseded_upload_had(engine, regions):
    funds_head = ["项目编号", "年份", "月份", "到位资金(亿元)"]
    first = workbook({"项目台账": [LEDGER_HEAD, ledger_row("X1", "东城区", 1, D(2023, 3, 5)),
                                ledger_row("X2", "东城区", 2, D(2023, 3, 5))]})
    corrected = workbook({"项目台账": [LEDGER_HEAD, ledger_row("X1", "东城区", 1, D(2023, 3, 5))],
                          "到位资金明细": [funds_head, ["X2", 2023, 4, 0.5]]})
    import_workbook(engine, first, "a.xlsx", 2023, 5)
    with pytest.raises(ImportRejected) as err:  # X2 goes with the upload it corrects (this used to fail on a key)
        import_workbook(engine, corrected, "b.xlsx", 2023, 5)
    assert [str(p) for p in err.value.problems] == [
        "到位资金明细 第2行【项目编号】“X2” 找不到项目“X2”(项目编号须已在项目台账中)"]
    assert count(engine, Project) == 2
    with engine.connect() as conn:
        assert [b["status"] for b in list_batches(conn)] == ["active"]
