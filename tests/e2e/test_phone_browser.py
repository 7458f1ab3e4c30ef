"""Phones (SPEC §6): a forwarded link opened at 390×844 and 360×800 on each page leaders carry — 总览, 产业链,
县区排名, 项目库 (list and a project's detail), 简报, 招商活动. The page is exactly as wide as the screen; no
text spills out of its box and no label is squeezed to a character a line; KPI values are at least 16 px;
wide tables scroll inside themselves with their first column fixed; the filters wait behind one control."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SHOTS, sign_in, wait_for_charts, wait_idle

pytestmark = pytest.mark.e2e

PHONES = [(390, 844), (360, 800)]
PAGES = ["", "chains", "ranking", "projects", "briefing", "resident"]

# every element holding text directly (tables and charts draw on canvases: they scroll inside themselves)
LAYOUT = """() => {
  // within a box that fits the screen and scrolls sideways itself (a row of tabs, say)
  const scrollsInside = el => { for (let a = el.parentElement; a; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX, r = a.getBoundingClientRect();
      if ((o === 'auto' || o === 'scroll') && r.left >= -1 && r.right <= innerWidth + 1) return true; }
    return false; };
  const vw = innerWidth, out = {width: document.documentElement.scrollWidth, spill: [], squeezed: [], wide: []};
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (own.length < 2) continue;
    const cs = getComputedStyle(el), r = el.getBoundingClientRect();
    if (!r.width || !r.height || cs.visibility === 'hidden') continue;
    if (el.closest('[data-testid="stPopoverBody"], svg')) continue;  // a closed popover; chart labels
    const fs = parseFloat(cs.fontSize), line = parseFloat(cs.lineHeight) || fs * 1.4;
    const holder = el.closest('[data-testid]');
    const text = own.slice(0, 24) + ' <' + el.tagName.toLowerCase() + ' in ' + (holder && holder.dataset.testid) + '>';
    if ((r.right > vw + 1 || r.left < -1) && !scrollsInside(el)) out.wide.push([text, Math.round(r.left),
                                                                                 Math.round(r.right)]);
    if (cs.display !== 'inline' && cs.overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1)
      out.spill.push([text, el.scrollWidth, el.clientWidth]);
    if (own.length >= 2 && r.width < 1.6 * fs && r.height > 1.8 * line) out.squeezed.push([text, r.width, r.height]);
  }
  return out;
}"""

CARDS = """() => [...document.querySelectorAll('[data-testid="kpi-card"], [data-testid="headline-card"]')].map(c => {
  const box = c.getBoundingClientRect(), value = c.querySelector('.value');
  const parts = [...c.querySelectorAll('.label, .value, .line, .note')].map(p => p.getBoundingClientRect());
  return {size: parseFloat(getComputedStyle(value).fontSize),
          inside: parts.every(p => p.left >= box.left - 0.5 && p.right <= box.right + 0.5)};
})"""


def phone(browser, width, height):
    return browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", is_mobile=True,
                               has_touch=True, device_scale_factor=2)


def check_layout(page, width: int) -> None:
    found = page.evaluate(LAYOUT)
    assert found["width"] == width, found["wide"][:5]
    assert found["wide"] == [] and found["spill"] == [] and found["squeezed"] == [], found
    cards = page.evaluate(CARDS)
    assert all(c["inside"] for c in cards), cards
    assert all(c["size"] >= 16 for c in cards), cards


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(("width", "height"), PHONES, ids=["390x844", "360x800"])
def test_a_phone_page_fits_its_screen(demo_server, browser, path, width, height):
    context = phone(browser, width, height)
    page = context.new_page()
    try:
        sign_in(page, f"{demo_server.url}/{path}", "leader")
        wait_for_charts(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"phone-{path or 'overview'}-{width}.png"), full_page=True)
        check_layout(page, width)
        cards = page.locator('[data-testid="kpi-card"]')
        if cards.count() >= 3:  # two a row
            tops = [cards.nth(i).bounding_box()["y"] for i in range(3)]
            assert tops[0] == tops[1] < tops[2]
        # the filters wait behind the one control at the top (the sidebar opens from it)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("data-collapsed") == "true" and sidebar.bounding_box()["x"] < 0
        assert page.locator('[data-testid="stExpandSidebarButton"]').is_visible()
        for table in page.locator('[data-testid="stDataFrame"]').all():  # inside the screen, scrolling inside
            box = table.bounding_box()
            if box is None:  # in a tab not shown
                continue
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), PHONES, ids=["390x844", "360x800"])
def test_a_projects_detail_on_a_phone(demo_server, browser, width, height):
    context = phone(browser, width, height)
    page = context.new_page()
    try:
        sign_in(page, f"{demo_server.url}/projects", "leader")
        wait_for_charts(page)
        table = page.locator('[data-testid="stDataFrame"]').first
        box = table.bounding_box()
        page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's selection box
        page.get_by_text("项目信息").first.wait_for(timeout=30000)
        wait_idle(page)
        wait_for_charts(page)
        page.screenshot(path=str(SHOTS / f"phone-project-{width}.png"), full_page=True)
        check_layout(page, width)
    finally:
        context.close()


def test_the_filters_open_from_the_control_at_the_top(demo_server, browser):
    context = phone(browser, 390, 844)
    page = context.new_page()
    try:
        sign_in(page, f"{demo_server.url}/", "leader")
        wait_for_charts(page)
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        expect(page.get_by_role("combobox", name="县区")).to_be_visible(timeout=10000)
        page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]')"
                               ".getBoundingClientRect().left >= 0", timeout=10000)  # slid in, whole
    finally:
        context.close()
