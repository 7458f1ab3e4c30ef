"""AppTest: every registered screen renders on the demo data without an exception."""
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data_access import db
from sample_data.load import load_demo
from tests.app.helpers import sign_in

ROOT = Path(__file__).resolve().parents[2]
VIEWS = re.findall(r'\("(views/[\w.]+)", "([^"]+)"', (ROOT / "app.py").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    load_demo(engine)
    engine.dispose()
    return url


@pytest.mark.parametrize(("view", "title"), VIEWS, ids=[t for _, t in VIEWS])
def test_view_renders_on_demo_data(demo_url, monkeypatch, view, title):
    monkeypatch.setenv("ZSDASH_DATABASE_URL", demo_url)
    monkeypatch.setenv("ZSDASH_AUTO_DEMO", "0")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in(at, db.engine_for(demo_url), "admin", name="admin")  # the demo database's admin
    at.switch_page(view)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # the 大屏 draws its own HTML heading; every other screen has st.title
    heading = at.title[0].value if at.title else re.search(r"<h1>(.*?)</h1>", html_of(at)).group(1)
    assert re.search(r"[\u4e00-\u9fff]", heading)
    assert len(VIEWS) == 10


def html_of(at: AppTest) -> str:
    """Every st.html body of the run, joined."""
    return "".join(e.proto.body for e in at.get("html"))


def test_each_view_file_is_named_after_its_url_path():
    """AppTest.switch_page finds a page before its first run by the file name's hash, which is the
    page's URL hash only when the two agree; a mismatch silently tests the default page instead."""
    pages = re.findall(r'\("views/([\w]+)\.py", "[^"]+", "[^"]+", "([\w-]+)"\)', (ROOT / "app.py").read_text("utf-8"))
    assert len(pages) == len(VIEWS)
    assert all(stem == url for stem, url in pages), pages
