"""The bench (bench/bench.py) at a small size: it runs end to end and its figures match plain SQL.

PostgreSQL runs like the rest of the suite (mandatory under CI=true). The bench drops every table of the
database it is given, so it gets a database of its own (``zsdash_bench`` on the same server), never
the shared test database.
"""
from __future__ import annotations

from sqlalchemy import create_engine, text

from bench import bench
from tests.conftest import PG_URL

SMALL = ["--projects", "2000", "--funds", "10000", "--regions", "8"]
BENCH_DATABASE = "zsdash_bench"
LOCK_KEY = 0x7A5D_BE4C  # serialises concurrent runs (parallel CI jobs) on the bench database


def test_bench_small_sqlite(tmp_path, capsys):
    code = bench.main([*SMALL, "--engines", "sqlite", "--sqlite-path", str(tmp_path / "bench.db")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "figures identical: yes" in out
    assert "target: < 150 ms per call with an empty cache" in out


def test_bench_small_postgresql(pg_available, capsys):
    base = bench._pg_url(PG_URL)
    url = base.set(database=BENCH_DATABASE)
    bench.ensure_pg_database(url, admin_url=base)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
            try:
                code = bench.main([*SMALL, "--engines", "postgresql",
                                   "--pg-url", url.render_as_string(hide_password=False)])
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
    finally:
        admin.dispose()
    out = capsys.readouterr().out
    assert code == 0, out
    assert "figures identical: yes" in out
