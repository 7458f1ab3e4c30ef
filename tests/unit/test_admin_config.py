"""What the 管理 page changes: targets (grid and 年度目标 sheet) with validation, regions and chains
with aliases, tags, thresholds and weights kept in the database — each audited with before/after."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from data_access import audit, config, db, settings, targets
from data_access.config import ConfigError
from data_access.models import AnnualTarget, ImportBatch
from data_access.targets import TargetsRejected
from metrics.ranking import warning_level
from tests.builders import region, workbook


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        region(conn, "东城区", "东城")
        region(conn, "西城区")
    return engine


def version(engine) -> int:
    with engine.connect() as conn:
        return db.data_version(conn)


def last_entry(engine, action):
    with engine.connect() as conn:
        return audit.entries(conn, action=action, limit=1)[0]


def test_targets_grid_saves_changes_only_and_audits_them(city):
    with city.begin() as conn:
        assert targets.save_targets(conn, 2025, {("全市", "合同投资额"): "100", ("东城区", "合同投资额"): 40,
                                                 ("东城区", "制造业占比"): "60.5", ("西城区", "签约项目数"): None},
                                    actor="admin") == 3
    v = version(city)
    with city.begin() as conn:
        changed = targets.save_targets(conn, 2025, {("全市", "合同投资额"): Decimal("100"),  # unchanged
                                                    ("东城区", "合同投资额"): "45.25", ("东城区", "制造业占比"): ""},
                                       actor="admin")
        grid = targets.target_grid(conn, 2025)
    assert changed == 2
    assert grid == {("全市", "合同投资额"): Decimal("100"), ("东城区", "合同投资额"): Decimal("45.25")}
    assert version(city) == v + 1
    entry = last_entry(city, "targets")
    assert (entry["actor"], entry["target"]) == ("admin", "2025年")
    assert entry["before"] == {"东城区·制造业占比": "60.5", "东城区·合同投资额": "40"}
    assert entry["after"] == {"东城区·制造业占比": None, "东城区·合同投资额": "45.25"}


def test_bad_targets_are_all_reported_and_nothing_is_written(city):
    with pytest.raises(TargetsRejected) as err:
        with city.begin() as conn:
            targets.save_targets(conn, 2025, {("全市", "合同投资额"): "十亿", ("东城区", "到位资金"): -1,
                                              ("东城区", "制造业占比"): 120, ("西城区", "签约项目数"): 2.5,
                                              ("北城区", "合同投资额"): 1, ("西城区", "合同投资额"): 8},
                                 actor="admin")
    assert err.value.problems == ["全市·合同投资额:“十亿”不是数字", "东城区·到位资金:“-1”不能为负数",
                                  "东城区·制造业占比:“120”制造业占比是百分数,不能大于100",
                                  "西城区·签约项目数:“2.5”签约项目数应为整数", "北城区·合同投资额:县区“北城区”不存在"]
    with city.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AnnualTarget)) == 0


def test_targets_sheet_upload_reads_aliases_and_refuses_other_sheets(city):
    head = ["年度", "县区", "指标", "目标值"]
    good = workbook({"年度目标": [head, [2025, "全市", "合同投资额", 100], [2025, "东城", "签约项目数", 12],
                              [2026, "西城区", "到位资金", 30.5]]})
    with city.connect() as conn:
        found, problems = targets.targets_from_workbook(conn, good)
    assert problems == []
    assert found == {2025: {("全市", "合同投资额"): Decimal("100.0000"), ("东城区", "签约项目数"): Decimal("12.0000")},
                     2026: {("西城区", "到位资金"): Decimal("30.5000")}}
    bad = workbook({"年度目标": [head, [2025, "北城", "合同投资额", 1], [2025, "全市", "利润", 5],
                             [2025, "全市", "制造业占比", 160]],
                    "项目台账": [["项目名称"], ["某项目"]]})
    with city.connect() as conn:
        found, problems = targets.targets_from_workbook(conn, bad)
    assert [(p.sheet, p.row, p.column, p.message) for p in problems] == [
        ("项目台账", None, None, "此处只导入年度目标,请删除其他工作表(项目台账等请在“数据上报”页面上传)"),
        ("年度目标", 2, "县区", "县区“北城”不存在"),
        ("年度目标", 3, "指标", "指标“利润”不是已知指标"),
        ("年度目标", 4, "目标值", "制造业占比是百分数,不能大于100")]
    with city.connect() as conn:  # no import batch: a target upload never supersedes a month's ledger
        assert conn.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_regions_chains_and_tags(city):
    v = version(city)
    with city.begin() as conn:
        config.add_region(conn, "南山县", "县", ("南山",), actor="admin")
        config.set_region_aliases(conn, "东城区", ["东城", "东城新区"], actor="admin")
        with pytest.raises(ConfigError, match="名称“南山”已被使用"):
            config.set_region_aliases(conn, "西城区", ["南山"], actor="admin")
        config.add_chain(conn, "新材料", actor="admin")
        config.set_chain_aliases(conn, "新材料", ["材料"], actor="admin")
        with pytest.raises(ConfigError, match="产业链“材料”已存在"):
            config.add_chain(conn, "材料", actor="admin")
        config.add_tag(conn, "高新技术企业", "other", actor="admin")
        with pytest.raises(ConfigError, match="企业标签“高新技术企业”已存在"):
            config.add_tag(conn, "高新技术企业", "other", actor="admin")
        regions = config.region_table(conn)
        chains = config.chain_table(conn)
        tags = config.tags(conn)
        log = [(e["action"], e["target"], e["before"], e["after"]) for e in audit.entries(conn, actor="admin")]
    assert [(r["name"], r["aliases"], r["projects"]) for r in regions] == [
        ("东城区", ["东城", "东城新区"], 0), ("西城区", [], 0), ("南山县", ["南山"], 0)]
    assert chains[-1]["name"] == "新材料" and chains[-1]["aliases"] == ["材料"]
    assert (tags[-1]["name"], tags[-1]["kind"]) == ("高新技术企业", "other")
    assert log == [("tag_add", "高新技术企业", None, {"类别": "其他"}),
                   ("chain_aliases", "新材料", [], ["材料"]), ("chain_add", "新材料", None, None),
                   ("region_aliases", "东城区", ["东城"], ["东城", "东城新区"]),
                   ("region_add", "南山县", None, {"类型": "县", "别名": ["南山"]})]
    assert version(city) == v + 5
    assert config.split_names("东城、东城新区, 东城  城东;东城") == ["东城", "东城新区", "城东"]


def test_thresholds_kept_in_the_database_override_the_environment(city, monkeypatch):
    monkeypatch.setenv("ZSDASH_WARNING_YELLOW_PP", "10")
    with city.connect() as conn:
        assert config.setting_values(conn)["warning_yellow_pp"] == {"text": "10", "source": "env"}
        assert config.setting_values(conn)["ranking_completion_cap"] == {"text": "150", "source": "default"}
        db.refresh(conn)
    assert warning_level(Decimal("-6")) == "yellow"  # behind by 6 < 10
    with city.begin() as conn:
        assert config.save_settings(conn, {"warning_yellow_pp": "5", "ranking_completion_cap": "150"},
                                    actor="admin") == 1
    with city.connect() as conn:
        db.refresh(conn)  # what every page run does
    assert settings.get("warning_yellow_pp") == Decimal("5")
    assert warning_level(Decimal("-6")) == "red"  # behind by 6 ≥ 5
    entry = last_entry(city, "setting")
    assert (entry["target"], entry["before"], entry["after"]) == (
        "县区预警:落后序时进度多少个百分点及以上为红(不足为黄)", "10", "5")

    with city.begin() as conn:
        config.reset_setting(conn, "warning_yellow_pp", actor="admin")
        db.refresh(conn)
    assert settings.get("warning_yellow_pp") == Decimal("10")
    assert last_entry(city, "setting")["after"] == "10"


@pytest.mark.parametrize(("changes", "message"), [
    ({"warning_yellow_pp": "abc"}, "不是有效的数值"),
    ({"warning_yellow_pp": "0"}, "必须大于0"),
    ({"project_red_months": "2"}, "红色的月数不能小于黄色的月数"),
    ({"ranking_completion_cap": "90"}, "不能低于100%"),
    ({"ranking_weights": "signed_amount:-1"}, "权重必须是不小于0的数"),
    ({"ranking_weights": "profit:10"}, "权重必须是不小于0的数"),
])
def test_bad_settings_are_refused(city, changes, message):
    with pytest.raises(ConfigError, match=message):
        with city.begin() as conn:
            config.save_settings(conn, changes, actor="admin")
    with city.connect() as conn:
        assert all(v["source"] != "admin" for v in config.setting_values(conn).values())


def test_audit_rows_carry_the_time(city):
    at = dt.datetime(2025, 1, 2, 3, 4, 5)
    with city.begin() as conn:
        audit.record(conn, "admin", "logout", "admin", now=at)
        assert audit.entries(conn, limit=1)[0]["at"] == at
    with pytest.raises(ValueError):
        with city.begin() as conn:
            audit.record(conn, "admin", "no_such_action")
