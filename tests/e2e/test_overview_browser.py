"""总览 in Chromium at 1920×1080 on the demo data."""
import pytest

from tests.e2e.conftest import SHOTS, sign_in, wait_for_app, wait_for_charts

pytestmark = pytest.mark.e2e


def test_overview_shows_demo_figures_in_chinese(demo_server, page):
    sign_in(page, demo_server.url, "leader")
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    labels = page.locator('[data-testid="kpi-card"] .label').all_inner_texts()
    assert "新签约项目" in labels and "合同投资额" in labels
    assert page.get_by_text("演示数据").count() >= 1
    # the CJK font renders the title with real glyphs: wider than the same count of missing-glyph boxes
    width = page.locator("h1").first.evaluate("e => e.getBoundingClientRect().width")
    assert width > 200
    wait_for_charts(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview.png"))


def test_filters_live_in_the_url(demo_server, page):
    sign_in(page, f"{demo_server.url}/?region=临江区&year=2025&month=12月", "leader")  # a forwarded link
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().endswith("临江区")
    assert "2025年全年" in page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()


ORDER_SCRIPT = """
window.__seen = [];
let frames = 0;
const tick = () => { frames += 1; requestAnimationFrame(tick); };
requestAnimationFrame(tick);
new MutationObserver(() => {
  const watched = [["cards", '[data-testid="kpi-card"] .value'], ["chart", '[data-testid="stVegaLiteChart"]']];
  for (const [name, selector] of watched) {
    if (!window.__seen.some(s => s[0] === name) && document.querySelector(selector)) {
      window.__seen.push([name, frames, document.querySelector("h1").textContent,
                          document.querySelectorAll('[data-testid="stSelectbox"]').length]);
    }
  }
}).observe(document, {subtree: true, childList: true});
"""


def test_a_new_session_draws_the_kpi_cards_first_then_the_rest_by_itself(demo_server, page):
    sign_in(page, demo_server.url, "leader")
    page.context.add_init_script(ORDER_SCRIPT)
    tab = page.context.new_page()  # a new session of the signed-in browser (its login cookie)
    tab.goto(f"{demo_server.url}/overview?region=临江区&year=2025&month=12月")  # a forwarded link
    tab.wait_for_function("window.__seen.length === 2", timeout=30000)
    (first, first_frame, first_title, first_widgets), (second, second_frame, _, _) = tab.evaluate("window.__seen")
    assert (first, second) == ("cards", "chart")
    # the first view reads the link's filters without drawing the filter widgets, which follow
    assert first_title == "招商引资总览 · 临江区" and first_widgets == 0
    assert second_frame > first_frame  # the cards were on screen for at least one frame before the chart
    wait_for_app(tab)  # the run that draws the rest has ended
    wait_for_charts(tab)
    assert tab.locator('[data-testid="kpi-card"]').count() == 10  # then the whole page, cards once
    assert tab.get_by_text("数据明细").count() == 1
    assert tab.locator('[data-testid="stSelectbox"]').count() == 6  # five filters and the 数据明细 choice
    assert "2025年全年" in tab.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
    assert tab.locator('[data-testid="stException"]').count() == 0
