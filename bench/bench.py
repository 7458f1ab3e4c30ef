"""Bench of the 总览 and county-ranking metrics on a province-scale synthetic dataset.

    python -m bench.bench [--projects N] [--funds N] [--regions N] [--engines sqlite,postgresql]
                          [--pg-url URL] [--sqlite-path PATH] [--runs N] [--seed N] [--detail]

For each engine it builds a fresh database (SQLite file under bench/out/; for PostgreSQL every table
of the given database is dropped first), loads a deterministic synthetic dataset, rebuilds
``monthly_fact``, and then times

- ``metrics.figures.overview`` and ``metrics.ranking.county_ranking`` for 2026-10, and
- next to each, an independent plain GROUP BY over the raw tables (written here, not through
  ``metrics``) that computes the same base figures,

as the median of ``--runs`` runs after one warm-up run. Finally it checks that the metric figures
equal the plain GROUP BY figures and exits with status 1 when any differ. Timings above the
target are reported as SLOW but do not change the exit status.
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import math
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Date, Engine, bindparam, create_engine, func, insert, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from bench.synthetic import lifecycle
from data_access import db
from data_access.facts import rebuild_facts
from data_access.models import (
    CHANNELS,
    CITY_REGION,
    DEFAULT_CHAINS,
    DEFAULT_TAGS,
    ORIGINS,
    RESIDENT_CHANNEL,
    AnnualTarget,
    Base,
    Chain,
    Funds,
    MonthlyFact,
    Project,
    Region,
)
from labels import TARGET_INDICATORS
from metrics.figures import overview, resident_activity, targets
from metrics.measures import measures, new_enterprises
from metrics.period import Period, Scope
from metrics.ranking import county_ranking

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_SQLITE_PATH = OUT_DIR / "bench.db"
# a database of its own: the bench drops every table of the database it is given
DEFAULT_PG_URL = os.environ.get("ZSDASH_BENCH_PG_URL",
                                "postgresql+psycopg://postgres@127.0.0.1:5432/zsdash_bench")

FIRST_YEAR, LAST_YEAR, LAST_MONTH = 2024, 2026, 10  # data from 2024-01 through 2026-10
PERIOD = Period(LAST_YEAR, LAST_MONTH)
TARGET_MS = 150
CENT = Decimal("0.0001")

PROJECT_COLUMNS = ("id", "code", "name", "investor", "region_id", "chain_id", "is_manufacturing", "is_top500",
                   "is_little_giant", "tags", "origin", "channel", "stage", "sign_date", "contract_amount",
                   "start_date", "production_date", "planned_production_date", "leader", "note")
FUNDS_COLUMNS = ("project_id", "year", "month", "amount")
TARGETED = ("签约项目数", "合同投资额", "到位资金", "制造业占比")
assert all(name in TARGET_INDICATORS for name in TARGETED)

# base figures compared: overview key -> key of measures() and of the plain GROUP BY
OVERVIEW_KEYS = {
    "signed_count": "signed_count", "signed_amount": "signed_amount",
    "manufacturing_count": "manufacturing_count", "manufacturing_amount": "manufacturing_amount",
    "started_count": "started_count", "production_count": "production_count",
    "projects_over_10yi_count": "over10_count", "projects_over_10yi_amount": "over10_amount",
    "top500_projects": "top500_projects", "funds_in_place": "funds_in_place",
    "manufacturing_funds": "manufacturing_funds",
}
RANKING_KEYS = ("signed_count", "signed_amount", "funds_in_place")


# ----------------------------------------------------------------------------------------------
# synthetic dataset

@dataclass
class Dataset:
    regions: list[str]
    # PROJECT_COLUMNS order; region_id / chain_id hold 0-based indexes into regions / DEFAULT_CHAINS
    projects: list[tuple]
    funds: list[tuple]  # (project_id, year, month, amount in cents of 亿元)
    # (year, region index or None for 全市, indicator, value)
    targets: list[tuple]
    enterprises: int


def _month_index(d: dt.date) -> int:
    return (d.year - FIRST_YEAR) * 12 + d.month - 1


def generate(n_projects: int, n_funds: int, n_regions: int, seed: int = 20261031) -> Dataset:
    """A deterministic province-scale dataset (same arguments, same data)."""
    rng = random.Random(seed)
    regions = [f"第{i:03d}县" for i in range(1, n_regions + 1)]
    region_of = rng.choices(range(n_regions), cum_weights=list(itertools.accumulate(
        rng.uniform(0.4, 2.0) for _ in regions)), k=n_projects)
    chain_of = rng.choices(range(len(DEFAULT_CHAINS)), weights=[3, 2, 2, 2, 1, 1][:len(DEFAULT_CHAINS)],
                           k=n_projects)

    # enterprises: ~4 projects each; 500强 (~2%) and 小巨人 (~4%) are properties of the enterprise
    n_enterprises = max(1, n_projects // 4)
    tag_order = list(DEFAULT_TAGS)
    top500_tags = [n for n, k in DEFAULT_TAGS.items() if k == "top500"]
    giant_tags = [n for n, k in DEFAULT_TAGS.items() if k == "little_giant"]
    other_tags = [n for n, k in DEFAULT_TAGS.items() if k == "other"]
    enterprises = []
    for j in range(n_enterprises):
        tags = []
        top500 = rng.random() < 0.02
        giant = rng.random() < 0.04
        if top500:
            tags.append(rng.choice(top500_tags))
        if giant:
            tags.extend(giant_tags)
        tags.extend(t for t in other_tags if rng.random() < 0.03)
        tags.sort(key=tag_order.index)
        enterprises.append((f"企业{j + 1:06d}有限公司", top500, giant, "、".join(tags) or None))

    first = dt.date(FIRST_YEAR, 1, 1).toordinal()
    last = PERIOD.end.toordinal()
    other_channels = [c for c in CHANNELS if c != RESIDENT_CHANNEL]
    leaders = [f"领导{i}" for i in range(1, 21)]
    lo, hi, mode = math.log(5), math.log(5000), math.log(50)  # amounts in cents: 0.05 … 50 亿元, mode 0.5
    projects: list[tuple] = []
    signed: list[tuple[int, int, int]] = []  # (project id, month index of signing, contract cents)
    agg: dict[tuple[int, int], list[int]] = {}  # (region, year) -> [signed count, amount cents, funds cents]
    for i in range(n_projects):
        pid = i + 1
        region, chain = region_of[i], chain_of[i]
        investor, top500, giant, tags = enterprises[rng.randrange(n_enterprises)]
        cents = min(5000, max(5, round(math.exp(rng.triangular(lo, hi, mode)))))
        amount = Decimal(cents).scaleb(-2)
        stage, sign, start, production, planned = lifecycle(rng, first, last, 0.75, 0.55)
        if sign is not None:
            signed.append((pid, _month_index(sign), cents))
            cell = agg.setdefault((region, sign.year), [0, 0, 0])
            cell[0] += 1
            cell[1] += cents
        projects.append((
            pid, f"P{region + 1:03d}-{pid:07d}", f"项目{pid:07d}", investor, region, chain,
            rng.random() < 0.7, top500, giant, tags, rng.choices(ORIGINS, weights=(6, 3, 1))[0],
            RESIDENT_CHANNEL if rng.random() < 0.25 else rng.choice(other_channels), stage, sign, amount,
            start, production, planned, rng.choice(leaders), None))

    # funds: spread n_funds rows over the signed projects in proportion to their months since signing
    last_index = _month_index(dt.date(LAST_YEAR, LAST_MONTH, 1))
    available = [last_index - s + 1 for _, s, _ in signed]
    capacity = sum(available)
    n_rows = min(n_funds, capacity)
    if n_rows < n_funds:
        print(f"note: only {capacity} distinct project-months exist; generating {n_rows} funds rows")
    share = [a * n_rows // capacity for a in available] if capacity else []
    rest = n_rows - sum(share)
    order = list(range(len(signed)))
    rng.shuffle(order)
    for idx in order:  # each project has spare months unless n_rows == capacity, so one pass suffices
        if rest == 0:
            break
        if share[idx] < available[idx]:
            share[idx] += 1
            rest -= 1
    funds: list[tuple] = []
    region_by_pid = region_of
    for (pid, s, cents), k in zip(signed, share):
        if not k:
            continue
        per_month = cents * rng.uniform(0.2, 0.9) / k
        for m in sorted(rng.sample(range(s, last_index + 1), k)):
            value = max(1, int(per_month * rng.uniform(0.5, 1.5)))
            year = FIRST_YEAR + m // 12
            funds.append((pid, year, m % 12 + 1, value))
            agg.setdefault((region_by_pid[pid - 1], year), [0, 0, 0])[2] += value

    # annual targets: around the actual full-year pace of each region; 全市 = sum of the regions
    target_rows: list[tuple] = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        scale = 12 / LAST_MONTH if year == LAST_YEAR else 1
        city = [0, 0, 0]
        for r in range(n_regions):
            count, amount_cents, funds_cents = agg.get((r, year), [0, 0, 0])
            values = [max(1, round(count * scale * rng.uniform(0.85, 1.25))),
                      max(100, round(amount_cents * scale * rng.uniform(0.85, 1.25))),
                      max(100, round(funds_cents * scale * rng.uniform(0.85, 1.25)))]
            city = [a + b for a, b in zip(city, values)]
            target_rows += _target_rows(year, r, values, rng.randint(5500, 7500))
        target_rows += _target_rows(year, None, city, rng.randint(6000, 7000))
    return Dataset(regions, projects, funds, target_rows, n_enterprises)


def _target_rows(year, region, values, share_basis_points):
    count, amount_cents, funds_cents = values
    return [(year, region, "签约项目数", Decimal(count)),
            (year, region, "合同投资额", Decimal(amount_cents).scaleb(-2)),
            (year, region, "到位资金", Decimal(funds_cents).scaleb(-2)),
            (year, region, "制造业占比", Decimal(share_basis_points).scaleb(-2))]


# ----------------------------------------------------------------------------------------------
# building a fresh database

def ensure_pg_database(url: str | URL, admin_url: str | URL | None = None) -> None:
    """Create the PostgreSQL database of ``url`` when missing (via ``admin_url``, default the server's
    ``postgres`` database, then ``test``)."""
    url = _pg_url(url)
    if admin_url is not None:
        candidates = [_pg_url(admin_url)]
    else:
        candidates = [url.set(database=name) for name in ("postgres", "test") if name != url.database]
    error = None
    for admin in candidates:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}):
                    try:
                        conn.exec_driver_sql(f"CREATE DATABASE {conn.dialect.identifier_preparer.quote(url.database)}")
                    except ProgrammingError:  # created meanwhile by a concurrent run
                        pass
            return
        except OperationalError as exc:
            error = exc
        finally:
            engine.dispose()
    raise RuntimeError(f"cannot reach a PostgreSQL database to create {url.database}: {error}")


def _pg_url(url: str | URL) -> URL:
    url = make_url(url)
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


def fresh_engine(kind: str, args) -> Engine:
    """An engine on an empty, upgraded database of ``kind``."""
    if kind == "sqlite":
        path = Path(args.sqlite_path).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        engine = db.make_engine(f"sqlite:///{path}")
    else:
        ensure_pg_database(args.pg_url)
        engine = db.make_engine(_pg_url(args.pg_url).render_as_string(hide_password=False))
        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    db.upgrade(engine)
    return engine


def _bulk(conn, table, columns, rows) -> None:
    """Write ``rows`` (tuples in ``columns`` order, driver-ready for SQLite) as fast as the engine allows."""
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor() as cur:
            with cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, 100_000)):
        conn.exec_driver_sql(sql, chunk)


def load(engine: Engine, data: Dataset) -> dict:
    """Write the dataset, rebuild the summary and ANALYZE; returns the timings in seconds."""
    timings = {}
    start = time.perf_counter()
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        conn.execute(insert(Region), [{"name": n, "kind": "县区", "sort_order": i}
                                      for i, n in enumerate(data.regions, 1)])
        ids = dict(conn.execute(select(Region.name, Region.id)).all())
        region_ids = [ids[n] for n in data.regions]
        city_id = ids[CITY_REGION]
        chains = dict(conn.execute(select(Chain.name, Chain.id)).all())
        chain_ids = [chains[n] for n in DEFAULT_CHAINS]

        table = Project.__table__
        # SQLite: the values SQLAlchemy's own type processors would bind (floats, ISO dates, 0/1)
        procs = [table.c[c].type.bind_processor(conn.dialect) if sqlite else None for c in PROJECT_COLUMNS]
        procs = [(i, p) for i, p in enumerate(procs) if p is not None]
        ri, ci = PROJECT_COLUMNS.index("region_id"), PROJECT_COLUMNS.index("chain_id")

        def project_rows():
            for row in data.projects:
                row = list(row)
                row[ri], row[ci] = region_ids[row[ri]], chain_ids[row[ci]]
                for i, proc in procs:
                    if row[i] is not None:
                        row[i] = proc(row[i])
                yield tuple(row)

        _bulk(conn, table, PROJECT_COLUMNS, project_rows())
        if sqlite:  # cents / 100 is the float SQLAlchemy binds for Decimal(cents).scaleb(-2)
            funds = ((p, y, m, c / 100) for p, y, m, c in data.funds)
        else:
            funds = ((p, y, m, f"{c // 100}.{c % 100:02d}") for p, y, m, c in data.funds)
        _bulk(conn, Funds.__table__, FUNDS_COLUMNS, funds)
        conn.execute(insert(AnnualTarget), [
            {"year": y, "region_id": city_id if r is None else region_ids[r], "indicator": ind, "value": v}
            for y, r, ind, v in data.targets])
        if not sqlite:  # explicit ids were written: move the sequence past them
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('project', 'id'), "
                                 "(SELECT max(id) FROM project))")
        db.bump_data_version(conn)
    timings["load"] = time.perf_counter() - start

    start = time.perf_counter()
    with engine.begin() as conn:
        rebuild_facts(conn, None)
    timings["rebuild_facts"] = time.perf_counter() - start

    start = time.perf_counter()
    if sqlite:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:  # VACUUM includes ANALYZE and sets the visibility map, as autovacuum would soon after a load
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    timings["analyze"] = time.perf_counter() - start
    with engine.connect() as conn:
        timings["fact_rows"] = conn.scalar(select(func.count()).select_from(MonthlyFact.__table__))
    return timings


# ----------------------------------------------------------------------------------------------
# the independent plain GROUP BY over the raw tables

_PROJECT_SQL = """
SELECT {key} AS k,
       COUNT(*) AS signed_count,
       SUM(contract_amount) AS signed_amount,
       SUM(CASE WHEN is_manufacturing THEN 1 ELSE 0 END) AS manufacturing_count,
       SUM(CASE WHEN is_manufacturing THEN contract_amount ELSE 0 END) AS manufacturing_amount,
       SUM(CASE WHEN start_date <= :end THEN 1 ELSE 0 END) AS started_count,
       SUM(CASE WHEN contract_amount >= 10 THEN 1 ELSE 0 END) AS over10_count,
       SUM(CASE WHEN contract_amount >= 10 THEN contract_amount ELSE 0 END) AS over10_amount,
       SUM(CASE WHEN is_top500 THEN 1 ELSE 0 END) AS top500_projects
FROM project
WHERE sign_date BETWEEN :start AND :end
{group}
"""
_PRODUCTION_SQL = """
SELECT {key} AS k, COUNT(*) AS production_count
FROM project
WHERE production_date BETWEEN :start AND :end
{group}
"""
_FUNDS_SQL = """
SELECT {key} AS k,
       SUM(f.amount) AS funds_in_place,
       SUM(CASE WHEN p.is_manufacturing THEN f.amount ELSE 0 END) AS manufacturing_funds
FROM funds f JOIN project p ON p.id = f.project_id
WHERE f.year = :year AND f.month <= :month
{group}
"""
_DATES = (bindparam("start", type_=Date), bindparam("end", type_=Date))


def _plain_statements(by_region: bool):
    key, group = ("region_id", "GROUP BY region_id") if by_region else ("NULL", "")
    fkey, fgroup = ("p.region_id", "GROUP BY p.region_id") if by_region else ("NULL", "")
    return (text(_PROJECT_SQL.format(key=key, group=group)).bindparams(*_DATES),
            text(_PRODUCTION_SQL.format(key=key, group=group)).bindparams(*_DATES),
            text(_FUNDS_SQL.format(key=fkey, group=fgroup)))


PLAIN = {False: _plain_statements(False), True: _plain_statements(True)}
PLAIN_NAMES = tuple(OVERVIEW_KEYS.values())


def plain_figures(conn, period: Period, by_region: bool) -> dict:
    """{None or region_id: {base figure: value}} for the window of ``period``, from the raw tables."""
    signed, production, funds = PLAIN[by_region]
    out: dict = {}
    params = {"start": period.start, "end": period.end}
    for stmt, p in ((signed, params), (production, params), (funds, {"year": period.year, "month": period.month})):
        for row in conn.execute(stmt, p).mappings():
            cell = out.setdefault(row["k"], {})
            cell.update({name: value for name, value in row.items() if name != "k"})
    for cell in out.values():
        for name in PLAIN_NAMES:
            cell.setdefault(name, 0)
    return out


def plain_overview(conn) -> tuple[dict, dict]:
    return plain_figures(conn, PERIOD, False)[None], plain_figures(conn, PERIOD.last_year(), False)[None]


def plain_ranking(conn) -> dict:
    """The same windows county_ranking reads: the period, last year, the previous month and its last year."""
    prev = PERIOD.previous_month()
    out = plain_figures(conn, PERIOD, True)
    for period in (PERIOD.last_year(), prev, prev.last_year()):
        plain_figures(conn, period, True)
    return out


# ----------------------------------------------------------------------------------------------
# timing and verification

def timed(engine: Engine, fn, runs: int) -> float:
    """Median milliseconds of ``fn(conn)`` over ``runs`` runs after one warm-up run; each run checks a
    connection out of the pool, as a page render does."""
    samples = []
    for i in range(runs + 1):
        start = time.perf_counter()
        with engine.connect() as conn:
            fn(conn)
        if i:
            samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def _same(a, b) -> bool:
    return Decimal(str(a or 0)).quantize(CENT) == Decimal(str(b or 0)).quantize(CENT)


def verify(engine: Engine, name: str) -> list[str]:
    """Differences between the metric figures and the plain GROUP BY figures (empty when identical)."""
    diffs = []
    with engine.connect() as conn:
        ov = overview(conn, PERIOD, Scope())
        last = measures(conn, PERIOD.last_year())[None]
        plain_cur, plain_last = plain_overview(conn)
        for key, plain_key in OVERVIEW_KEYS.items():
            if not _same(ov[key], plain_cur[plain_key]):
                diffs.append(f"{name} overview {PERIOD} {key}: metric {ov[key]} != plain {plain_cur[plain_key]}")
            if not _same(last[plain_key], plain_last[plain_key]):
                diffs.append(f"{name} overview {PERIOD.last_year()} {plain_key}: "
                             f"metric {last[plain_key]} != plain {plain_last[plain_key]}")
        rows = county_ranking(conn, PERIOD)
        plain = plain_figures(conn, PERIOD, True)
        region_ids = {rid for rid, in conn.execute(select(Region.id).where(Region.name != CITY_REGION))}
        if {r["region_id"] for r in rows} != region_ids:
            diffs.append(f"{name} ranking: regions {sorted(r['region_id'] for r in rows)} != {sorted(region_ids)}")
        for row in rows:
            expected = plain.get(row["region_id"], {})
            for key in RANKING_KEYS:
                if not _same(row[key], expected.get(key)):
                    diffs.append(f"{name} ranking {row['region']} {key}: metric {row[key]} "
                                 f"!= plain {expected.get(key, 0)}")
        if not any(ov[k] for k in OVERVIEW_KEYS):
            diffs.append(f"{name}: every overview figure is 0 (nothing to compare)")
    return diffs


def detail(engine: Engine, runs: int) -> list[tuple[str, float]]:
    """Where the overview's time goes."""
    parts = [
        ("measures(period)", lambda c: measures(c, PERIOD)),
        ("measures(last year)", lambda c: measures(c, PERIOD.last_year())),
        ("new_enterprises(500强)", lambda c: new_enterprises(c, PERIOD, Scope(), "is_top500")),
        ("new_enterprises(小巨人)", lambda c: new_enterprises(c, PERIOD, Scope(), "is_little_giant")),
        ("targets + resident_activity", lambda c: (targets(c, PERIOD.year, None), resident_activity(c, PERIOD, None))),
        ("measures(period, by region)", lambda c: measures(c, PERIOD, group_by="region")),
    ]
    return [(label, timed(engine, fn, runs)) for label, fn in parts]


# ----------------------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=200_000)
    parser.add_argument("--funds", type=int, default=2_000_000, help="monthly funds rows")
    parser.add_argument("--regions", type=int, default=100)
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help="PostgreSQL database to use; EVERY TABLE IN IT IS DROPPED (created when missing)")
    parser.add_argument("--sqlite-path", default=str(DEFAULT_SQLITE_PATH), help="SQLite file (recreated)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per call (median), after one warm-up")
    parser.add_argument("--seed", type=int, default=20261031)
    parser.add_argument("--detail", action="store_true", help="also time the parts of the overview")
    args = parser.parse_args(argv)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    start = time.perf_counter()
    data = generate(args.projects, args.funds, args.regions, args.seed)
    signed = sum(1 for p in data.projects if p[PROJECT_COLUMNS.index("sign_date")] is not None)
    print(f"dataset: {len(data.projects)} projects ({signed} signed, {data.enterprises} enterprises), "
          f"{len(data.funds)} funds rows, {len(data.regions)} regions, {FIRST_YEAR}-01…{PERIOD}; "
          f"generated in {time.perf_counter() - start:.1f} s", flush=True)

    results, diffs, details = [], [], []
    for kind in args.engines:
        start = time.perf_counter()
        engine = fresh_engine(kind, args)
        try:
            t = load(engine, data)
            print(f"{kind}: dataset built in {time.perf_counter() - start:.1f} s (load {t['load']:.1f} s, "
                  f"rebuild_facts {t['rebuild_facts'] * 1000:.1f} ms, analyze {t['analyze']:.1f} s, "
                  f"monthly_fact rows {t['fact_rows']})", flush=True)
            results.append((kind, "overview", timed(engine, lambda c: overview(c, PERIOD, Scope()), args.runs),
                            timed(engine, plain_overview, args.runs)))
            results.append((kind, "county_ranking", timed(engine, lambda c: county_ranking(c, PERIOD), args.runs),
                            timed(engine, plain_ranking, args.runs)))
            if args.detail:
                details += [(kind, label, ms) for label, ms in detail(engine, args.runs)]
            diffs += verify(engine, kind)
        finally:
            engine.dispose()

    print()
    print(f"{'engine':<11} {'call':<15} {'metric ms':>10} {'plain ms':>10} {'ratio':>7}  vs target")
    for kind, call, metric_ms, plain_ms in results:
        status = "OK" if metric_ms < TARGET_MS else "SLOW"
        print(f"{kind:<11} {call:<15} {metric_ms:>10.1f} {plain_ms:>10.1f} {metric_ms / plain_ms:>7.2f}  {status}")
    print(f"target: < {TARGET_MS} ms per call with an empty cache")
    if details:
        print("\noverview parts (median ms):")
        for kind, label, ms in details:
            print(f"  {kind:<11} {label:<30} {ms:>8.1f}")
    if diffs:
        print(f"figures identical: no ({len(diffs)} differences)")
        for line in diffs[:100]:
            print(f"  {line}")
        return 1
    print("figures identical: yes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
