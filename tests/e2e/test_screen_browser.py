"""大屏 and 简报 in Chromium: the 大屏 fits 1920×1080, 3840×2160 and 5760×1080 with no scrolling and
no overlapping cards or labels, Chinese drawn with a CJK font; a command-line import appears on an
open 大屏 within one refresh interval without reloading; the 简报 fits one 1920×1080 screenshot with
every element, and its copy button copies the paragraph."""
import datetime as dt
import os
import subprocess
import sys

import pytest
from PIL import Image

from tests.builders import LEDGER_HEAD, ledger_row, workbook
from tests.e2e.conftest import ROOT, SHOTS, display_link, sign_in, start_server, wait_for_charts

pytestmark = pytest.mark.e2e
REFRESH_SECONDS = 3

FITS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const root = document.documentElement;
  return {doc: [root.scrollWidth, root.scrollHeight], main: [main.scrollWidth, main.scrollHeight],
          view: [innerWidth, innerHeight]};
}"""

BOXES = """sel => [...document.querySelectorAll(sel)].map(e => {
  const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""

# draws two characters in the element's own font on a canvas: a missing glyph draws the same box twice
GLYPHS_DIFFER = """sel => {
  const font = getComputedStyle(document.querySelector(sel)).fontFamily;
  const draw = ch => { const c = document.createElement('canvas'); c.width = c.height = 64;
    const g = c.getContext('2d'); g.font = `48px ${font}`; g.fillText(ch, 4, 52); return c.toDataURL(); };
  const blank = document.createElement('canvas'); blank.width = blank.height = 64;
  return draw('招') !== draw('商') && draw('招') !== blank.toDataURL();
}"""


# per panel of the middle row, the share of its height below its last element: no large empty area
EMPTY_BELOW = """() => [...document.querySelectorAll('.screen .panel')].map(p => {
  const r = p.getBoundingClientRect();
  const bottom = Math.max(...[...p.children].map(c => c.getBoundingClientRect().bottom));
  return (r.bottom - bottom) / r.height; })"""


def overlap(a, b) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def inside(inner, outer) -> bool:
    return inner[0] >= outer[0] - 0.5 and inner[1] >= outer[1] - 0.5 and inner[2] <= outer[2] + 0.5 \
        and inner[3] <= outer[3] + 0.5


def open_screen(browser, server, width, height):
    """The 大屏 as the meeting-room screen opens it: through a display link, no login."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/screen?token={display_link(server)[1]}")
    page.wait_for_selector('[data-testid="headline-card"]', timeout=30000)
    page.wait_for_function("() => [...document.querySelectorAll('.screen img')].every(i => i.complete "
                           "&& i.naturalWidth > 0)", timeout=30000)
    return context, page


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160), (5760, 1080)],
                         ids=["1920x1080", "3840x2160", "5760x1080"])
def test_big_screen_fits_with_nothing_overlapping(demo_server, browser, width, height):
    context, page = open_screen(browser, demo_server, width, height)
    try:
        sizes = page.evaluate(FITS)
        assert sizes["doc"] == [width, height] and sizes["main"] == [width, height], sizes  # no scrolling
        assert page.locator('[data-testid="stSidebar"]').is_hidden()
        assert page.locator('[data-testid="stHeader"]').is_hidden()

        cards = page.evaluate(BOXES, '[data-testid="headline-card"]')
        assert len(cards) == 6
        assert not any(overlap(a, b) for i, a in enumerate(cards) for b in cards[i + 1:])
        for n in range(6):  # label, value and note stay inside their card and apart
            parts = [page.evaluate(BOXES, f'[data-testid="headline-card"]:nth-child({n + 1}) .{c}')[0]
                     for c in ("label", "value", "note")]
            assert all(inside(p, cards[n]) for p in parts), (n, parts, cards[n])
            assert not any(overlap(a, b) for i, a in enumerate(parts) for b in parts[i + 1:])
        panels = page.evaluate(BOXES, ".screen .panel") + page.evaluate(BOXES, ".screen .head h1")
        assert not any(overlap(a, b) for i, a in enumerate(panels) for b in panels[i + 1:])
        assert all(inside(p, [0, 0, width, height]) for p in panels + cards)
        assert page.evaluate(GLYPHS_DIFFER, ".screen .head h1")
        # the main row: the key chains, the county map in the centre, the ranking; each panel filled
        assert page.locator(".screen .panel h2").all_inner_texts() == [
            "重点产业链合同投资额", "各县区合同投资额完成情况(对照序时进度)", "县区综合排名"]
        (drawn,) = page.evaluate(BOXES, '.screen img[alt="map"]')
        middle = page.evaluate(BOXES, ".screen .main .panel")
        assert inside(drawn, middle[1]) and drawn[3] - drawn[1] > 0.6 * (middle[1][3] - middle[1][1])
        assert page.evaluate("() => document.querySelector('.screen img[alt=map]').naturalWidth") > 0
        tiles = page.evaluate(BOXES, ".screen .chaintiles div")
        assert len(tiles) == 4 and all(inside(t, middle[0]) for t in tiles)
        assert all(share < 0.1 for share in page.evaluate(EMPTY_BELOW)), page.evaluate(EMPTY_BELOW)

        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"screen-{width}x{height}.png"))
    finally:
        context.close()


@pytest.fixture(scope="module")
def refreshing_server(tmp_path_factory):
    yield from start_server(tmp_path_factory, screen_refresh_seconds=str(REFRESH_SECONDS))


def test_an_import_appears_on_the_open_big_screen_without_reload(refreshing_server, browser, tmp_path):
    context, page = open_screen(browser, refreshing_server, 1920, 1080)
    try:
        value = page.locator('[data-testid="headline-card"]').first.locator(".value")
        before = int(value.inner_text().removesuffix(" 个").replace(",", ""))
        page.evaluate("() => { window.__not_reloaded = true; }")
        # the demo data runs to 2026-10: one more project signed in October for 临江区
        rows = [LEDGER_HEAD, ledger_row("SCREEN-1", "临江区", 3.21, dt.date(2026, 10, 8))]
        (tmp_path / "new.xlsx").write_bytes(workbook({"项目台账": rows}))
        env = os.environ | {"ZSDASH_DATABASE_URL": refreshing_server.database_url}
        done = subprocess.run([sys.executable, "cli.py", "import", str(tmp_path / "new.xlsx"), "--period", "2026-10",
                               "--region", "临江区"], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        # within one refresh interval (plus the time to redraw), with no reload of the page
        page.wait_for_function("n => document.querySelector('[data-testid=headline-card] .value')"
                               ".innerText.startsWith(n + ' ')", arg=before + 1, timeout=(REFRESH_SECONDS + 4) * 1000)
        assert page.evaluate("() => window.__not_reloaded === true")
    finally:
        context.close()


def test_briefing_fits_one_screenshot_and_copies_its_paragraph(demo_server, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_server.url)
    page = context.new_page()
    try:
        sign_in(page, f"{demo_server.url}/briefing?year=2026&month=10月", "leader")
        page.wait_for_selector('[data-testid="headline-card"]', timeout=30000)
        # the run after signing in draws the page afresh: wait for its three charts to exist, then to draw
        page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length === 3",
                               timeout=30000)
        wait_for_charts(page)
        sizes = page.evaluate(FITS)
        assert sizes["doc"] == [1920, 1080] and sizes["main"][1] <= 1080, sizes
        screen = [0, 0, 1920, 1080]
        for sel, count in (("h1", 1), (".brief-sub", 1), ('[data-testid="headline-card"]', 6),
                           ('[data-testid="stVegaLiteChart"]', 3), ('[data-testid="briefing-text"]', 1),
                           ('[data-testid="copy-button"]', 1), (".brief-foot", 1)):
            boxes = page.evaluate(BOXES, sel)
            assert len(boxes) == count, sel
            assert all(inside(b, screen) for b in boxes), (sel, boxes)
        assert "数据来源" in page.locator(".brief-foot").inner_text()
        assert page.evaluate(GLYPHS_DIFFER, "h1")

        text = page.locator('[data-testid="briefing-text"]').inner_text()
        assert text.startswith("2026年1-10月,全市新签约项目")
        page.locator('[data-testid="copy-button"]').click()
        page.get_by_text("已复制到剪贴板").wait_for(timeout=5000)
        assert page.evaluate("() => navigator.clipboard.readText()") == text

        # the exports are made on the server when clicked: a 16:9 picture at least 1920 wide
        page.get_by_text("导出简报").click()
        with page.expect_download(timeout=60000) as download:
            page.get_by_text("简报图片(PNG,16:9)").click()
        picture = Image.open(download.value.path())
        assert picture.size == (1920, 1080)
        assert download.value.suggested_filename == "招商引资简报_2026年1-10月_全市.png"
    finally:
        context.close()


def test_the_rotation_reaches_the_activities_row_which_fits(refreshing_server, browser):
    """With ?rotate=1 the demo's 大屏 goes through four rows (总览, 产业链, 县区, 招商活动); the 招商活动 row
    (activities, the events' signings, 企业诉求) fits 1920×1080 with nothing overlapping."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{refreshing_server.url}/screen?rotate=1&token={display_link(refreshing_server)[1]}")
        page.wait_for_selector('[data-testid="big-screen"][data-panel="3"]', timeout=60000)
        page.wait_for_function("() => [...document.querySelectorAll('.screen img')].every(i => i.complete "
                               "&& i.naturalWidth > 0)", timeout=30000)
        assert page.locator(".screen .panel h2").all_inner_texts() == ["领导招商活动", "活动签约", "企业诉求"]
        panels = page.evaluate(BOXES, ".screen .panel")
        tiles = page.evaluate(BOXES, ".screen .panel .more div")
        assert tiles and all(inside(p, [0, 0, 1920, 1080]) for p in panels + tiles)
        assert all(any(inside(t, p) for p in panels) for t in tiles)  # every figure inside its panel
        assert not any(overlap(a, b) for i, a in enumerate(tiles) for b in tiles[i + 1:])
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "screen-activities.png"))
    finally:
        context.close()
