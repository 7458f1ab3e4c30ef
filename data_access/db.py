"""Engine, schema upgrade, and the data version that every write bumps."""
from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    Date,
    Engine,
    Integer,
    Numeric,
    String,
    cast,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.engine import make_url

from data_access import settings
from data_access.models import CITY_REGION, DEFAULT_CHAINS, DEFAULT_TAGS, Chain, Meta, Region, Tag

ROOT = Path(__file__).resolve().parent.parent


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: the configured database). SQLite gets WAL and foreign keys."""
    url = make_url(url or settings.get("database_url"))
    if url.drivername.startswith("sqlite"):
        if url.database and url.database != ":memory:":
            path = Path(url.database)
            if not path.is_absolute():
                path = ROOT / path
            path.parent.mkdir(parents=True, exist_ok=True)
            url = url.set(database=str(path))
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, pool_pre_ping=True)


_shared: dict[str, Engine] = {}
_shared_lock = threading.Lock()


def engine_for(url: str | None = None) -> Engine:
    """One shared engine per URL per process (default: the configured database)."""
    url = url or settings.get("database_url")
    with _shared_lock:  # sessions run in threads: one engine per URL, not one per racing session
        if url not in _shared:
            _shared[url] = make_engine(url)
        return _shared[url]


def dispose_shared_engines() -> None:
    """Close the pooled connections of every shared engine and forget them (a test's database is
    dropped after it; without this each test would leave its pool's connections open)."""
    with _shared_lock:
        while _shared:
            _shared.popitem()[1].dispose()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration and make sure the defaults exist."""
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "data_access" / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        _ensure_defaults(conn)


def _ensure_defaults(conn: Connection) -> None:
    if conn.scalar(select(Region.id).where(Region.name == CITY_REGION)) is None:
        conn.execute(insert(Region).values(name=CITY_REGION, kind="市", sort_order=0))
    if conn.scalar(select(Chain.id).limit(1)) is None:
        conn.execute(insert(Chain), [{"name": n, "sort_order": i} for i, n in enumerate(DEFAULT_CHAINS, 1)])
    if conn.scalar(select(Tag.id).limit(1)) is None:
        conn.execute(insert(Tag), [{"name": n, "kind": k} for n, k in DEFAULT_TAGS.items()])
    if get_meta(conn, "data_version") is None:
        set_meta(conn, "data_version", "0")


def get_meta(conn: Connection, key: str) -> str | None:
    return conn.scalar(select(Meta.value).where(Meta.key == key))


def set_meta(conn: Connection, key: str, value: str) -> None:
    if conn.execute(update(Meta).where(Meta.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(Meta).values(key=key, value=value))


def data_version(conn: Connection) -> int:
    """A number that changes whenever data changes; caches are keyed by it."""
    return int(get_meta(conn, "data_version") or 0)


def refresh(conn: Connection) -> int:
    """The data version, with the admin's setting values (kept in ``meta``) installed for this
    process on the way: one query, so every page run sees the thresholds its cached figures used."""
    meta = dict(conn.execute(select(Meta.key, Meta.value)).all())
    settings.use_overrides({k.removeprefix(settings.OVERRIDE_PREFIX): v for k, v in meta.items()
                            if k.startswith(settings.OVERRIDE_PREFIX)})
    return int(meta.get("data_version") or 0)


def bump_data_version(conn: Connection) -> None:
    """Call inside the writing transaction, so readers see the new version with the new data.
    One statement, so two overlapping imports count twice (the row lock orders them)."""
    conn.execute(update(Meta).where(Meta.key == "data_version")
                 .values(value=cast(cast(Meta.value, Integer) + 1, String)))


def is_demo(conn: Connection) -> bool:
    return get_meta(conn, "demo") == "1"


def bulk_insert(conn: Connection, table, cols: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows (tuples in ``cols`` order) through the driver (COPY on PostgreSQL,
    executemany on SQLite): SQLAlchemy's per-row parameter processing costs more than the insert
    itself at 100,000 rows. SQLite gets Decimal as text, which its NUMERIC affinity stores as a
    number, and dates as ISO text, as SQLAlchemy stores them."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":  # COPY: several times faster than executemany
        with conn.connection.driver_connection.cursor() as cursor, \
                cursor.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        return
    columns = list(zip(*rows))
    for i, name in enumerate(cols):
        if isinstance(table.c[name].type, (Numeric, Date)):
            column = columns[i]
            columns[i] = [v if v is None else str(v) for v in column] if None in column else list(map(str, column))
    sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    conn.exec_driver_sql(sql, list(zip(*columns)))
