"""Import safety: a crash during the commit changes nothing, and concurrent uploads never mix.

The held imports run ``python cli.py import`` in a subprocess with ZSDASH_TEST_HOLD_BEFORE_COMMIT=1:
the importer prints HOLD once every row is written (inside the transaction, holding the locks) and
then waits for a line on stdin. Nothing here sleeps: the tests block on that line, on threads and on
events; the only timeouts are safety nets against a hang.

Each test uses its own reporting periods (2017-07 … 2019-06, which no other test uses), because
PostgreSQL advisory locks are per database, not per schema, and other tests run in parallel.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text

from data_access import db
from data_access.importer import import_workbook
from data_access.models import (
    BatchChange,
    Funds,
    ImportBatch,
    ImportFile,
    MonthlyFact,
    Project,
    StageChange,
)
from metrics.figures import overview
from metrics.period import Period, Scope
from tests.builders import LEDGER_HEAD, ledger_row, region, workbook
from tests.conftest import make_test_engine

ROOT = Path(__file__).resolve().parents[2]
D = dt.date
DEC = Decimal
FUNDS_HEAD = ["项目编号", "年份", "月份", "到位资金(亿元)"]
COUNTED = {"project": Project, "funds": Funds, "import_batch": ImportBatch, "batch_change": BatchChange,
           "monthly_fact": MonthlyFact, "stage_change": StageChange, "import_file": ImportFile}
SAFETY_NET = 120  # seconds; only reached when something hangs


# ----------------------------------------------------------------------------------------------
# helpers

@pytest.fixture
def regions(engine):
    with engine.begin() as conn:
        return {"东城区": region(conn, "东城区"), "西城区": region(conn, "西城区")}


@pytest.fixture
def pg_engine(tmp_path, request):
    eng = make_test_engine("postgresql", tmp_path, request)
    with eng.begin() as conn:
        region(conn, "东城区")
        region(conn, "西城区")
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_regions_engine(sqlite_engine):
    with sqlite_engine.begin() as conn:
        region(conn, "东城区")
        region(conn, "西城区")
    return sqlite_engine


def region_ids(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: db_id for db_id, name in conn.execute(text("SELECT id, name FROM region"))}


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.scalar(select(func.count()).select_from(model)) for name, model in COUNTED.items()}


def snapshot(engine, *periods: Period) -> dict:
    """Every overview figure of each period, the row counts and the data version."""
    with engine.connect() as conn:
        return {"figures": {str(p): overview(conn, p, Scope()) for p in periods},
                "data_version": db.data_version(conn)} | {"counts": counts(engine)}


def core(figures: dict) -> tuple:
    return (figures["signed_count"], figures["signed_amount"], figures["manufacturing_count"],
            figures["manufacturing_amount"], figures["started_count"], figures["funds_in_place"],
            figures["manufacturing_funds"])


def cli_env(engine, hold: bool) -> dict:
    env = dict(os.environ, ZSDASH_DATABASE_URL=engine.url.render_as_string(hide_password=False))
    env.pop("ZSDASH_TEST_HOLD_BEFORE_COMMIT", None)
    if hold:
        env["ZSDASH_TEST_HOLD_BEFORE_COMMIT"] = "1"
    return env


def cli_import_args(path: Path, period: str, region_name: str | None) -> list[str]:
    return [sys.executable, "cli.py", "import", str(path), "--period", period] + \
        (["--region", region_name] if region_name else [])


@contextlib.contextmanager
def held_import(engine, path: Path, period: str, region_name: str | None = None):
    """Start ``cli.py import`` with the hold hook; yields the process once it has printed HOLD (all
    rows written, transaction open). The process is killed on the way out if still running."""
    proc = subprocess.Popen(cli_import_args(path, period, region_name), cwd=ROOT, env=cli_env(engine, True),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(SAFETY_NET, proc.kill)
    watchdog.start()
    try:
        before_hold = []
        while (line := proc.stdout.readline()) != "HOLD\n":
            if not line:  # EOF: the import ended (or failed) without reaching the hook
                _, err = proc.communicate()
                pytest.fail(f"import exited with {proc.returncode} before HOLD: {''.join(before_hold)}{err}")
            before_hold.append(line)
        yield proc
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def release(proc) -> str:
    """Let a held import commit; returns its stdout."""
    out, err = proc.communicate("\n", timeout=SAFETY_NET)
    assert proc.returncode == 0, err
    return out


def run_in_thread(fn, *args, barrier=None, started=None, **kwargs):
    """``fn(*args, **kwargs)`` in a thread; ``outcome`` gets ("ok", value) or ("error", exception)."""
    outcome = []

    def target():
        if barrier is not None:
            barrier.wait(timeout=SAFETY_NET)
        if started is not None:
            started.set()
        try:
            outcome.append(("ok", fn(*args, **kwargs)))
        except BaseException as exc:  # handed to the test thread, which re-raises it
            outcome.append(("error", exc))

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, outcome


def result_of(thread, outcome):
    thread.join(SAFETY_NET)
    assert not thread.is_alive(), "import thread still running after the safety net"
    kind, value = outcome[0]
    if kind == "error":
        raise value
    return value


def batches(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(
            ImportBatch.id, ImportBatch.file_name, ImportBatch.region_id, ImportBatch.year, ImportBatch.month,
            ImportBatch.status).order_by(ImportBatch.id)).mappings()]


# ----------------------------------------------------------------------------------------------
# 1. kill -9 during the commit

MAY, JUNE = Period(2019, 5), Period(2019, 6)

FIRST = workbook({
    "项目台账": [LEDGER_HEAD,
             ledger_row("K1", "东城区", 2.5, D(2019, 3, 5), funds=0.4),
             ledger_row("K2", "西城区", 1.25, D(2019, 4, 10), stage="开工", start=D(2019, 5, 2),
                        manufacturing="否")],
    "到位资金明细": [FUNDS_HEAD, ["K1", 2019, 3, 0.1], ["K1", 2019, 4, 0.2]],
})
# changes K1 (amount, stage, June funds) and K1's April funds, adds K3 and funds for K2 and K3
SECOND = workbook({
    "项目台账": [LEDGER_HEAD,
             ledger_row("K1", "东城区", 3, D(2019, 3, 5), stage="开工", start=D(2019, 6, 1), funds=0.6),
             ledger_row("K3", "西城区", 4, D(2019, 6, 9))],
    "到位资金明细": [FUNDS_HEAD, ["K1", 2019, 4, 0.3], ["K2", 2019, 5, 0.15], ["K3", 2019, 6, 0.05]],
})

# after FIRST: K1 2.5 (制造业, funds 0.1 + 0.2 + 0.4), K2 1.25 (started May)
FIRST_FIGURES = (2, DEC("3.7500"), 1, DEC("2.5000"), 1, DEC("0.7000"), DEC("0.7000"))
# batch_change: one entry listing the 2 inserted projects, one listing the 3 inserted funds rows
# (stage history rows carry the batch id, not logged);
# monthly_fact: 东 Mar/Apr/May, 西 Apr (signed), May (started)
FIRST_COUNTS = {"project": 2, "funds": 3, "import_batch": 1, "batch_change": 2, "monthly_fact": 5,
                "stage_change": 2, "import_file": 1}
# after SECOND, June: K1 3 + K2 1.25 + K3 4; 制造业 K1 + K3; started K1 (June) and K2;
# funds K1 0.1 + 0.3 + 0.4 + 0.6, K2 0.15, K3 0.05
SECOND_JUNE = (3, DEC("8.2500"), 2, DEC("7.0000"), 2, DEC("1.6000"), DEC("1.4500"))
# May: K1 3 + K2 1.25; K1 starts only in June; funds K1 0.1 + 0.3 + 0.4, K2 0.15
SECOND_MAY = (2, DEC("4.2500"), 1, DEC("3.0000"), 1, DEC("0.9500"), DEC("0.8000"))
# batch_change +4: K1 (update), the inserted K3, K1-04 (changed), the inserted funds K1-06, K2-05, K3-06
# monthly_fact: 东 K1 Mar-Jun (4), 西 K2 Apr/May (2), 西 制造业 K3 Jun (1)
SECOND_COUNTS = {"project": 3, "funds": 6, "import_batch": 2, "batch_change": 6, "monthly_fact": 7,
                 "stage_change": 4, "import_file": 2}


def test_kill_during_commit_leaves_the_database_as_it_was(engine, regions, tmp_path):
    import_workbook(engine, FIRST, "may.xlsx", 2019, 5)
    before = snapshot(engine, MAY, JUNE)
    assert core(before["figures"]["2019-05"]) == FIRST_FIGURES
    assert core(before["figures"]["2019-06"]) == FIRST_FIGURES
    assert before["counts"] == FIRST_COUNTS

    path = tmp_path / "june.xlsx"
    path.write_bytes(SECOND)
    with held_import(engine, path, "2019-06") as proc:
        # every row is written but not committed: other connections still see the earlier data
        assert snapshot(engine, MAY, JUNE) == before
        proc.kill()  # SIGKILL: no rollback, no cleanup, no unlock by the process itself
        assert proc.wait(SAFETY_NET) == -9

    assert snapshot(engine, MAY, JUNE) == before
    assert [b["status"] for b in batches(engine)] == ["active"]

    # the database is usable: the same upload goes through (a stale lock would fail or hang it)
    done = subprocess.run(cli_import_args(path, "2019-06", None), cwd=ROOT, env=cli_env(engine, False),
                          capture_output=True, text=True, timeout=SAFETY_NET)
    assert done.returncode == 0, done.stderr
    active = batches(engine)[-1]
    assert (active["file_name"], active["status"], active["year"], active["month"]) == \
        ("june.xlsx", "active", 2019, 6)
    assert done.stdout.strip() == (
        f"导入成功,批次 #{active['id']}(2019年6月,全市):新增项目1个,更新项目1个,阶段变化1个,到位资金4条,"
        "年度目标0条,驻点招商0条,企业诉求0条")
    after = snapshot(engine, MAY, JUNE)
    assert core(after["figures"]["2019-06"]) == SECOND_JUNE
    assert core(after["figures"]["2019-05"]) == SECOND_MAY
    assert after["counts"] == SECOND_COUNTS
    assert after["data_version"] == before["data_version"] + 1


# ----------------------------------------------------------------------------------------------
# 2. concurrent uploads on PostgreSQL

def east_file(period: str) -> bytes:
    return workbook({"项目台账": [LEDGER_HEAD, ledger_row(f"E{period}", "东城区", 2, D(2018, 8, 8), funds=0.5)]})


def west_file(period: str) -> bytes:
    return workbook({"项目台账": [LEDGER_HEAD, ledger_row(f"W{period}", "西城区", 3, D(2018, 8, 20), funds=0.25,
                                                      manufacturing="否")]})


# two versions of one county's report: ONE has two projects and no funds, TWO one project with funds
ONE = workbook({"项目台账": [LEDGER_HEAD, ledger_row("S1", "东城区", 2, D(2018, 7, 1)),
                          ledger_row("S2", "东城区", 1, D(2018, 8, 1))]})
TWO = workbook({"项目台账": [LEDGER_HEAD, ledger_row("S1", "东城区", 5, D(2018, 7, 1), funds=0.3)]})
ONE_FIGURES = (2, DEC("3.0000"), 2, DEC("3.0000"), 0, DEC("0.0000"), DEC("0.0000"))
TWO_FIGURES = (1, DEC("5.0000"), 1, DEC("5.0000"), 0, DEC("0.3000"), DEC("0.3000"))


def test_pg_uploads_for_two_regions_at_the_same_moment_both_land(pg_engine):
    ids = region_ids(pg_engine)
    barrier = threading.Barrier(2)
    east = run_in_thread(import_workbook, pg_engine, east_file("09"), "东城区.xlsx", 2018, 9, "东城区", barrier=barrier)
    west = run_in_thread(import_workbook, pg_engine, west_file("09"), "西城区.xlsx", 2018, 9, "西城区", barrier=barrier)
    assert result_of(*east).counts["new_projects"] == 1
    assert result_of(*west).counts["new_projects"] == 1

    assert sorted((b["region_id"], b["status"]) for b in batches(pg_engine)) == \
        [(ids["东城区"], "active"), (ids["西城区"], "active")]
    with pg_engine.connect() as conn:
        city = overview(conn, Period(2018, 9), Scope())
        east_only = overview(conn, Period(2018, 9), Scope(region_id=ids["东城区"]))
        west_only = overview(conn, Period(2018, 9), Scope(region_id=ids["西城区"]))
    assert core(city) == (2, DEC("5.0000"), 1, DEC("2.0000"), 0, DEC("0.7500"), DEC("0.5000"))
    assert core(east_only) == (1, DEC("2.0000"), 1, DEC("2.0000"), 0, DEC("0.5000"), DEC("0.5000"))
    assert core(west_only) == (1, DEC("3.0000"), 0, DEC("0.0000"), 0, DEC("0.2500"), DEC("0.0000"))


def test_pg_uploads_for_the_same_region_and_period_at_the_same_moment_are_serialised(pg_engine):
    ids = region_ids(pg_engine)
    barrier = threading.Barrier(2)
    one = run_in_thread(import_workbook, pg_engine, ONE, "one.xlsx", 2018, 10, "东城区", barrier=barrier)
    two = run_in_thread(import_workbook, pg_engine, TWO, "two.xlsx", 2018, 10, "东城区", barrier=barrier)
    results = {"one.xlsx": result_of(*one), "two.xlsx": result_of(*two)}

    recorded = batches(pg_engine)
    assert sorted(b["file_name"] for b in recorded) == ["one.xlsx", "two.xlsx"]
    assert all((b["region_id"], b["year"], b["month"]) == (ids["东城区"], 2018, 10) for b in recorded)
    # the one that took the lock second superseded the first (and so has the higher id)
    assert [b["status"] for b in recorded] == ["superseded", "active"]
    first, second = recorded
    assert [s.batch_id for s in results[second["file_name"]].superseded] == [first["id"]]
    assert results[first["file_name"]].superseded == []
    with pg_engine.connect() as conn:
        figures = core(overview(conn, Period(2018, 10), Scope()))
    assert figures == {"one.xlsx": ONE_FIGURES, "two.xlsx": TWO_FIGURES}[second["file_name"]]


def waiting_advisory_locks(engine, key: tuple[int, int]) -> int:
    with engine.connect() as conn:
        return conn.scalar(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = :a AND objid = :b AND objsubid = 2"), {"a": key[0], "b": key[1]})


def test_pg_second_upload_for_a_held_region_and_period_waits_then_supersedes(pg_engine, tmp_path):
    ids = region_ids(pg_engine)
    key = (ids["东城区"], (2018 * 100 + 11) * 10)  # the importer's advisory lock for 东城区 2018-11, ledger
    path = tmp_path / "one.xlsx"
    path.write_bytes(ONE)
    with held_import(pg_engine, path, "2018-11", "东城区") as proc:
        started = threading.Event()
        second = run_in_thread(import_workbook, pg_engine, TWO, "two.xlsx", 2018, 11, "东城区", started=started)
        assert started.wait(SAFETY_NET)
        # the second import reads and checks its file, then queues on the lock the held one has
        seen_waiting = False
        for _ in range(int(SAFETY_NET / 0.2)):
            second[0].join(0.2)
            if not second[0].is_alive() or (seen_waiting := waiting_advisory_locks(pg_engine, key) == 1):
                break
        assert second[0].is_alive(), f"the second upload did not wait: {second[1]}"
        assert seen_waiting
        with pg_engine.connect() as conn:  # nothing of either file is visible yet
            assert core(overview(conn, Period(2018, 11), Scope())) == (0, 0, 0, 0, 0, 0, 0)
        assert "导入成功" in release(proc)
    result = result_of(*second)

    first, later = batches(pg_engine)
    assert (first["file_name"], first["status"]) == ("one.xlsx", "superseded")
    assert (later["file_name"], later["status"]) == ("two.xlsx", "active")
    assert [s.batch_id for s in result.superseded] == [first["id"]]
    with pg_engine.connect() as conn:
        assert core(overview(conn, Period(2018, 11), Scope())) == TWO_FIGURES
        assert conn.scalar(select(func.count()).select_from(Project)) == 1  # S2 of ONE was rolled back


def test_pg_uploads_of_different_kinds_for_one_region_and_period_both_land(pg_engine):
    """A ledger and a targets file for 东城区 2017-07 at the same moment: neither supersedes the other
    (each takes only its own kind's lock), both are current afterwards."""
    ids = region_ids(pg_engine)
    targets = workbook({"年度目标": [["年度", "县区", "指标", "目标值"], [2017, "东城区", "合同投资额", 10]]})
    barrier = threading.Barrier(2)
    ledger = run_in_thread(import_workbook, pg_engine, ONE, "one.xlsx", 2017, 7, "东城区", barrier=barrier)
    target = run_in_thread(import_workbook, pg_engine, targets, "targets.xlsx", 2017, 7, "东城区", barrier=barrier)
    assert (result_of(*ledger).superseded, result_of(*ledger).counts["new_projects"]) == ([], 2)
    assert (result_of(*target).superseded, result_of(*target).counts["targets"]) == ([], 1)
    assert sorted((b["file_name"], b["region_id"], b["status"]) for b in batches(pg_engine)) == [
        ("one.xlsx", ids["东城区"], "active"), ("targets.xlsx", ids["东城区"], "active")]
    with pg_engine.connect() as conn:
        assert core(overview(conn, Period(2018, 8), Scope())) == ONE_FIGURES
        assert overview(conn, Period(2017, 7), Scope(region_id=ids["东城区"]))["signed_amount_target"] == \
            DEC("10.0000")


# ----------------------------------------------------------------------------------------------
# 3. SQLite: concurrent uploads for two regions both land (SQLite serialises the writers)

def test_sqlite_uploads_for_two_regions_at_the_same_moment_both_land(sqlite_regions_engine):
    engine = sqlite_regions_engine
    ids = region_ids(engine)
    barrier = threading.Barrier(2)
    east = run_in_thread(import_workbook, engine, east_file("12"), "东城区.xlsx", 2018, 12, "东城区", barrier=barrier)
    west = run_in_thread(import_workbook, engine, west_file("12"), "西城区.xlsx", 2018, 12, "西城区", barrier=barrier)
    assert result_of(*east).counts["new_projects"] == 1
    assert result_of(*west).counts["new_projects"] == 1

    assert sorted((b["region_id"], b["status"]) for b in batches(engine)) == \
        [(ids["东城区"], "active"), (ids["西城区"], "active")]
    with engine.connect() as conn:
        assert core(overview(conn, Period(2018, 12), Scope())) == \
            (2, DEC("5.0000"), 1, DEC("2.0000"), 0, DEC("0.7500"), DEC("0.5000"))
        assert core(overview(conn, Period(2018, 12), Scope(region_id=ids["东城区"]))) == \
            (1, DEC("2.0000"), 1, DEC("2.0000"), 0, DEC("0.5000"), DEC("0.5000"))
        assert core(overview(conn, Period(2018, 12), Scope(region_id=ids["西城区"]))) == \
            (1, DEC("3.0000"), 0, DEC("0.0000"), 0, DEC("0.2500"), DEC("0.0000"))


# ----------------------------------------------------------------------------------------------
# 4. the data version counts every committed import (caches are keyed by it)

def test_two_concurrent_imports_bump_the_data_version_twice(engine, regions, tmp_path):
    with engine.connect() as conn:
        before = db.data_version(conn)
    path = tmp_path / "east.xlsx"
    path.write_bytes(east_file("07"))
    about_to_bump = threading.Event()

    def watch(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE META") and threading.current_thread() is west[0]:
            about_to_bump.set()  # this import has read the version already

    with held_import(engine, path, "2017-07", "东城区") as proc:  # its bump is written, not committed
        event.listen(engine, "before_cursor_execute", watch)
        try:
            west = run_in_thread(import_workbook, engine, west_file("07"), "西城区.xlsx", 2017, 7, "西城区")
            assert about_to_bump.wait(SAFETY_NET)
            release(proc)
            result_of(*west)
        finally:
            event.remove(engine, "before_cursor_execute", watch)
    assert [b["status"] for b in batches(engine)] == ["active", "active"]
    with engine.connect() as conn:
        assert db.data_version(conn) == before + 2
