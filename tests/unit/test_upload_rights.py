"""Uploads as an account: staff of 东城区 cannot write 西城区 rows (importer and `cli.py import --as`),
targets are for admins, leaders do not upload; a refused upload writes nothing at all."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from data_access import accounts, audit
from data_access.importer import ImportRejected, import_workbook
from data_access.models import AnnualTarget, AuditLog, Funds, ImportBatch, ImportFile, Project, Region
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook

D = dt.date
TABLES = (Project, Funds, ImportBatch, ImportFile, AnnualTarget)


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        region(conn, "东城区", "东城")
        region(conn, "西城区", "西城")
        region(conn, "南山县")
        accounts.create_user(conn, "东城小李", "staff", "staff-password", ["东城区"])
        accounts.create_user(conn, "两区老张", "staff", "staff-password", ["东城区", "南山县"])
        accounts.create_user(conn, "王局长", "leader", "leader-password")
        accounts.create_user(conn, "admin", "admin", "admin-password")
    return engine


def counts(engine) -> dict:
    with engine.connect() as conn:
        return {t.__tablename__: conn.scalar(select(func.count()).select_from(t)) for t in TABLES}


def as_user(engine, name, content, region_name, **kw):
    with engine.connect() as conn:
        allowed, targets = accounts.upload_rights(accounts.get_account(conn, name))
    return import_workbook(engine, content, "台账.xlsx", 2023, 5, region_name, user=name,
                           allowed_regions=allowed, targets_allowed=targets, **kw)


MIXED = workbook({"项目台账": [LEDGER_HEAD, ledger_row("A1", "东城区", 2.5, D(2023, 3, 5)),
                             ledger_row("B1", "西城区", 1, D(2023, 3, 5)),
                             ledger_row("B2", "西城", 1, D(2023, 4, 5))]})
WEST_ONLY = workbook({"项目台账": [LEDGER_HEAD, ledger_row("B1", "西城区", 1, D(2023, 3, 5))]})
EAST_ONLY = workbook({"项目台账": [LEDGER_HEAD, ledger_row("A1", "东城区", 2.5, D(2023, 3, 5), funds=0.5)]})


def test_staff_cannot_import_rows_of_another_region(city):
    before = counts(city)
    with pytest.raises(ImportRejected) as err:  # the file claims 西城区
        as_user(city, "东城小李", WEST_ONLY, "西城区")
    assert [(p.sheet, p.row, p.column, p.shown_value, p.message) for p in err.value.problems] == [
        ("工作簿", None, "县区", "西城区", "本账号只能上传所负责县区(东城区)的数据,不能上传“西城区”的数据"),
        ("项目台账", None, "县区", "西城区", "第2行的县区为“西城区”,本账号只能上报东城区")]
    for chosen in ("东城区", None):  # its own region, chosen or by default: one line per foreign region
        with pytest.raises(ImportRejected) as err:
            as_user(city, "东城小李", MIXED, chosen)
        assert [(p.row, p.shown_value, p.message) for p in err.value.problems] == [
            (None, "西城区", "第3–4行(共2行)的县区为“西城区”,本账号只能上报东城区")]
    with pytest.raises(ImportRejected) as err:  # 全市 is not a staff region
        as_user(city, "东城小李", EAST_ONLY, "全市")
    assert [p.message for p in err.value.problems] == [
        "本账号只能上传所负责县区(东城区)的数据,请选择其中一个县区,不能选择“全市”"]
    assert counts(city) == before == {"project": 0, "funds": 0, "import_batch": 0, "import_file": 0,
                                      "annual_target": 0}


def test_staff_import_their_own_regions_under_their_name(city):
    result = as_user(city, "东城小李", EAST_ONLY, "东城")  # an alias of its region
    assert result.counts["new_projects"] == 1
    south = workbook({"项目台账": [LEDGER_HEAD, ledger_row("S1", "南山县", 4, D(2023, 2, 1))]})
    as_user(city, "两区老张", south, "南山县")
    assert counts(city) == {"project": 2, "funds": 1, "import_batch": 2, "import_file": 2, "annual_target": 0}
    with city.connect() as conn:
        uploaders = conn.scalars(select(ImportBatch.uploaded_by).order_by(ImportBatch.id)).all()
        log = audit.entries(conn, action="upload")
    assert uploaders == ["东城小李", "两区老张"]
    assert [(e["actor"], e["after"]["县区"], e["after"]["期间"], e["after"]["文件"]) for e in log] == [
        ("两区老张", "南山县", "2023年5月", "台账.xlsx"), ("东城小李", "东城区", "2023年5月", "台账.xlsx")]


def test_targets_are_for_admins_only(city):
    targets = workbook({"年度目标": [["年度", "县区", "指标", "目标值"], [2023, "东城区", "合同投资额", 10]]})
    with pytest.raises(ImportRejected) as err:
        as_user(city, "东城小李", targets, "东城区")
    assert [(p.sheet, p.message) for p in err.value.problems] == [
        ("年度目标", "年度目标只能由管理员上传,请删除此工作表后再上传")]
    assert counts(city)["annual_target"] == 0
    as_user(city, "admin", targets, None)
    assert counts(city)["annual_target"] == 1


def test_leaders_do_not_upload(city):
    with city.connect() as conn:
        leader = accounts.get_account(conn, "王局长")
    with pytest.raises(accounts.AccountError, match="没有上传数据的权限"):
        accounts.upload_rights(leader)


@pytest.fixture
def run_cli(city, cli_on):
    return cli_on(city)


def test_cli_import_as_staff_refuses_another_region_and_writes_nothing(city, run_cli, tmp_path):
    mixed, west, east = tmp_path / "mixed.xlsx", tmp_path / "west.xlsx", tmp_path / "east.xlsx"
    mixed.write_bytes(MIXED)
    west.write_bytes(WEST_ONLY)
    east.write_bytes(EAST_ONLY)
    before = counts(city)
    code, out, err = run_cli("import", mixed, "--period", "2023-05", "--region", "东城区", "--as", "东城小李")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "导入被拒绝,共1处问题,未写入任何数据:",
        "  项目台账【县区】“西城区” 第3–4行(共2行)的县区为“西城区”,本账号只能上报东城区"]
    code, _, err = run_cli("import", west, "--period", "2023-05", "--region", "西城区", "--as", "东城小李")
    assert code == 1 and "不能上传“西城区”的数据" in err
    code, _, err = run_cli("import", east, "--period", "2023-05", "--region", "全市", "--as", "东城小李")
    assert code == 1 and "不能选择“全市”" in err
    code, _, err = run_cli("import", east, "--period", "2023-05", "--region", "东城区", "--as", "王局长")
    assert (code, err.strip()) == (1, "账号“王局长”没有上传数据的权限(只有县区工作人员和管理员可以上传)")
    code, _, err = run_cli("import", east, "--period", "2023-05", "--region", "东城区", "--as", "无名氏")
    assert (code, err.strip()) == (1, "账号“无名氏”不存在")
    assert counts(city) == before

    # no --region: the staff account's own region (its rows name it)
    code, out, _ = run_cli("import", east, "--period", "2023-05", "--as", "东城小李")
    assert code == 0 and out.startswith("导入成功,批次 #1(2023年5月,东城区):新增项目1个")
    with city.connect() as conn:
        assert conn.execute(select(ImportBatch.uploaded_by, ImportBatch.region_id)).all() == [
            ("东城小李", conn.scalar(select(Region.id).where(Region.name == "东城区")))]


def test_cli_create_user_and_audit(city, run_cli):
    code, out, _ = run_cli("create-user", "西城小王", "--role", "staff", "--region", "西城区", "--password-stdin",
                           stdin="west-password\n")
    assert (code, out.strip()) == (0, "已创建账号:西城小王(县区工作人员,负责县区:西城区)")
    with city.connect() as conn:
        stored = accounts.get_account(conn, "西城小王")
        logged = conn.execute(select(func.count()).select_from(AuditLog)).scalar()
    assert stored.role == "staff" and stored.regions == ("西城区",)
    assert logged == 5  # user_create: the 4 accounts of the fixture and this one
    with city.begin() as conn:
        assert accounts.authenticate(conn, "西城小王", "west-password").ok
    code, _, err = run_cli("create-user", "短密码", "--role", "leader", "--password-stdin", stdin="short\n")
    assert (code, err.strip()) == (1, "密码至少需要 8 个字符")
    code, _, err = run_cli("create-user", "西城小王", "--role", "leader", "--password-stdin", stdin="long-enough\n")
    assert (code, err.strip()) == (1, "账号“西城小王”已存在")
    code, _, err = run_cli("create-user", "无县区", "--role", "staff", "--password-stdin", stdin="long-enough\n")
    assert (code, err.strip()) == (1, "县区工作人员账号必须至少指定一个县区")

    code, out, _ = run_cli("audit", "--limit", "2")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].split("\t")[1:] == ["西城小王", "登录", "西城小王", ""]
    assert lines[1].split("\t")[1:] == ["cli", "创建账号", "西城小王", "县区: 西城区;角色: 县区工作人员"]
    code, out, _ = run_cli("audit", "--action", "user_create", "--user", "cli", "--limit", "10")
    assert [line.split("\t")[3] for line in out.splitlines()] == ["西城小王", "admin", "王局长", "两区老张", "东城小李"]


def test_cli_rollback_as_needs_an_admin(city, run_cli, tmp_path):
    east = tmp_path / "east.xlsx"
    east.write_bytes(EAST_ONLY)
    run_cli("import", east, "--period", "2023-05", "--region", "东城区", "--as", "东城小李")
    with city.connect() as conn:
        batch = conn.scalar(select(ImportBatch.id))
    code, _, err = run_cli("rollback", batch, "--as", "东城小李")
    assert code == 1 and "只有管理员可以回滚批次" in err
    code, out, _ = run_cli("rollback", batch, "--as", "admin")
    assert (code, out.strip()) == (0, f"批次 #{batch} 已回滚")
    with city.connect() as conn:
        entry = audit.entries(conn, action="rollback")[0]
    assert (entry["actor"], entry["target"], entry["before"], entry["after"]) == (
        "admin", f"#{batch}", {"状态": "有效"}, {"状态": "已回滚"})
