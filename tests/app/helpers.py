"""Shared AppTest set-up: the app pointed at a test database with every cache cleared, signed in; and
the 总览's KPI cards as the page shows them."""
from html.parser import HTMLParser
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


def ok(at: AppTest) -> AppTest:
    """``at`` after a run that raised nothing."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def table(at: AppTest, *columns: str):
    """The value of the (only) table whose first columns are ``columns``."""
    found = [d.value for d in at.dataframe if tuple(d.value.columns[:len(columns)]) == columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


class _KpiParser(HTMLParser):
    """The 总览's KPI cards (ui/cards.kpi_grid_html) in an st.html body: label -> (value, lines), each
    line (text, tone)."""

    def __init__(self):
        super().__init__()
        self.cards: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        self._card: dict | None = None
        self._part: tuple[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if attrs.get("data-testid") == "kpi-card":
            self._card = {"label": "", "value": "", "lines": []}
        elif self._card is not None and classes[:1] in (["label"], ["value"], ["line"]):
            self._part = (classes[0], " ".join(classes[1:]))
            if classes[0] == "line":
                self._card["lines"].append(["", self._part[1]])

    def handle_data(self, data):
        if self._card is None or self._part is None:
            return
        if self._part[0] == "line":
            self._card["lines"][-1][0] += data
        else:
            self._card[self._part[0]] += data

    def handle_endtag(self, tag):
        if self._part is not None:
            self._part = None
        elif self._card is not None:
            self.cards[self._card["label"]] = (self._card["value"], [tuple(x) for x in self._card["lines"]])
            self._card = None


def kpi_cards(at: AppTest) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """The KPI cards the page shows: label -> (value, [(line, tone), …])."""
    parser = _KpiParser()
    for element in at.html:
        parser.feed(element.value)
    return parser.cards
