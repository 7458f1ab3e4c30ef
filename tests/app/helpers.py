"""Shared AppTest set-up: the app pointed at a test database with every cache cleared."""
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def app_on(engine, monkeypatch, view: str | None = None) -> AppTest:
    """An AppTest of app.py on ``engine``'s database (no demo data), switched to ``view``; not run yet."""
    monkeypatch.setenv("ZSDASH_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("ZSDASH_AUTO_DEMO", "0")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=30)
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
