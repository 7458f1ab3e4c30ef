"""The county map in Chromium: 总览 draws the demo boundaries; an admin uploads a GeoJSON on 管理, a file
with a problem is refused in Chinese and nothing changes, a good one replaces the boundaries."""
import io
import json
from collections import Counter

import pytest
from PIL import Image
from playwright.sync_api import expect

from data_access import db, geo
from labels import WARNING_COLORS
from sample_data.load import BOUNDARIES
from tests.e2e.conftest import SHOTS, sign_in, start_server, wait_for_app, wait_for_charts, wait_idle

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A demo server of its own: the boundaries uploaded here must not change the other tests' pages."""
    yield from start_server(tmp_path_factory)


def regions_drawn(server) -> list[str]:
    engine = db.make_engine(server.database_url)
    try:
        with engine.connect() as conn:
            return [s["region"] for s in geo.shapes(conn)]
    finally:
        engine.dispose()


def test_overview_draws_the_county_map(server, page):
    sign_in(page, f"{server.url}/?year=2026&month=10月", "leader")
    wait_for_app(page)
    wait_for_charts(page)
    expect(page.get_by_text("各县区合同投资额完成情况")).to_be_visible()
    chart = page.locator('[data-testid="stVegaLiteChart"]').nth(1)
    picture = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    pixels = Counter(picture.getdata())
    # the demo's counties in October: 蓝 3, 黄 2, 红 2 (tests/unit/test_map.py has the figures' rules);
    # each colour fills a good part of the chart
    for colour in (WARNING_COLORS["blue"], WARNING_COLORS["yellow"], WARNING_COLORS["red"]):
        rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
        assert pixels[rgb] > 0.03 * picture.width * picture.height, colour
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview-map.png"))
    # a click on 临江区 (the cell left of the middle one) opens its projects, as a bar does
    box = chart.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.31, box["y"] + box["height"] * 0.48)
    page.get_by_text("2026年1-10月 › 临江区 › 全部产业链 › 全部项目 › 合同投资额").wait_for(timeout=30000)


def test_admin_uploads_boundaries_refused_then_saved(server, page, tmp_path):
    doc = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    wrong = json.loads(json.dumps(doc))
    wrong["features"][0]["properties"]["name"] = "临江新区"
    sign_in(page, f"{server.url}/admin", "admin")
    page.get_by_role("tab", name="县区与别名").click()
    drop = page.locator('.st-key-map_file [data-testid="stFileUploaderDropzoneInput"]')
    page.locator('.st-key-map_file [data-testid="stFileUploaderDropzoneInstructions"]').wait_for(timeout=30000)
    instructions = page.evaluate("""() => getComputedStyle(document.querySelector(
        '.st-key-map_file [data-testid="stFileUploaderDropzoneInstructions"] span'), '::after').content""")
    assert instructions == '"拖放到此处或点击选择 · 每个文件不超过 5 MB · geojson、json"'  # its own limit
    drop.set_input_files(files=[{"name": "边界.geojson", "mimeType": "application/geo+json",
                                 "buffer": json.dumps(wrong, ensure_ascii=False).encode()}])
    expect(page.get_by_text("文件有1处问题,未保存:")).to_be_visible(timeout=30000)
    expect(page.get_by_text("第1个要素(“临江新区”)的名称不是已配置的县区或别名")).to_be_visible()
    assert regions_drawn(server) == ["临江区", "城东区", "青山县", "河口县", "云溪县", "安平市", "经开区"]

    # a file above the limit is refused in the browser already, in Chinese
    drop.set_input_files(files=[{"name": "大文件.geojson", "mimeType": "application/geo+json",
                                 "buffer": b" " * (6 * 1024 * 1024)}])
    expect(page.get_by_text("文件不能超过 5.0MB,请删去多余内容或拆分后重新上传")).to_be_visible(timeout=30000)
    assert page.get_by_text("or smaller").count() == 0

    del doc["features"][6]  # 经开区 left out: listed, not refused
    drop.set_input_files(files=[{"name": "边界.geojson", "mimeType": "application/geo+json",
                                 "buffer": json.dumps(doc, ensure_ascii=False).encode()}])
    expect(page.get_by_text("检查通过:6个县区")).to_be_visible(timeout=30000)
    expect(page.get_by_text("以下县区在文件中没有边界,地图上将不显示:经开区")).to_be_visible()
    page.get_by_role("button", name="保存县区边界").click()
    wait_idle(page)
    expect(page.get_by_text("已保存6个县区的边界")).to_be_visible(timeout=30000)
    assert regions_drawn(server) == ["临江区", "城东区", "青山县", "河口县", "云溪县", "安平市"]
