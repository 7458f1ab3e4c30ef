"""Configuration rows: regions (with aliases), industry chains (with aliases), enterprise tags, and
the admin's values of the editable settings (thresholds and weights). A change made with an
``actor`` is written to the audit log; every change bumps the data version (caches and filters)."""
from __future__ import annotations

import os
import re
from decimal import InvalidOperation

from sqlalchemy import Connection, delete, func, insert, select

from data_access import audit, db, settings
from data_access.models import CITY_REGION, Chain, ChainAlias, Meta, Project, Region, RegionAlias, Tag
from labels import CONFIG_MSG, SETTING_LABELS, TAG_KINDS, TARGET_INDICATORS


class ConfigError(ValueError):
    """A configuration change that was refused; the message is for the user (Chinese)."""


def split_names(text: str | None) -> list[str]:
    """Names typed in one box, separated by 、 , ; or spaces; duplicates dropped, order kept."""
    out = []
    for part in re.split(r"[、,，;；\s]+", text or ""):
        if part and part not in out:
            out.append(part)
    return out


def add_region(conn: Connection, name: str, kind: str = "县区", aliases: tuple[str, ...] = (),
               actor: str | None = None) -> int:
    name = name.strip()
    aliases = tuple(a.strip() for a in aliases if a and a.strip())
    if not name:
        raise ConfigError("县区名称不能为空")
    taken = set(conn.scalars(select(Region.name))) | set(conn.scalars(select(RegionAlias.alias)))
    for value in (name, *aliases):
        if value in taken:
            raise ConfigError(f"名称“{value}”已被使用")
    order = (conn.scalar(select(func.max(Region.sort_order))) or 0) + 1
    rid = conn.execute(insert(Region).values(name=name, kind=kind, sort_order=order)).inserted_primary_key[0]
    for alias in aliases:
        conn.execute(insert(RegionAlias).values(alias=alias, region_id=rid))
    if actor:
        audit.record(conn, actor, "region_add", name, after={"类型": kind, "别名": list(aliases)})
        db.bump_data_version(conn)
    return rid


def add_chain(conn: Connection, name: str, actor: str | None = None) -> int:
    name = name.strip()
    if not name:
        raise ConfigError("产业链名称不能为空")
    if conn.scalar(select(Chain.id).where(Chain.name == name)) is not None or \
            conn.scalar(select(ChainAlias.chain_id).where(ChainAlias.alias == name)) is not None:
        raise ConfigError(f"产业链“{name}”已存在")
    order = (conn.scalar(select(func.max(Chain.sort_order))) or 0) + 1
    cid = conn.execute(insert(Chain).values(name=name, sort_order=order)).inserted_primary_key[0]
    if actor:
        audit.record(conn, actor, "chain_add", name)
        db.bump_data_version(conn)
    return cid


def region_table(conn: Connection) -> list[dict]:
    """Every region but 全市 with its aliases and number of projects, in the regions' order."""
    aliases: dict[int, list[str]] = {}
    for alias, rid in sorted(conn.execute(select(RegionAlias.alias, RegionAlias.region_id)).all()):
        aliases.setdefault(rid, []).append(alias)
    counts = dict(conn.execute(select(Project.region_id, func.count()).group_by(Project.region_id)).all())
    return [r | {"aliases": aliases.get(r["id"], []), "projects": counts.get(r["id"], 0)} for r in regions(conn)]


def chain_table(conn: Connection) -> list[dict]:
    aliases: dict[int, list[str]] = {}
    for alias, cid in sorted(conn.execute(select(ChainAlias.alias, ChainAlias.chain_id)).all()):
        aliases.setdefault(cid, []).append(alias)
    counts = dict(conn.execute(select(Project.chain_id, func.count()).group_by(Project.chain_id)).all())
    return [c | {"aliases": aliases.get(c["id"], []), "projects": counts.get(c["id"], 0)} for c in chains(conn)]


def _set_aliases(conn: Connection, owners, alias_table, owner_column: str, kind: str, owner: str,
                 aliases: list[str], actor: str, action: str) -> None:
    """Replace the aliases of ``owner`` (a region or chain name, not an alias): none may be another
    region's or chain's name or alias; audited with before and after."""
    cond = [owners.name == owner] + ([owners.name != CITY_REGION] if owners is Region else [])
    oid = conn.scalar(select(owners.id).where(*cond))
    if oid is None:
        raise ConfigError(f"{kind}“{owner}”不存在")
    key = getattr(alias_table, owner_column)
    aliases = [a.strip() for a in aliases if a.strip()]
    taken = set(conn.scalars(select(owners.name))) | set(conn.scalars(select(alias_table.alias).where(key != oid)))
    for alias in aliases:
        if alias in taken:
            raise ConfigError(f"名称“{alias}”已被使用")
    before = sorted(conn.scalars(select(alias_table.alias).where(key == oid)))
    if before == sorted(aliases):
        return
    conn.execute(delete(alias_table).where(key == oid))
    for alias in aliases:
        conn.execute(insert(alias_table).values({"alias": alias, owner_column: oid}))
    audit.record(conn, actor, action, owner, before=before, after=sorted(aliases))
    db.bump_data_version(conn)


def set_region_aliases(conn: Connection, region: str, aliases: list[str], actor: str) -> None:
    _set_aliases(conn, Region, RegionAlias, "region_id", "县区", region, aliases, actor, "region_aliases")


def set_chain_aliases(conn: Connection, chain: str, aliases: list[str], actor: str) -> None:
    _set_aliases(conn, Chain, ChainAlias, "chain_id", "产业链", chain, aliases, actor, "chain_aliases")


def tags(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(select(Tag.id, Tag.name, Tag.kind).order_by(Tag.id)).mappings()]


def add_tag(conn: Connection, name: str, kind: str, actor: str) -> int:
    """A new enterprise tag; ``kind`` top500 / little_giant makes it count for 500强 / 小巨人."""
    name = name.strip()
    if not name:
        raise ConfigError(CONFIG_MSG["tag_empty"])
    if kind not in TAG_KINDS:
        raise ConfigError(CONFIG_MSG["tag_kind"].format(kind=kind))
    if conn.scalar(select(Tag.id).where(Tag.name == name)) is not None:
        raise ConfigError(CONFIG_MSG["tag_taken"].format(name=name))
    tid = conn.execute(insert(Tag).values(name=name, kind=kind)).inserted_primary_key[0]
    audit.record(conn, actor, "tag_add", name, after={"类别": TAG_KINDS[kind]})
    db.bump_data_version(conn)
    return tid


# ---- the admin's values of the editable settings (kept in ``meta``, see data_access.settings)

def setting_values(conn: Connection) -> dict[str, dict]:
    """Per editable setting: the text in force, and where it comes from (admin / env / default)."""
    stored = {k.removeprefix(settings.OVERRIDE_PREFIX): v for k, v in conn.execute(
        select(Meta.key, Meta.value).where(Meta.key.startswith(settings.OVERRIDE_PREFIX))).all()}
    out = {}
    for s in settings.EDITABLE:
        if s.name in stored:
            out[s.name] = {"text": stored[s.name], "source": "admin"}
        else:
            out[s.name] = {"text": settings.env_value(s.name), "source": "env" if s.env in os.environ else "default"}
    return out


def _check_setting(name: str, text: str, values: dict[str, str]):
    label = SETTING_LABELS[name]
    try:
        value = settings.setting(name).parse(text)
    except (ValueError, InvalidOperation, ArithmeticError) as exc:
        raise ConfigError(CONFIG_MSG["setting_bad"].format(label=label, value=text)) from exc
    if name == "ranking_weights":
        unknown = [k for k in value if k not in TARGET_INDICATORS.values()]
        if unknown or any(w < 0 for w in value.values()) or sum(value.values()) <= 0:
            raise ConfigError(CONFIG_MSG["weights_bad"])
    elif name in ("warning_yellow_pp", "project_yellow_months") and value <= 0:
        raise ConfigError(CONFIG_MSG["setting_positive"].format(label=label))
    elif name == "ranking_completion_cap" and value < 100:
        raise ConfigError(CONFIG_MSG["cap_low"])
    months = {k: settings.setting(k).parse(values[k]) for k in ("project_yellow_months", "project_red_months")}
    if months["project_red_months"] < months["project_yellow_months"]:
        raise ConfigError(CONFIG_MSG["months_order"])
    return value


def save_settings(conn: Connection, changes: dict[str, str], actor: str) -> int:
    """Store the admin's values (name -> text) after checking each; audited; returns how many changed."""
    current = {k: v["text"] for k, v in setting_values(conn).items()}
    wanted = current | {k: str(v).strip() for k, v in changes.items()}
    changed = 0
    for name in changes:
        if name not in current:
            raise ConfigError(CONFIG_MSG["setting_unknown"].format(name=name))
        _check_setting(name, wanted[name], wanted)
        if wanted[name] != current[name]:
            db.set_meta(conn, settings.OVERRIDE_PREFIX + name, wanted[name])
            audit.record(conn, actor, "setting", SETTING_LABELS[name], before=current[name], after=wanted[name])
            changed += 1
    if changed:
        db.bump_data_version(conn)
    return changed


def reset_setting(conn: Connection, name: str, actor: str) -> None:
    """Drop the admin's value of ``name``: the environment (or the default) applies again."""
    key = settings.OVERRIDE_PREFIX + name
    before = db.get_meta(conn, key)
    if before is None:
        return
    conn.execute(delete(Meta).where(Meta.key == key))
    after = settings.env_value(name)
    wanted = {k: v["text"] for k, v in setting_values(conn).items()}
    _check_setting(name, after, wanted)
    audit.record(conn, actor, "setting", SETTING_LABELS[name], before=before, after=after)
    db.bump_data_version(conn)


def regions(conn: Connection, include_city: bool = False) -> list[dict]:
    stmt = select(Region.id, Region.name, Region.kind).order_by(Region.sort_order, Region.id)
    if not include_city:
        stmt = stmt.where(Region.name != CITY_REGION)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def chains(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(select(Chain.id, Chain.name).order_by(Chain.sort_order, Chain.id)).mappings()]


def _named(conn: Connection, owner, alias_column, name: str, label: str) -> int:
    """The id of the region or chain called ``name`` or one of its aliases; ConfigError if none."""
    found = conn.scalar(select(owner.id).where(owner.name == name)) or \
        conn.scalar(select(alias_column).where(alias_column.class_.alias == name))
    if found is None:
        raise ConfigError(f"{label}“{name}”不存在")
    return found


def region_id(conn: Connection, name: str | None) -> int | None:
    """The id of region ``name`` (or alias); None for None or 全市. Raises ConfigError if unknown."""
    if name is None or name == CITY_REGION:
        return None
    return _named(conn, Region, RegionAlias.region_id, name, "县区")


def chain_id(conn: Connection, name: str | None) -> int | None:
    """The id of industry chain ``name`` (or alias); None for None. Raises ConfigError if unknown."""
    return None if name is None else _named(conn, Chain, ChainAlias.chain_id, name, "产业链")
