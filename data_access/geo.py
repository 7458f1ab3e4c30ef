"""County boundaries for the map (总览, 大屏): an admin uploads the city's GeoJSON on 管理; it is checked
whole (every problem in Chinese, nothing saved when there is one) and replaces the boundaries before.

A feature's name (property ``name``, ``NAME``, ``Name``, ``名称`` or ``县区``) must be a configured
region or alias; its geometry a Polygon or MultiPolygon in longitude/latitude degrees (WGS84 or
GCJ-02), rings closed. Regions without a feature are listed, not refused (the map leaves them out).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select

from data_access import audit, db, settings
from data_access.config import regions
from data_access.models import CITY_REGION, Region, RegionAlias, RegionShape

NAME_KEYS = ("name", "NAME", "Name", "名称", "县区")
SHAPES = ("Polygon", "MultiPolygon")


class MapRejected(ValueError):
    """A boundary file that was refused; ``problems`` says why, all at once (Chinese)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Boundaries:
    shapes: dict[int, dict]  # region id -> geometry
    names: dict[int, str]  # region id -> region name
    missing: list[str]  # configured regions with no feature


def _rings(geometry: dict) -> list:
    coords = geometry.get("coordinates")
    if not isinstance(coords, list):
        return []
    return coords if geometry["type"] == "Polygon" else [ring for polygon in coords if isinstance(polygon, list)
                                                         for ring in polygon]


def _ring_problem(ring) -> str | None:
    if not isinstance(ring, list) or len(ring) < 4:
        return "有少于4个点的边界环(一个多边形至少需要4个点,首尾相同)"
    for point in ring:
        if not (isinstance(point, list) and len(point) >= 2 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in point[:2])):
            return f"有不是数字坐标的点({json.dumps(point, ensure_ascii=False)[:40]})"
        lon, lat = point[0], point[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return (f"坐标({lon}, {lat})超出经纬度范围:请使用经纬度坐标(WGS84 或 GCJ-02,经度在前),"
                    "不要使用投影坐标(米)")
    if ring[0][:2] != ring[-1][:2]:
        return "有未闭合的边界环(首尾两点应相同)"
    return None


def read_boundaries(conn: Connection, content: bytes) -> Boundaries:
    """The shapes of ``content`` by region, or MapRejected with every problem."""
    limit = settings.get("map_max_mb")
    if len(content) > limit * 1024 * 1024:
        raise MapRejected([f"文件大小为 {len(content) / 1024 / 1024:.1f} MB,超过上限 {limit} MB"
                           "(可在制图软件中简化边界后再上传)"])
    try:
        doc = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MapRejected(["文件不是 UTF-8 编码的 GeoJSON 文本"]) from None
    except json.JSONDecodeError as exc:
        raise MapRejected([f"不是有效的 GeoJSON 文件:第{exc.lineno}行第{exc.colno}列格式错误"]) from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not (isinstance(doc, dict) and doc.get("type") == "FeatureCollection" and isinstance(doc.get("features"), list)):
        raise MapRejected(["GeoJSON 的顶层应为 FeatureCollection(含 features 列表)"])
    known = {r["name"]: r["id"] for r in regions(conn)}
    names = {rid: name for name, rid in known.items()}
    known |= {alias: rid for alias, rid in conn.execute(select(RegionAlias.alias, RegionAlias.region_id))
              if rid in names}
    problems, shapes = [], {}
    for n, feature in enumerate(doc["features"], 1):
        props = (feature or {}).get("properties") or {} if isinstance(feature, dict) else {}
        name = next((str(props[k]).strip() for k in NAME_KEYS if props.get(k) not in (None, "")), None)
        where = f"第{n}个要素" + (f"(“{name}”)" if name else "")
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in SHAPES:
            problems.append(f"{where}的几何类型为 {kind or '空'},只接受 Polygon 或 MultiPolygon(县区的面)")
        else:
            rings = _rings(geometry)
            found = next((p for p in map(_ring_problem, rings) if p), None) if rings else "没有坐标"
            if found:
                problems.append(f"{where}{found}")
        if name is None:
            problems.append(f"{where}没有名称属性(name 或 名称),无法对应到县区")
        elif name not in known:
            problems.append(f"{where}的名称不是已配置的县区或别名(已配置:{'、'.join(names.values()) or '无'})")
        elif known[name] in shapes:
            problems.append(f"县区“{names[known[name]]}”有多个要素(第{n}个重复):请合并为一个 MultiPolygon")
        elif kind in SHAPES:
            shapes[known[name]] = {"type": kind, "coordinates": geometry["coordinates"]}
    if not doc["features"]:
        problems.append("文件中没有任何要素(features 为空)")
    if problems:
        raise MapRejected(problems)
    return Boundaries(shapes, names, [name for rid, name in names.items() if rid not in shapes])


def save_boundaries(conn: Connection, content: bytes, actor: str) -> Boundaries:
    """Check ``content`` and replace every region's boundary with it; audited."""
    found = read_boundaries(conn, content)
    before = sorted(conn.scalars(select(Region.name).join(RegionShape, RegionShape.region_id == Region.id)))
    conn.execute(delete(RegionShape))
    conn.execute(insert(RegionShape), [{"region_id": rid, "geometry": json.dumps(shape, separators=(",", ":"))}
                                       for rid, shape in found.shapes.items()])
    audit.record(conn, actor, "map_upload", "县区边界", before=before or None,
                 after={"县区": [found.names[r] for r in found.shapes], "无边界": found.missing})
    db.bump_data_version(conn)
    return found


def shapes(conn: Connection) -> list[dict]:
    """Every region with a boundary, in the regions' order: region_id, region, geometry (GeoJSON)."""
    rows = conn.execute(select(Region.id, Region.name, RegionShape.geometry)
                        .join(RegionShape, RegionShape.region_id == Region.id)
                        .where(Region.name != CITY_REGION).order_by(Region.sort_order, Region.id))
    return [{"region_id": rid, "region": name, "geometry": json.loads(geometry)} for rid, name, geometry in rows]
