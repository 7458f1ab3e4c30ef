"""Fixtures: a fresh real database per test, on SQLite and on PostgreSQL.

PostgreSQL: ZSDASH_TEST_PG_URL (default the local server's ``test`` database); each test gets its
own schema, dropped afterwards. When the server is unreachable the PostgreSQL half is skipped
locally but fails under CI=true, where it is mandatory.
"""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from data_access import db, settings

PG_URL = os.environ.get("ZSDASH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _pg_reachable() -> str | None:
    try:
        with create_engine(PG_URL).connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # any failure to connect means: no server here
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def pg_available():
    error = _pg_reachable()
    if error:
        if IN_CI:
            pytest.fail(f"PostgreSQL is mandatory in CI but unreachable at {PG_URL}: {error}")
        pytest.skip(f"PostgreSQL unreachable at {PG_URL}: {error}")
    return True


def make_test_engine(kind: str, tmp_path, request):
    if kind == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        request.getfixturevalue("pg_available")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = db.make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")

        def drop():
            db.dispose_shared_engines()  # the app's own engine on this schema (AppTests)
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        request.addfinalizer(drop)
    db.upgrade(engine)
    return engine


@pytest.fixture(autouse=True)
def no_setting_overrides():
    """The admin's thresholds and weights are installed process-wide by each page run: start and end
    every test without them."""
    settings.use_overrides({})
    yield
    settings.use_overrides({})


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A migrated, empty database (全市, default chains and tags only)."""
    eng = make_test_engine(request.param, tmp_path, request)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path, request):
    eng = make_test_engine("sqlite", tmp_path, request)
    yield eng
    eng.dispose()


@pytest.fixture
def cli_on(monkeypatch, capsys):
    """``cli_on(engine)``: a function running ``python cli.py ARGS`` in this process on ``engine``'s
    database, returning (exit code, stdout, stderr); ``stdin=`` gives the command its input."""
    import io

    import cli

    def on(engine):
        monkeypatch.setenv("ZSDASH_DATABASE_URL", engine.url.render_as_string(hide_password=False))

        def run(*args, stdin: str | None = None):
            if stdin is not None:
                monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
            code = cli.main([str(a) for a in args])
            out = capsys.readouterr()
            return code, out.out, out.err
        return run
    return on
