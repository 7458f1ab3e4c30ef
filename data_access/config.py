"""Configuration rows: regions (with aliases) and industry chains."""
from __future__ import annotations

from sqlalchemy import Connection, func, insert, select

from data_access.models import CITY_REGION, Chain, Region, RegionAlias


class ConfigError(ValueError):
    """A configuration change that was refused; the message is for the user (Chinese)."""


def add_region(conn: Connection, name: str, kind: str = "县区", aliases: tuple[str, ...] = ()) -> int:
    name = name.strip()
    if not name:
        raise ConfigError("县区名称不能为空")
    taken = set(conn.scalars(select(Region.name))) | set(conn.scalars(select(RegionAlias.alias)))
    for value in (name, *aliases):
        if value in taken:
            raise ConfigError(f"名称“{value}”已被使用")
    order = (conn.scalar(select(func.max(Region.sort_order))) or 0) + 1
    rid = conn.execute(insert(Region).values(name=name, kind=kind, sort_order=order)).inserted_primary_key[0]
    for alias in aliases:
        conn.execute(insert(RegionAlias).values(alias=alias.strip(), region_id=rid))
    return rid


def add_chain(conn: Connection, name: str) -> int:
    name = name.strip()
    if not name:
        raise ConfigError("产业链名称不能为空")
    if conn.scalar(select(Chain.id).where(Chain.name == name)) is not None:
        raise ConfigError(f"产业链“{name}”已存在")
    order = (conn.scalar(select(func.max(Chain.sort_order))) or 0) + 1
    return conn.execute(insert(Chain).values(name=name, sort_order=order)).inserted_primary_key[0]


def regions(conn: Connection, include_city: bool = False) -> list[dict]:
    stmt = select(Region.id, Region.name, Region.kind).order_by(Region.sort_order, Region.id)
    if not include_city:
        stmt = stmt.where(Region.name != CITY_REGION)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def chains(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(select(Chain.id, Chain.name).order_by(Chain.sort_order, Chain.id)).mappings()]


def region_id(conn: Connection, name: str | None) -> int | None:
    """The id of region ``name`` (or alias); None for None or 全市. Raises ConfigError if unknown."""
    if name is None or name == CITY_REGION:
        return None
    rid = conn.scalar(select(Region.id).where(Region.name == name)) or \
        conn.scalar(select(RegionAlias.region_id).where(RegionAlias.alias == name))
    if rid is None:
        raise ConfigError(f"县区“{name}”不存在")
    return rid
