"""AppTest: the 管理 page as an admin — targets in the grid and from a 年度目标 sheet, regions and
aliases, chains, tags, thresholds and weights, users, display links and the audit log."""
import datetime as dt
from decimal import Decimal

import pytest

from data_access import accounts, audit, db, targets
from tests.app.helpers import app_on, button, ok, table
from tests.builders import region, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR = dt.date.today().year


@pytest.fixture
def page(engine, monkeypatch):
    with engine.begin() as conn:
        region(conn, "东城区", "东城")
        region(conn, "西城区")

    def open_page():
        at = app_on(engine, monkeypatch, "views/admin.py")
        return ok(at.run())
    return open_page


def version(engine):
    with engine.connect() as conn:
        return db.data_version(conn)


def log(engine, action):
    with engine.connect() as conn:
        return audit.entries(conn, action=action)


def test_tabs(page):
    at = page()
    assert [t.label for t in at.tabs] == ["年度目标", "县区与别名", "产业链", "企业标签", "阈值与权重", "用户",
                                          "显示链接", "上报日历", "推送", "推送记录", "审计日志"]
    assert at.title[0].value == "管理"


def test_targets_grid(engine, page):
    at = page()
    grid = table(at, "县区", "签约项目数")  # the data editor
    assert list(grid["县区"]) == ["全市", "东城区", "西城区"]
    assert list(grid.columns) == ["县区", "签约项目数", "合同投资额", "到位资金", "制造业占比", "驻点签约额"]
    key = f"targets_{YEAR}_{version(engine)}"
    at.session_state[key] = {"edited_rows": {0: {"合同投资额": 100.5}, 1: {"制造业占比": 60, "签约项目数": 12}},
                             "added_rows": [], "deleted_rows": []}
    ok(button(ok(at.run()), "保存年度目标").click().run())
    assert [s.value for s in at.success] == [f"已保存 {YEAR} 年的年度目标,共修改 3 项"]
    with engine.connect() as conn:
        assert targets.target_grid(conn, YEAR) == {("全市", "合同投资额"): Decimal("100.5"),
                                                   ("东城区", "制造业占比"): Decimal("60"),
                                                   ("东城区", "签约项目数"): Decimal("12")}
    entry = log(engine, "targets")[0]
    assert (entry["actor"], entry["target"]) == ("test-admin", f"{YEAR}年")
    assert entry["after"] == {"全市·合同投资额": "100.5", "东城区·制造业占比": "60", "东城区·签约项目数": "12"}

    key = f"targets_{YEAR}_{version(engine)}"
    at.session_state[key] = {"edited_rows": {2: {"制造业占比": 150, "到位资金": -3}}, "added_rows": [],
                             "deleted_rows": []}
    ok(button(ok(at.run()), "保存年度目标").click().run())
    assert [e.value for e in at.error] == [
        "西城区·到位资金:“-3”不能为负数;西城区·制造业占比:“150”制造业占比是百分数,不能大于100"]
    with engine.connect() as conn:
        assert len(targets.target_grid(conn, YEAR)) == 3  # nothing written


def test_targets_sheet(engine, page):
    at = page()
    sheet = workbook({"年度目标": [["年度", "县区", "指标", "目标值"], [YEAR, "全市", "合同投资额", 300],
                                 [YEAR, "东城", "到位资金", 40]]})
    ok(at.file_uploader(key="targets_file").set_value(("目标.xlsx", sheet, XLSX)).run())
    preview = table(at, "年度", "县区", "指标")
    assert [list(preview[c]) for c in ("年度", "县区", "指标", "目标值", "原目标值")] == [
        [f"{YEAR}年"] * 2, ["全市", "东城区"], ["合同投资额", "到位资金"], ["300", "40"], ["", ""]]
    ok(button(at, "导入这些年度目标").click().run())
    assert [s.value for s in at.success] == ["已导入年度目标,共修改 2 项"]
    with engine.connect() as conn:
        assert targets.target_grid(conn, YEAR) == {("全市", "合同投资额"): Decimal(300),
                                                   ("东城区", "到位资金"): Decimal(40)}

    bad = workbook({"年度目标": [["年度", "县区", "指标", "目标值"], [YEAR, "北城", "合同投资额", 1]]})
    ok(at.file_uploader(key="targets_file").set_value(("目标.xlsx", bad, XLSX)).run())
    assert [e.value for e in at.error] == ["文件中有 1 处问题,未导入任何目标:"]
    assert list(table(at, "工作表", "行号")["问题"]) == ["县区“北城”不存在"]


def test_regions_chains_and_tags(engine, page):
    at = page()
    assert list(table(at, "县区", "类型")["别名"]) == ["东城", ""]
    at.text_input[0].input("南山县")  # 县区名称 in the 添加县区 form
    form_inputs = [t for t in at.text_input if t.label == "别名(多个用“、”分隔)"]
    form_inputs[0].input("南山、南山新区")
    ok(button(at, "添加").click().run())
    assert [s.value for s in at.success] == ["已添加县区:南山县"]
    regions = table(at, "县区", "类型")
    assert list(regions["县区"]) == ["东城区", "西城区", "南山县"]
    assert list(regions["别名"]) == ["东城", "", "南山、南山新区"]

    at.selectbox(key="alias_region").select("西城区").run()
    box = next(t for t in at.text_input if t.key and t.key.startswith("region_aliases_西城区"))
    box.input("西城, 西区")
    ok(button(at, "保存别名").click().run())
    assert list(table(at, "县区", "类型")["别名"]) == ["东城", "西区、西城", "南山、南山新区"]  # in code point order
    assert [(e["target"], e["before"], e["after"]) for e in log(engine, "region_aliases")] == [
        ("西城区", [], ["西区", "西城"])]
    assert [e["target"] for e in log(engine, "region_add")] == ["南山县"]


def test_users(engine, page):
    at = page()
    inputs = list(at.text_input)
    name_box = next(t for t in inputs if t.label == "用户名")
    name_box.input("东城小李")
    role_box = next(s for s in at.selectbox if s.label == "角色")
    role_box.select("staff")
    next(m for m in at.multiselect if m.label == "负责县区(县区工作人员必填)").select("东城区")
    passwords = [t for t in inputs if t.label in ("密码", "再次输入密码")]
    passwords[0].input("staff-password")
    passwords[1].input("staff-password")
    ok(button(at, "创建账号").click().run())
    assert [s.value for s in at.success] == ["已创建账号:东城小李"]
    users = table(at, "用户名", "角色")
    assert list(users["用户名"]) == ["test-admin", "东城小李"]
    assert list(users["角色"]) == ["管理员", "县区工作人员"] and list(users["负责县区"]) == ["", "东城区"]

    at.selectbox(key="user_pick").select("东城小李").run()
    ok(button(at, "停用账号").click().run())
    assert [s.value for s in at.success] == ["已停用账号“东城小李”"]
    assert list(table(at, "用户名", "角色")["状态"]) == ["在用", "已停用"]
    with engine.begin() as conn:
        assert accounts.authenticate(conn, "东城小李", "staff-password").outcome == "disabled"
    at.selectbox(key="user_pick").select("test-admin").run()
    ok(button(at, "停用账号").click().run())
    assert [e.value for e in at.error] == ["不能停用自己正在使用的账号"]
    assert [(e["actor"], e["target"]) for e in log(engine, "user_disable")] == [("test-admin", "东城小李")]


def test_display_links(engine, page):
    at = page()
    box = next(t for t in at.text_input if t.label == "名称(如“一号会议室大屏”)")
    box.input("一号会议室")
    ok(button(at, "创建显示链接").click().run())
    url = at.code[0].value
    assert url.startswith("/screen?token=")
    token = url.split("token=")[1]
    with engine.connect() as conn:
        assert accounts.display_link(conn, token)["label"] == "一号会议室"
    links = table(at, "编号", "名称")
    assert list(links["名称"]) == ["一号会议室"] and list(links["状态"]) == ["有效"]

    at.checkbox(key="link_revoke_sure").check().run()
    ok(button(at, "撤销显示链接").click().run())
    assert [s.value for s in at.success][0].startswith("已撤销显示链接 #")
    assert list(table(at, "编号", "名称")["状态"])[0].startswith("已撤销(")
    assert not at.code  # the new link is no longer shown
    with engine.connect() as conn:
        assert accounts.display_link(conn, token)["revoked_at"] is not None


def test_settings_and_audit_log(engine, page):
    at = page()
    yellow = next(n for n in at.number_input if n.label.startswith("县区预警"))
    yellow.set_value(5.0)
    ok(button(at, "保存阈值与权重").click().run())
    assert [s.value for s in at.success] == ["已保存阈值与权重,共修改 1 项"]
    current = table(at, "设置", "当前值")
    shown = dict(zip(current["设置"], zip(current["当前值"], current["来源"])))
    assert shown["县区预警:落后序时进度多少个百分点及以上为红(不足为黄)"] == ("5", "管理页面设置")
    assert shown["县区排名:单项完成率计分上限(%)"] == ("150", "默认值")

    ok(button(at, "保存阈值与权重").click().run())  # nothing changed
    assert "没有需要保存的修改" in [i.value for i in at.info]
    assert [s.value for s in at.success] == []

    audit_table = table(at, "时间", "操作人")
    assert list(audit_table.columns) == ["时间", "操作人", "操作", "对象", "修改前", "修改后"]
    first = audit_table.iloc[0]
    assert (first["操作人"], first["操作"], first["修改前"], first["修改后"]) == (
        "test-admin", "修改阈值与权重", "10", "5")
