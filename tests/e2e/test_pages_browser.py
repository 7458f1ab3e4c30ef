"""Every screen in Chromium at 1920×1080 on the demo data: no error box, Chinese text rendered,
a screenshot for the README; a click on a region bar opens its projects."""
import re
from pathlib import Path

import pytest

from data_access import db
from data_access.config import region_id
from metrics.measures import measures
from metrics.period import Period, Scope
from reports import format as fmt
from tests.e2e.conftest import SHOTS, sign_in, wait_for_charts

pytestmark = pytest.mark.e2e
APP = (Path(__file__).resolve().parents[2] / "app.py").read_text(encoding="utf-8")
PAGES = [(url, title) for _, title, url in re.findall(r'\("(views/[\w.]+)", "([^"]+)", "[^"]+", "([\w-]+)"\)', APP)]


def open_page(page, url):
    sign_in(page, url, "admin")  # the admin may open every page
    page.wait_for_selector("h1", timeout=30000)


def outside(requests: list[str], server: str) -> list[str]:
    """The requests that left the app's own server (a closed intranet would fail them)."""
    return [u for u in requests if not u.startswith((server, "data:", "blob:", "about:"))]


@pytest.mark.parametrize(("path", "title"), PAGES, ids=[u for u, _ in PAGES])
def test_page_opens_without_error(demo_server, page, path, title):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    open_page(page, f"{demo_server.url}/{path}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContainer"]').filter(has_text="Error").count() == 0
    heading = page.locator("h1").first
    assert re.search(r"[\u4e00-\u9fff]", heading.inner_text())
    # rendered with a CJK font: each glyph is wider than the 0-width / narrow box of a missing glyph
    assert heading.evaluate("e => e.getBoundingClientRect().width") > 20 * len(heading.inner_text()) / 2
    wait_for_charts(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{path}.png"))
    assert requests and outside(requests, demo_server.url) == []


def test_click_on_a_region_bar_opens_its_projects(demo_server, page):
    open_page(page, f"{demo_server.url}/?year=2026&month=10月")  # the demo data's period
    wait_for_charts(page)
    page.get_by_text("柱状图", exact=True).click()  # the map is the default view
    # the bars replace the map in the run the click starts: wait for them, drawn, before clicking one
    chart = page.locator('.st-key-region_chart [data-testid="stVegaLiteChart"]')
    chart.locator("canvas, svg.marks").wait_for(timeout=30000)
    wait_for_charts(page)
    box = chart.bounding_box()
    # seven bars across the plot (right of the y axis); the first, 临江区, is among the tallest
    page.mouse.click(box["x"] + 60 + (box["width"] - 60) / 14, box["y"] + box["height"] - 80)
    page.get_by_text("2026年1-10月 › 临江区 › 全部产业链 › 全部项目 › 合同投资额").wait_for(timeout=30000)
    engine = db.make_engine(demo_server.database_url)
    with engine.connect() as conn:
        bar = measures(conn, Period(2026, 10), Scope(region_id=region_id(conn, "临江区")))[None]
    expected = f"共 {bar['signed_count']} 个项目,合同投资额 {fmt.amount(bar['signed_amount'])}"
    # the list renders after the breadcrumb in the same run: wait for it, then check it is there once
    page.get_by_text(expected, exact=True).wait_for(timeout=30000)  # the list adds up to the bar clicked
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30000)
    assert page.get_by_text(expected, exact=True).count() == 1


