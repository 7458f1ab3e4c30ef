"""Bench of the upload import on a realistic, large workbook.

    python -m bench.import_bench [--rows N] [--funds N] [--regions N] [--engines sqlite,postgresql]
                                 [--pg-url URL] [--sqlite-path PATH] [--plain-runs N] [--cli-runs N] [--seed N]
                                 [--profile]

Builds (with openpyxl) a workbook in the upload template's columns: a ``--rows``-row 项目台账 for
``--regions`` counties (title row, header, every stage, tags, 本月到位资金 on about a third of the
rows) and a ``--funds``-row 到位资金明细 for those projects over the months before the reporting
period 2026-10, and writes it under bench/out/. Then, per engine, in a fresh process (so its peak
memory is the import's, not this generator's), on a fresh database (SQLite file under bench/out/;
for PostgreSQL every table of the given database is dropped first) with the counties added, it runs
``import_workbook`` for the whole city twice:

- a dry run (what the upload page's preview does), which also warms the process up, then
- the real, committed import, timed as a whole and by phase: read (``data_access.excel.read_workbook``:
  the upload checks, waiting for the reader workers and the typed rows), validate (``_Plan.check`` and
  ``_Plan.check_codes``), write rows (``_Plan.write``), rebuild ``monthly_fact``, and the rest (names,
  the archived file, waiting for the background write, commit). The importer checks the sheets read
  first while the workers read the others, and writes the ledger's projects in a background thread
  meanwhile, so the phases interleave; each is the sum of the time spent in it, and the rest is the
  total less the phases of the importing thread (the background write is shown apart).

Then, per engine, it times the command line as a whole, start-up included, in a process of its own
(see ``measure_cli``): on a fresh database again (the same SQLite file or PostgreSQL database, the
counties added), ``python cli.py import FILE --period 2026-10`` once, wall clock (the process has no
dry run to warm it up), and its start-up alone, best of ``--cli-runs``: ``python cli.py batches`` on
that database (the same modules imported, the database opened and its migrations checked, one small
query), ``python -c "import cli"`` (the imports only) and ``python -c pass`` (the interpreter alone).
The table shows them under the in-process total, with the whole command less that total.

The phases are timed by wrapping those functions at run time (read_workbook gives the sheets one by
one: the time of each step counts); nothing in data_access/ is changed.
Peak memory is ``ru_maxrss`` of the importing process (over the dry run and the real import; its
baseline after start-up is shown too) and of its children: the reader worker, run once on the file
reading every sheet (an import splits them between two workers, each below that) while the importing
process is still small (see ``measure``). Generating the workbook and the plain
reads run in a child process too, so this process stays small and no child inherits its size.
The total is compared with the fastest plain read of the same file (python-calamine reading every
sheet to Python objects; openpyxl read_only ``iter_rows(values_only=True)``), best of
``--plain-runs``. Targets: total < 5 s on SQLite, ≤ 3× the plain read, peak memory < 500 MB; a
miss is reported as SLOW and does not change the exit status, which is 1 only when an import (in
process or by the command line) does not write what the workbook holds.
"""
from __future__ import annotations

import argparse
import bisect
import calendar
import cProfile
import datetime as dt
import inspect
import io
import json
import math
import os
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

from bench.synthetic import lifecycle

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_SQLITE_PATH = OUT_DIR / "import_bench.db"
# as bench/bench.py (not imported here: this process stays small, see in_child)
DEFAULT_PG_URL = os.environ.get("ZSDASH_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/zsdash_bench")
YEAR, MONTH = 2026, 10  # the reporting period; funds history from FIRST_YEAR-01 through 2026-09
FIRST_YEAR = 2024
# the command lines timed by measure_cli; FILE stands for the workbook
CLI_COMMANDS = {
    "cli_import": ["cli.py", "import", "FILE", "--period", f"{YEAR}-{MONTH:02d}"],
    "cli_batches": ["cli.py", "batches"],
    "cli_modules": ["-c", "import cli"],
    "cli_python": ["-c", "pass"],
}
TARGET_TOTAL_S = 5.0
TARGET_RATIO = 3.0
TARGET_MEMORY_MB = 500
COUNTIES = ("东城区", "西城区", "南湖区", "北山县", "临江县", "青山区", "白水县", "长岭县", "云溪区", "石门县",
            "桃源县", "龙泉市")
PRODUCTS = ("智能家电", "新能源电池", "实木家具", "医用敷料", "服装")
LEADERS = ("张副市长", "李副市长", "王副书记", "赵常委", "刘副县长", "陈局长")

# row labels of the printed table (the small test checks them)
LABELS = {
    "read": "read (read_workbook)",
    "validate": "validate (_Plan.check)",
    "write": "write rows (_Plan.write)",
    "facts": "rebuild monthly_fact",
    "background": "  of which in the background",
    "rest": "rest (names, archive, waiting, commit)",
    "total": "total import_workbook",
    "cli_import": "python cli.py import (whole process)",
    "cli_overhead": "  less total import_workbook",
    "cli_batches": "start-up: python cli.py batches",
    "cli_modules": "  of which python -c \"import cli\"",
    "cli_python": "  of which python -c pass",
    "dry_run": "dry run (preview), total",
    "ratio": "total / fastest plain read",
    "mem_self": "peak memory, importing process",
    "mem_children": "peak memory, reader worker",
    "mem_before": "memory before the imports (baseline)",
}
PLAIN_LABELS = {"calamine": "python-calamine, all sheets to_python", "openpyxl": "openpyxl read_only iter_rows"}


# ----------------------------------------------------------------------------------------------
# the workbook

def generate(n_rows: int, n_funds: int, n_regions: int, seed: int) -> tuple[list[list], list[list], dict]:
    """Deterministic 项目台账 and 到位资金明细 rows in the template's column order, and what the import
    should then write (project count, funds rows)."""
    from data_access.models import CHANNELS, DEFAULT_CHAINS, ORIGINS

    rng = random.Random(seed)
    counties = [COUNTIES[i] if i < len(COUNTIES) else f"第{i + 1:02d}县" for i in range(n_regions)]
    first = dt.date(FIRST_YEAR, 1, 1).toordinal()
    last = dt.date(YEAR, MONTH, calendar.monthrange(YEAR, MONTH)[1]).toordinal()
    lo, hi, mode = math.log(0.05), math.log(50), math.log(0.5)
    ledger: list[list] = []
    signed: list[tuple[int, int]] = []  # (ledger index, month index of signing)
    month_funds = 0
    for i in range(n_rows):
        county = rng.choice(counties)
        code = f"ZS{YEAR}-{counties.index(county) + 1:02d}-{i + 1:06d}"
        amount = round(math.exp(rng.triangular(lo, hi, mode)), 2)
        tags = [t for t, p in (("世界500强", 0.01), ("中国500强", 0.02), ("专精特新小巨人", 0.04), ("瞪羚", 0.03),
                               ("上市公司", 0.03)) if rng.random() < p]
        funds_now = None
        stage, sign, start, production, planned = lifecycle(rng, first, last, 0.7, 0.5)
        if sign is None:
            amount = None if rng.random() < 0.5 else amount  # an intention amount, or none yet
        else:
            signed.append((i, (sign.year - FIRST_YEAR) * 12 + sign.month - 1))
            if rng.random() < 0.33:
                funds_now = round(amount * rng.uniform(0.01, 0.1), 4)
                month_funds += 1
        product = rng.choice(PRODUCTS)
        investor = f"{rng.choice('华中新恒瑞')}{i % 2500:04d}科技有限公司"
        ledger.append([
            code, f"年产{rng.randint(1, 99)}万件{product}项目{i + 1:06d}", county, rng.choice(DEFAULT_CHAINS), investor,
            "、".join(tags) or None, rng.choice(("是", "是", "否")), rng.choice(ORIGINS), rng.choice(CHANNELS), stage,
            sign, amount, start, production, planned, funds_now, rng.choice(LEADERS),
            "重点项目" if rng.random() < 0.1 else None])

    # funds: distinct (project, month) pairs from the signing month through 2026-09
    last_index = (YEAR - FIRST_YEAR) * 12 + MONTH - 2
    spans = [(i, s, last_index - s + 1) for i, s in signed if s <= last_index]
    offsets, total = [], 0
    for _, _, n in spans:
        offsets.append(total)
        total += n
    n_funds = min(n_funds, total)
    funds: list[list] = []
    for k in sorted(rng.sample(range(total), n_funds)):
        j = bisect.bisect_right(offsets, k) - 1
        i, s, _ = spans[j]
        m = s + k - offsets[j]
        row = ledger[i]
        funds.append([row[0], row[2], row[1], FIRST_YEAR + m // 12, m % 12 + 1,
                      round((row[11] or 1) * rng.uniform(0.005, 0.05), 4)])
    expected = {"projects": n_rows, "funds": n_funds + month_funds, "regions": counties}
    return ledger, funds, expected


def build_workbook(ledger: list[list], funds: list[list]) -> bytes:
    """The .xlsx (write-only openpyxl): a title row and the template's headers on 项目台账, the
    template's headers on 到位资金明细; dates and amounts formatted as the template does."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    from data_access.excel import FUNDS, LEDGER
    from data_access.template import header_text

    wb = openpyxl.Workbook(write_only=True)
    for spec, rows, title in ((LEDGER, ledger, f"{YEAR}年1-{MONTH}月招商引资项目台账"), (FUNDS, funds, None)):
        ws = wb.create_sheet(spec.name)
        if title:
            ws.append([title])
        ws.append([header_text(c) for c in spec.columns])
        kinds = [c.kind for c in spec.columns]
        for values in rows:
            cells = []
            for kind, value in zip(kinds, values):
                if value is not None and kind in ("date", "amount"):
                    cell = WriteOnlyCell(ws, value)
                    cell.number_format = "yyyy-mm-dd" if kind == "date" else "0.00"
                    value = cell
                cells.append(value)
            ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------
# plain reads (the floor any importer of this file pays)

def plain_calamine(content: bytes) -> int:
    import python_calamine
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)


def plain_openpyxl(content: bytes) -> int:
    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return sum(len(list(ws.iter_rows(values_only=True))) for ws in wb.worksheets)
    finally:
        wb.close()


def best_of(fn, content: bytes, runs: int) -> float:
    samples = []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        fn(content)
        samples.append(time.perf_counter() - start)
    return min(samples)


# ----------------------------------------------------------------------------------------------
# the measurement, in a fresh process per engine

def _max_rss_mb(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def measure(kind: str, file: Path, regions: list[str], sqlite_path: str, pg_url: str, profile: bool) -> dict:
    """Dry run, then the real import of ``file`` on a fresh ``kind`` database; timings in seconds.

    Runs in a process of its own. First, while this process is still small, it runs the reader
    worker once on the file, reading every sheet (``upload_guard.SheetReader`` starts it the same
    way, forked, so the worker's ``ru_maxrss`` starts from this process's current size, not from
    its own): that is the peak of a worker (an import's two workers each read a part). (During
    the import the workers fork from a process holding the earlier rows, and Linux counts those
    inherited pages in the child's ``ru_maxrss``.)"""
    content = file.read_bytes()
    worker = subprocess.run([sys.executable, "-m", "data_access.upload_worker", "xlsx", '"*"'], input=content,
                            capture_output=True, cwd=ROOT, preexec_fn=_fork_not_vfork)
    if worker.returncode != 0:
        raise RuntimeError(f"reader worker failed: {worker.stderr.decode(errors='replace')}")
    del worker
    mem_worker = _max_rss_mb(resource.RUSAGE_CHILDREN)

    from sqlalchemy import func, select

    import data_access.importer as importer
    from data_access.models import Funds, Project

    engine = prepared_engine(kind, regions, sqlite_path, pg_url)
    try:

        phases: dict[str, float] = defaultdict(float)

        def timed(name, fn):
            def wrapper(*args, **kwargs):
                start = time.perf_counter()
                try:
                    result = fn(*args, **kwargs)
                finally:
                    phases[name] += time.perf_counter() - start
                    if threading.current_thread() is not threading.main_thread():
                        phases["background"] += time.perf_counter() - start
                return timed_steps(name, result) if inspect.isgenerator(result) else result
            return wrapper

        def timed_steps(name, steps):
            while True:
                start = time.perf_counter()
                try:
                    item = next(steps)
                except StopIteration:
                    return
                finally:
                    phases[name] += time.perf_counter() - start
                yield item

        importer.read_workbook = timed("read", importer.read_workbook)
        importer._Plan.check = timed("validate", importer._Plan.check)
        importer._Plan.check_codes = timed("validate", importer._Plan.check_codes)
        importer._Plan.write = timed("write", importer._Plan.write)
        importer.rebuild_facts = timed("facts", importer.rebuild_facts)

        mem_before = _max_rss_mb(resource.RUSAGE_SELF)
        start = time.perf_counter()
        importer.import_workbook(engine, content, file.name, YEAR, MONTH, dry_run=True)
        dry_run = time.perf_counter() - start
        phases.clear()

        profiler = cProfile.Profile() if profile else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        result = importer.import_workbook(engine, content, file.name, YEAR, MONTH)
        if profiler:
            profiler.disable()
        total = time.perf_counter() - start

        out = dict(phases) | {
            "total": total, "dry_run": dry_run, "rest": total - sum(phases.values()) + 2 * phases["background"],
            "mem_before": mem_before, "mem_self": _max_rss_mb(resource.RUSAGE_SELF),
            "mem_children": mem_worker, "counts": dict(result.counts)}
        with engine.connect() as conn:
            out["db_projects"] = conn.scalar(select(func.count()).select_from(Project))
            out["db_funds"] = conn.scalar(select(func.count()).select_from(Funds))
        if profiler:
            print(f"\n--- cProfile of the real import on {kind} (top 30 by own time) ---")
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(30)
            print(f"--- cProfile of the real import on {kind} (top 30 by cumulative time) ---")
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)
            sys.stdout.flush()
        return out
    finally:
        engine.dispose()


def prepared_engine(kind: str, regions: list[str], sqlite_path: str, pg_url: str):
    """A fresh, migrated ``kind`` database with the counties added, as an administrator prepares one
    before the first upload."""
    from bench.bench import fresh_engine
    from data_access import db
    from data_access.config import add_region

    engine = fresh_engine(kind, SimpleNamespace(sqlite_path=sqlite_path, pg_url=pg_url))
    with engine.begin() as conn:
        for name in regions:
            add_region(conn, name)
        db.bump_data_version(conn)
    return engine


def measure_cli(kind: str, file: Path, regions: list[str], sqlite_path: str, pg_url: str, runs: int) -> dict:
    """``python cli.py import`` of ``file`` on a fresh ``kind`` database, then the command line's
    start-up on that database (``CLI_COMMANDS``, each best of ``runs``); wall clock in seconds, every
    command a process of its own with ZSDASH_DATABASE_URL set, and what the database then holds.

    The database is upgraded and its counties added here, as an administrator prepares one before
    the first upload; the start-up is timed after the import, on a database holding one batch."""
    from sqlalchemy import func, select

    from data_access.models import Funds, Project

    engine = prepared_engine(kind, regions, sqlite_path, pg_url)
    try:
        env = os.environ | {"ZSDASH_DATABASE_URL": engine.url.render_as_string(hide_password=False)}

        def run(key: str) -> float:
            cmd = [sys.executable] + [str(file) if arg == "FILE" else arg for arg in CLI_COMMANDS[key]]
            start = time.perf_counter()
            done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True)
            seconds = time.perf_counter() - start
            if done.returncode != 0:
                raise RuntimeError(f"python {' '.join(cmd[1:])} exited with {done.returncode}: "
                                   f"{done.stderr.decode(errors='replace')}")
            return seconds

        out = {"cli_import": run("cli_import")}
        for key in ("cli_batches", "cli_modules", "cli_python"):
            out[key] = min(run(key) for _ in range(max(1, runs)))
        with engine.connect() as conn:
            out["cli_db_projects"] = conn.scalar(select(func.count()).select_from(Project))
            out["cli_db_funds"] = conn.scalar(select(func.count()).select_from(Funds))
        return out
    finally:
        engine.dispose()


def _fork_not_vfork() -> None:
    """A preexec_fn makes subprocess fork instead of vfork: a vforked child's ``ru_maxrss`` starts at
    the parent's peak (the exec'd image inherits the shared address space's high-water mark)."""


def in_child(what: str, args, **extra) -> dict:
    """Run ``--child what`` in a fresh process (forked, see _fork_not_vfork); returns its JSON result."""
    with tempfile.TemporaryDirectory() as tmp:
        result_path = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "bench.import_bench", "--child", what, "--result", str(result_path),
               "--rows", str(args.rows), "--funds", str(args.funds), "--regions", str(args.regions),
               "--seed", str(args.seed), "--out-dir", args.out_dir, "--plain-runs", str(args.plain_runs),
               "--cli-runs", str(args.cli_runs),
               "--sqlite-path", args.sqlite_path, "--pg-url", args.pg_url] + (["--profile"] if args.profile else [])
        for name, value in extra.items():
            cmd += [f"--{name.replace('_', '-')}", value]
        done = subprocess.run(cmd, cwd=ROOT, preexec_fn=_fork_not_vfork)
        if done.returncode != 0:
            raise RuntimeError(f"{what}: process exited with {done.returncode}")
        return json.loads(result_path.read_text(encoding="utf-8"))


def make_workbook(args) -> dict:
    """Generate and write the workbook, then time the plain reads of it (the ``generate`` child)."""
    start = time.perf_counter()
    ledger, funds, expected = generate(args.rows, args.funds, args.regions, args.seed)
    content = build_workbook(ledger, funds)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    file = out_dir / f"import_bench_{args.rows}x{args.funds}.xlsx"
    file.write_bytes(content)
    info = {"file": str(file), "mb": len(content) / 1024 / 1024, "ledger": len(ledger), "funds": len(funds),
            "seconds": time.perf_counter() - start, "expected": expected}
    del funds
    info["plain"] = {"calamine": best_of(plain_calamine, content, args.plain_runs),
                     "openpyxl": best_of(plain_openpyxl, content, args.plain_runs)}
    info["formats"] = format_reads(ledger, args.plain_runs)
    return info


def format_reads(ledger: list[list], runs: int) -> dict[str, float]:
    """The importer's read (``read_workbook``: the upload checks, the confined reader worker, the
    typed rows) of the 项目台账 alone saved as .xlsx, .xls (Excel 97–2003) and .ods, best of
    ``runs``."""
    from data_access.excel import LEDGER, read_workbook
    from data_access.template import header_text
    from tests.formats import as_ods, as_xls

    sheets = {LEDGER.name: [[header_text(c) for c in LEDGER.columns], *ledger]}
    files = {"xlsx": build_workbook(ledger, []), "xls": as_xls(sheets), "ods": as_ods(sheets)}
    read = {}
    for kind, content in files.items():
        rows = [len(item.rows.rows) for item in read_workbook(content) if item.sheet is LEDGER and item.rows]
        if rows != [len(ledger)]:
            raise RuntimeError(f".{kind}: read {rows} rows of 项目台账, expected {len(ledger)}")
        read[kind] = best_of(lambda c: list(read_workbook(c)), content, runs)
    return read


# ----------------------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.import_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="项目台账 rows")
    parser.add_argument("--funds", type=int, default=100_000, help="到位资金明细 rows")
    parser.add_argument("--regions", type=int, default=8)
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL,
                        help="PostgreSQL database to use; EVERY TABLE IN IT IS DROPPED (created when missing)")
    parser.add_argument("--sqlite-path", default=str(DEFAULT_SQLITE_PATH), help="SQLite file (recreated)")
    parser.add_argument("--out-dir", default=str(OUT_DIR), help="where the workbook is written")
    parser.add_argument("--plain-runs", type=int, default=3, help="plain reads: best of this many runs")
    parser.add_argument("--cli-runs", type=int, default=3, help="the command line's start-up: best of this many runs")
    parser.add_argument("--seed", type=int, default=20261031)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each real import")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--regions-json", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    return args


def _mark(ok: bool) -> str:
    return "OK" if ok else "SLOW"


def print_table(results: dict[str, dict], plain: dict[str, float], cli_runs: int, formats: dict[str, float],
                ledger_rows: int) -> None:
    engines = list(results)
    fastest = min(plain.values())
    width = 40
    print(f"{'':<{width}} {'unit':<5}" + "".join(f"{e:>16}" for e in engines) + "  target")

    def line(key, unit, fmt, target="", check=None):
        cells = ""
        for e in engines:
            value = results[e][key] if key != "ratio" else results[e]["total"] / fastest
            mark = f" {_mark(check(e, value))}" if check else ""
            cells += f"{format(value, fmt) + mark:>16}"
        print(f"{LABELS[key]:<{width}} {unit:<5}{cells}  {target}")

    for key in ("read", "validate", "write", "background", "facts", "rest"):
        line(key, "s", ".2f")
    line("total", "s", ".2f", f"< {TARGET_TOTAL_S:g} s on SQLite", lambda e, v: v < TARGET_TOTAL_S)
    line("ratio", "×", ".1f", f"≤ {TARGET_RATIO:g}× plain read", lambda e, v: v <= TARGET_RATIO)
    line("dry_run", "s", ".2f")
    for key in ("cli_import", "cli_overhead", "cli_batches", "cli_modules", "cli_python"):
        line(key, "s", ".2f")
    line("mem_self", "MB", ".0f", f"< {TARGET_MEMORY_MB} MB", lambda e, v: v < TARGET_MEMORY_MB)
    line("mem_children", "MB", ".0f", f"< {TARGET_MEMORY_MB} MB", lambda e, v: v < TARGET_MEMORY_MB)
    line("mem_before", "MB", ".0f")
    print("plain read of the same file (best of runs):")
    for name, seconds in plain.items():
        print(f"  {PLAIN_LABELS[name]:<{width - 2}} {'s':<5}{seconds:>16.2f}" +
              ("  ← fastest" if seconds == fastest else ""))
    print(f"the importer's read of the {ledger_rows:,}-row 项目台账 alone, by format (best of runs):")
    for kind, seconds in formats.items():
        print(f"  {'read_workbook, .' + kind:<{width - 2}} {'s':<5}{seconds:>16.2f}")
    print(f"python cli.py import: once, on a fresh database; the start-up commands: best of {max(1, cli_runs)} runs")
    print(f"targets: total < {TARGET_TOTAL_S:g} s on SQLite, ≤ {TARGET_RATIO:g}× plain read, "
          f"peak memory < {TARGET_MEMORY_MB} MB")


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:  # a child process: do one part, write its result as JSON
        if args.child == "generate":
            result = make_workbook(args)
        elif args.child == "cli":
            result = measure_cli(args.kind, Path(args.file), json.loads(args.regions_json), args.sqlite_path,
                                 args.pg_url, args.cli_runs)
        else:
            result = measure(args.child, Path(args.file), json.loads(args.regions_json), args.sqlite_path,
                             args.pg_url, args.profile)
        Path(args.result).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return 0

    # this process only orchestrates (stdlib only), so the children's peak memory is their own
    info = in_child("generate", args)
    expected = info["expected"]
    print(f"workbook: {info['file']} ({info['mb']:.1f} MB): 项目台账 {info['ledger']} rows, "
          f"到位资金明细 {info['funds']} rows, {args.regions} counties, period {YEAR}-{MONTH:02d}; "
          f"built in {info['seconds']:.1f} s", flush=True)
    results, problems = {}, []
    regions_json = json.dumps(expected["regions"], ensure_ascii=False)
    for kind in args.engines:
        r = in_child(kind, args, file=info["file"], regions_json=regions_json)
        results[kind] = r
        print(f"{kind}: imported {r['counts'].get('new_projects')} projects, {r['counts'].get('funds_rows')} "
              f"funds rows in {r['total']:.2f} s", flush=True)
        r |= in_child("cli", args, kind=kind, file=info["file"], regions_json=regions_json)
        r["cli_overhead"] = r["cli_import"] - r["total"]
        print(f"{kind}: python cli.py import wrote {r['cli_db_projects']} projects, {r['cli_db_funds']} funds rows "
              f"in {r['cli_import']:.2f} s (start-up {r['cli_batches']:.2f} s)", flush=True)
        for what, prefix in (("import_workbook", "db"), ("python cli.py import", "cli_db")):
            held = (r[f"{prefix}_projects"], r[f"{prefix}_funds"])
            if held != (expected["projects"], expected["funds"]):
                problems.append(f"{kind}, {what}: database holds {held[0]} projects and {held[1]} funds rows, "
                                f"expected {expected['projects']} and {expected['funds']}")

    print()
    print_table(results, info["plain"], args.cli_runs, info["formats"], info["ledger"])
    for line in problems:
        print(f"WRONG: {line}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
