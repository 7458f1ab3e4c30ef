"""The upload template and the annotated workbook handed back with errors."""
import datetime as dt
import io

import openpyxl
import pytest

from data_access.annotate import annotate
from data_access.importer import ImportRejected, import_workbook
from data_access.template import build_template
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook


@pytest.fixture
def template(sqlite_engine):
    with sqlite_engine.begin() as conn:
        region(conn, "东城区")
        region(conn, "西城区")
    with sqlite_engine.connect() as conn:
        return openpyxl.load_workbook(io.BytesIO(build_template(conn)))


def test_every_sheet_with_headers_notes_and_frozen_header(template):
    assert template.sheetnames == ["项目台账", "到位资金明细", "年度目标", "驻点招商", "问题台账", "招商活动", "选项"]
    assert template["选项"].sheet_state == "hidden"
    ledger = template["项目台账"]
    assert [c.value for c in ledger[1]] == \
        LEDGER_HEAD[:14] + ["计划投产日期"] + LEDGER_HEAD[14:16] + ["签约活动", "备注"]
    assert ledger["L1"].comment.text == "项目阶段为签约及以后时必填,单位亿元,保留两位小数"
    assert all(c.comment is not None for c in ledger[1])
    assert all(ws.freeze_panes == "A2" for ws in template.worksheets[:6])
    assert [c.value for c in template["招商活动"][1]] == [
        "日期", "县区", "领导", "活动类型", "对接企业", "企业标签", "地点", "活动名称", "解决问题数", "备注"]
    assert ledger.column_dimensions["K"].number_format == "yyyy-mm-dd"  # 签约日期
    assert ledger.column_dimensions["L"].number_format == "0.00"  # 合同投资额


def test_drop_downs_come_from_the_configuration(template):
    ledger = template["项目台账"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ledger.data_validations.dataValidation}
    options = template["选项"]
    region_list = lists["C2"]  # 县区
    column = region_list.split("$")[1]
    assert [options[f"{column}{r}"].value for r in (2, 3)] == ["东城区", "西城区"]
    stage_column = lists["J2"].split("$")[1]  # 项目阶段
    assert [options[f"{stage_column}{r}"].value for r in range(2, 7)] == ["在谈", "签约", "开工", "投产", "终止"]
    assert set(lists) == {"C2", "D2", "G2", "H2", "I2", "J2"}  # 县区 产业链 是否制造业 投资来源 招商方式 项目阶段


def test_the_example_row_is_never_imported(sqlite_engine, template):
    buf = io.BytesIO()
    template.save(buf)
    with pytest.raises(ImportRejected) as err:
        import_workbook(sqlite_engine, buf.getvalue(), "模板.xlsx", 2023, 5)
    assert [str(p) for p in err.value.problems] == ["工作簿 工作簿中没有可导入的数据行(模板中的示例行不会被导入)"]


def test_annotated_workbook_marks_each_bad_cell(sqlite_engine):
    with sqlite_engine.begin() as conn:
        region(conn, "东城区")
    content = workbook({"项目台账": [LEDGER_HEAD, ledger_row("A1", "东城区", "约5亿", dt.date(2023, 3, 5)),
                                  ledger_row("A2", "东城区", 1, "2023-13-01")]})
    with pytest.raises(ImportRejected) as err:
        import_workbook(sqlite_engine, content, "x.xlsx", 2023, 5)
    marked_bytes, copied = annotate(content, err.value.problems)
    assert not copied
    marked = openpyxl.load_workbook(io.BytesIO(marked_bytes))
    assert marked.sheetnames == ["错误清单", "项目台账"]
    listing = [[c.value for c in row] for row in marked["错误清单"].iter_rows(min_row=2)]
    assert listing == [
        ["项目台账", 2, "合同投资额(亿元)", "约5亿", "不是数字,请只填写数字(单位见表头),如 5.2"],
        ["项目台账", 3, "签约日期", "2023-13-01", "不是有效日期,应如 2023-03-05"],
    ]
    ledger = marked["项目台账"]
    assert ledger["L2"].comment.text == "不是数字,请只填写数字(单位见表头),如 5.2"
    assert ledger["L2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ledger["K3"].comment.text == "不是有效日期,应如 2023-03-05"
    assert ledger["A2"].comment is None
