"""Shared AppTest set-up: the app pointed at a test database with every cache cleared, signed in."""
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from data_access import accounts
from ui import auth

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PASSWORD = "test-password"


def account(engine, role: str = "admin", regions: tuple[str, ...] = (), name: str | None = None) -> accounts.Account:
    """The test account ``name`` (default ``test-<role>``), created on first use with PASSWORD."""
    name = name or f"test-{role}"
    with engine.begin() as conn:
        found = accounts.get_account(conn, name)
        return found or accounts.create_user(conn, name, role, PASSWORD, regions, actor="test")


def sign_in(at: AppTest, engine, role: str = "admin", regions: tuple[str, ...] = (),
            name: str | None = None) -> AppTest:
    """Put a signed-in session for that account into ``at`` (as the login page would)."""
    at.session_state[auth.SESSION_KEY] = auth.user_session(account(engine, role, regions, name))
    return at


def app_on(engine, monkeypatch, view: str | None = None, role: str | None = "admin",
           regions: tuple[str, ...] = ()) -> AppTest:
    """An AppTest of app.py on ``engine``'s database (no demo data), switched to ``view`` and signed in
    as ``role`` (None: signed out); not run yet."""
    monkeypatch.setenv("ZSDASH_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("ZSDASH_AUTO_DEMO", "0")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=30)
    if role:
        sign_in(at, engine, role, regions)
    if view:
        at.switch_page(view)
    return at


def opened(engine, monkeypatch, view: str, month: int | None = None) -> AppTest:
    """``view`` run on ``engine``'s database with no exception; with ``month``, that through-month chosen."""
    at = app_on(engine, monkeypatch, view)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if month is not None:
        at.selectbox(key="month").select(month).run()
    return at
