"""Bench of the 项目库 list query (metrics.projects.search_projects) on 200,000 projects.

    python -m bench.projects_bench [--projects N] [--funds N] [--regions N] [--engines sqlite,postgresql]
                                   [--pg-url URL] [--sqlite-path PATH] [--runs N] [--reuse] [--explain]

Builds the synthetic dataset of bench/bench.py (same generator and loader), then prints the median
milliseconds of one page (the page's rows plus the COUNT/SUM of all matches) for typical searches.
``--reuse`` keeps an existing database of the right size instead of rebuilding it; ``--explain``
prints the query plans. Figures above the target are marked SLOW; the exit status is always 0.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from bench import bench
from data_access import db
from data_access.models import Project, Region
from metrics.period import Scope
from metrics.projects import PAGE_SIZE, list_condition, page_statement, search_projects, search_text, totals_statement

DEFAULT_SQLITE_PATH = bench.OUT_DIR / "projects_bench.db"
TARGET_MS = 200
# a database of its own: the bench drops every table of the database it is given
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/zsdash_projects_bench"


def cases(region_id: int) -> list[tuple[str, dict]]:
    """(label, keyword arguments of search_projects) for the searches a user makes most."""
    period = bench.PERIOD
    return [
        ("first page, newest signed first", {}),
        ("page 2000 (deep OFFSET)", {"page": 2000}),
        ("sorted by amount, largest first", {"sort": "contract_amount"}),
        ("sorted by name, A→Z", {"sort": "name", "descending": False}),
        ("signed in the window", {"period_only": True, "period": period}),
        ("one region, window, by amount", {"scope": Scope(region_id=region_id), "period_only": True,
                                           "period": period, "sort": "contract_amount"}),
        ("stage 签约 only, ≥1亿", {"stages": ("签约",), "scope": Scope(min_amount=Decimal(1))}),
        ("search a project name", {"text": "项目01234"}),
        ("search an enterprise", {"text": "企业000123"}),
        ("search a code, lower case", {"text": "p007-"}),
        ("search 2 characters, few matches", {"text": "华润"}),
        ("search 2 characters, all match (worst)", {"text": "有限"}),
        ("search with no match", {"text": "' OR 1=1 --"}),
    ]


def timed(engine: Engine, kwargs: dict, runs: int) -> tuple[float, float, int]:
    """(median ms, fastest ms, total matches) of one page over ``runs`` runs after one warm-up run;
    each run checks a connection out of the pool, as a page render does. The fastest run shows the
    cost on an idle machine."""
    samples, total = [], 0
    for i in range(runs + 1):
        start = time.perf_counter()
        with engine.connect() as conn:
            _, total, _ = search_projects(conn, page_size=PAGE_SIZE, **kwargs)
        if i:
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), total


def explain(engine: Engine, kwargs: dict) -> list[str]:
    """The plans of the statements search_projects runs."""
    lines = []
    with engine.connect() as conn:
        cond = list_condition(text=kwargs.get("text"), scope=kwargs.get("scope", Scope()),
                              stages=kwargs.get("stages", ()), period_only=kwargs.get("period_only", False),
                              period=kwargs.get("period"), dialect=conn.dialect.name)
        order = {"sort": kwargs.get("sort", "sign_date"), "descending": kwargs.get("descending", True),
                 "page": kwargs.get("page", 1)}
        if search_text(kwargs.get("text")):
            statements = [("page with totals", page_statement(cond, **order, with_totals=True))]
        else:
            statements = [("totals", totals_statement(cond)), ("page", page_statement(cond, **order))]
        prefix = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
        for name, stmt in statements:
            sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
            lines.append(f"    {name}:")
            lines += [f"      {' | '.join(str(v) for v in row)}" for row in conn.execute(text(prefix + sql))]
    return lines


def build(kind: str, args) -> Engine:
    """An engine on a database holding the dataset: reused when ``--reuse`` and the size matches."""
    if args.reuse:
        engine = (db.make_engine(f"sqlite:///{Path(args.sqlite_path).resolve()}") if kind == "sqlite"
                  else db.make_engine(bench._pg_url(args.pg_url).render_as_string(hide_password=False)))
        try:
            with engine.connect() as conn:
                if conn.scalar(select(func.count()).select_from(Project.__table__)) == args.projects:
                    db.upgrade(engine)
                    print(f"{kind}: reusing the existing database", flush=True)
                    return engine
        except Exception:  # missing or unreadable: build it afresh
            pass
        engine.dispose()
    start = time.perf_counter()
    data = bench.generate(args.projects, args.funds, args.regions, args.seed)
    engine = bench.fresh_engine(kind, args)
    bench.load(engine, data)
    print(f"{kind}: built {args.projects} projects in {time.perf_counter() - start:.1f} s", flush=True)
    return engine


def run(args) -> list[str]:
    """The report lines for every engine and case."""
    lines = []
    for kind in args.engines:
        engine = build(kind, args)
        try:
            with engine.connect() as conn:
                region_id = conn.scalar(select(Region.id).where(Region.name == "第001县"))
            for label, kwargs in cases(region_id):
                median, fastest, total = timed(engine, kwargs, args.runs)
                status = "OK" if median < TARGET_MS else "SLOW"
                lines.append(f"{kind:<11} {label:<40} {median:>8.1f} {fastest:>8.1f} {total:>8}  {status}")
                if args.explain:
                    lines += explain(engine, kwargs)
        finally:
            engine.dispose()
    return lines


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.projects_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=200_000)
    parser.add_argument("--funds", type=int, default=200_000, help="monthly funds rows")
    parser.add_argument("--regions", type=int, default=100)
    parser.add_argument("--engines", default="sqlite", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help="PostgreSQL database to use; EVERY TABLE IN IT IS DROPPED (created when missing)")
    parser.add_argument("--sqlite-path", default=str(DEFAULT_SQLITE_PATH), help="SQLite file (recreated)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per search (median), after one warm-up")
    parser.add_argument("--seed", type=int, default=20261031)
    parser.add_argument("--reuse", action="store_true", help="reuse an existing database of the same size")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args(argv)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if set(args.engines) - {"sqlite", "postgresql"}:
        parser.error("engines: sqlite, postgresql")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    lines = run(args)
    print()
    print(f"{'engine':<11} {'search (one page of ' + str(PAGE_SIZE) + ' + totals)':<40} {'median ms':>9} "
          f"{'min ms':>8} {'matches':>8}")
    for line in lines:
        print(line)
    print(f"target: < {TARGET_MS} ms per page (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
