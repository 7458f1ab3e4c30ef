"""County boundaries (data_access.geo) and the map (reports.charts.map_chart), on both engines.

The city: 东城区 (alias 东城), 西城区, 南城区. A boundary file names its counties in ``name``."""
import json

import pytest

from data_access import audit, geo
from reports import charts
from reports.content import map_rows
from tests.builders import region

SQUARE = [[[116.0, 39.0], [116.1, 39.0], [116.1, 39.1], [116.0, 39.1], [116.0, 39.0]]]  # counterclockwise


def feature(name, geometry=None, key="name"):
    return {"type": "Feature", "properties": {key: name} if name is not None else {},
            "geometry": geometry or {"type": "Polygon", "coordinates": SQUARE}}


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        region(conn, "东城区", "东城")
        region(conn, "西城区")
        region(conn, "南城区")
    return engine


def problems(engine, content: bytes) -> list[str]:
    with engine.connect() as conn, pytest.raises(geo.MapRejected) as refused:
        geo.read_boundaries(conn, content)
    return refused.value.problems


def test_a_good_file_is_saved_with_the_regions_it_lacks_listed_and_audited(city):
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE, [[[116.2, 39.0], [116.3, 39.0], [116.3, 39.1],
                                                               [116.2, 39.0]]]]}
    content = collection(feature("东城"), feature("西城区", multi, key="名称"))  # an alias; the Chinese key
    with city.begin() as conn:
        found = geo.save_boundaries(conn, content, "admin")
    assert found.missing == ["南城区"]
    with city.connect() as conn:
        shapes = geo.shapes(conn)
        entry = audit.entries(conn, action="map_upload")[0]
    assert [(s["region"], s["geometry"]["type"]) for s in shapes] == [("东城区", "Polygon"), ("西城区", "MultiPolygon")]
    assert entry["after"] == {"县区": ["东城区", "西城区"], "无边界": ["南城区"]}
    with city.begin() as conn:  # a new file replaces the old one whole
        geo.save_boundaries(conn, collection(feature("南城区")), "admin")
    with city.connect() as conn:
        assert [s["region"] for s in geo.shapes(conn)] == ["南城区"]


def test_a_feature_with_an_unknown_name(city):
    assert problems(city, collection(feature("东城区"), feature("北城区"))) == [
        "第2个要素(“北城区”)的名称不是已配置的县区或别名(已配置:东城区、西城区、南城区)"]


def test_a_feature_that_is_not_a_polygon(city):
    line = {"type": "LineString", "coordinates": [[116.0, 39.0], [116.1, 39.1]]}
    assert problems(city, collection(feature("东城区", line))) == [
        "第1个要素(“东城区”)的几何类型为 LineString,只接受 Polygon 或 MultiPolygon(县区的面)"]


def test_coordinates_out_of_range_are_projected_metres(city):
    metres = {"type": "Polygon", "coordinates": [[[440000, 4318000], [441000, 4318000], [441000, 4319000],
                                                  [440000, 4318000]]]}
    assert problems(city, collection(feature("东城区", metres))) == [
        "第1个要素(“东城区”)坐标(440000, 4318000)超出经纬度范围:请使用经纬度坐标(WGS84 或 GCJ-02,经度在前),"
        "不要使用投影坐标(米)"]


def test_an_oversized_file(city, monkeypatch):
    monkeypatch.setenv("ZSDASH_MAP_MAX_MB", "1")
    assert problems(city, b" " * (1024 * 1024 + 1)) == [
        "文件大小为 1.0 MB,超过上限 1 MB(可在制图软件中简化边界后再上传)"]


def test_every_other_problem_at_once(city):
    unclosed = {"type": "Polygon", "coordinates": [[[116.0, 39.0], [116.1, 39.0], [116.1, 39.1], [116.0, 39.1]]]}
    assert problems(city, collection(feature(None), feature("西城区", unclosed), feature("东城区"),
                                     feature("东城"))) == [
        "第1个要素没有名称属性(name 或 名称),无法对应到县区",
        "第2个要素(“西城区”)有未闭合的边界环(首尾两点应相同)",
        "县区“东城区”有多个要素(第4个重复):请合并为一个 MultiPolygon"]
    assert problems(city, b"{not json") == ["不是有效的 GeoJSON 文件:第1行第2列格式错误"]
    assert problems(city, b'{"type": "Polygon", "coordinates": []}') == [
        "GeoJSON 的顶层应为 FeatureCollection(含 features 列表)"]


def test_the_demo_boundaries_cover_every_demo_region(engine):
    from sample_data.generate import REGIONS
    from sample_data.load import BOUNDARIES
    with engine.begin() as conn:
        for name, _, aliases in REGIONS:
            region(conn, name, *aliases)
        found = geo.read_boundaries(conn, BOUNDARIES.read_bytes())
    assert found.missing == [] and len(found.shapes) == 7


def test_rings_are_turned_the_way_d3_draws_them():
    hole = [[116.02, 39.02], [116.02, 39.08], [116.08, 39.08], [116.08, 39.02], [116.02, 39.02]]  # clockwise
    turned = charts.rewound({"type": "Polygon", "coordinates": [SQUARE[0], hole]})["coordinates"]
    assert turned[0] == SQUARE[0][::-1]  # the exterior, counterclockwise in the file, now clockwise
    assert turned[1] == hole[::-1]  # the hole the other way
    assert charts._signed_area(turned[0]) < 0 < charts._signed_area(turned[1])
    assert charts.label_point({"type": "Polygon", "coordinates": SQUARE}) == pytest.approx((116.05, 39.05))


def test_the_map_colours_each_county_by_its_warning_from_local_data_only():
    shapes = [{"region_id": 1, "region": "东城区", "geometry": {"type": "Polygon", "coordinates": SQUARE}},
              {"region_id": 2, "region": "西城区", "geometry": {"type": "Polygon", "coordinates": SQUARE}}]
    ranking = [{"region_id": 1, "region": "东城区", "signed_amount": 6, "indicators": {
                "signed_amount": {"completion_pct": 60, "warning": "blue"}}},
               {"region_id": 2, "region": "西城区", "signed_amount": 3, "indicators": {}}]
    rows = map_rows(shapes, ranking, "signed_amount")
    assert [(r["region"], r["warning"], r["figure"]) for r in rows] == [("东城区", "blue", "完成 60.00%"),
                                                                         ("西城区", None, "3.00 亿元")]
    spec = charts.map_chart(rows, select="map_pick").to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert '"url"' not in text  # no tiles, no fetched topology: the shapes travel with the chart
    assert spec["projection"] == {"type": "mercator"}
    assert spec["layer"][0]["mark"]["type"] == "geoshape"
    states = [v["状态"] for v in spec["layer"][0]["data"]["values"]]
    assert states == ["达到序时进度", "无年度目标"]
    assert [v["text"] for v in spec["layer"][1]["data"]["values"]] == ["东城区\n完成 60.00%", "西城区\n3.00 亿元"]
