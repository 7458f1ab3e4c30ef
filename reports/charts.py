"""The briefing charts, built once for every surface: the 总览 and 简报 pages (light), the 大屏
(dark) and the exported PNG / Word images. One palette; Chinese labels upright; explicit sizes."""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from data_access import settings
from labels import METRIC_LABELS, SCREEN, WARNING_COLORS

PRIMARY = "#c62828"
SECONDARY = "#1f6fd1"
GREY = "#9e9e9e"
FONT = "Noto Sans CJK SC"


@dataclass(frozen=True)
class Theme:
    background: str
    text: str
    grid: str
    series: tuple[str, str, str, str]  # this year, last year, time-progress line, target
    bar: str
    highlight: str


LIGHT = Theme("#ffffff", "#333333", "#e6e6e6", (PRIMARY, GREY, SECONDARY, "#555555"), PRIMARY, "#8e0000")
DARK = Theme("#0b1d3a", "#d6e4ff", "#1e3a66", ("#4fc3f7", "#7f8ea3", "#ffb74d", "#e0e0e0"), "#29b6f6", "#ffca28")

TREND_SERIES = [("本年累计", "value"), ("上年同期累计", "last_year"), ("序时进度线", "time_progress_line"),
                ("年度目标", "target")]


def themed(chart, theme: Theme, font_size: int = 12):
    """``chart`` with the theme's colours and the CJK font (needed by the server-side renderer)."""
    return (chart.configure(font=FONT, background=theme.background)
            .configure_axis(labelColor=theme.text, titleColor=theme.text, gridColor=theme.grid,
                            domainColor=theme.grid, tickColor=theme.grid, labelFontSize=font_size,
                            titleFontSize=font_size)
            .configure_legend(labelColor=theme.text, titleColor=theme.text, labelFontSize=font_size)
            .configure_title(color=theme.text, fontSize=font_size + 4, anchor="start")
            .configure_view(stroke=None))


def trend_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{"月份": f"{r['month']}月", "系列": name, "数值": float(r[key])}
                         for r in rows for name, key in TREND_SERIES if r[key] is not None],
                        columns=["月份", "系列", "数值"])


def trend_chart(rows: list[dict], measure: str = "signed_amount", theme: Theme = LIGHT, *, height: int = 300,
                width: int | None = None, title: str | None = None) -> alt.Chart:
    """This year's cumulative ``measure`` by month against last year, the time-progress line and the
    target (rows of ``metrics.trend.cumulative_trend``)."""
    unit = METRIC_LABELS[measure][1]
    names = [n for n, _ in TREND_SERIES]
    chart = alt.Chart(trend_frame(rows), height=height, title=title or alt.Undefined).mark_line(
        point=True, strokeWidth=2.5).encode(
        alt.X("月份:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        alt.Y("数值:Q", title=unit),
        alt.Color("系列:N", scale=alt.Scale(domain=names, range=list(theme.series)),
                  legend=alt.Legend(orient="top", title=None, columns=2)),  # a phone's width holds two
        alt.StrokeDash("系列:N", scale=alt.Scale(domain=names, range=[[1, 0], [4, 3], [6, 3], [2, 2]]), legend=None),
        tooltip=["系列:N", "月份:N", alt.Tooltip("数值:Q", format=".2f")])
    return chart.properties(width=width) if width else chart


def bar_chart(frame: pd.DataFrame, category: str, value: str, theme: Theme = LIGHT, *, unit: str = "",
              height: int = 300, width: int | None = None, title: str | None = None, labels: bool = True,
              select: str | None = None, highlight: str | None = None) -> alt.Chart:
    """A bar per category in the frame's order, its value written on top; ``select`` names a point
    selection on the category (for drill-down), ``highlight`` one category drawn in the accent colour."""
    base = alt.Chart(frame, height=height, title=title or alt.Undefined).encode(
        alt.X(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelAngle=0, labelLimit=120)),
        alt.Y(f"{value}:Q", title=unit))
    colour = (alt.condition(alt.datum[category] == highlight, alt.value(theme.highlight), alt.value(theme.bar))
              if highlight else alt.value(theme.bar))
    bars = base.mark_bar(cornerRadius=2).encode(color=colour,
                                                tooltip=[f"{category}:N", alt.Tooltip(f"{value}:Q", format=".2f")])
    if select:
        sel = alt.selection_point(name=select, fields=[category])
        bars = bars.add_params(sel).encode(opacity=alt.condition(sel, alt.value(1.0), alt.value(0.45)))
    chart = bars + base.mark_text(dy=-8, color=theme.text).encode(text=alt.Text(f"{value}:Q", format=".2f")) \
        if labels else bars
    return chart.properties(width=width) if width else chart


def region_frame(regions: list[dict], measure: str = "signed_amount") -> pd.DataFrame:
    label = METRIC_LABELS[measure][0]
    return pd.DataFrame([{"县区": r["region"], label: float(r[measure])} for r in regions], columns=["县区", label])


def chain_frame(chains: list[dict], measure: str = "signed_amount") -> pd.DataFrame:
    label = METRIC_LABELS[measure][0]
    return pd.DataFrame([{"产业链": c["chain"], label: float(c[measure])} for c in chains], columns=["产业链", label])


def warning_colour(level: str | None, theme: Theme = LIGHT) -> str:
    return WARNING_COLORS.get(level or "", theme.grid)


# ---- the county map

def map_states() -> dict[str | None, str]:
    """The map legend: each 红黄蓝 level in words, with the threshold in force; None: no target."""
    pp = format(settings.get("warning_yellow_pp").normalize(), "f")
    return {k: v.format(pp=pp) for k, v in SCREEN["legend"].items()} | {None: "无年度目标"}


def _signed_area(ring: list) -> float:
    """Twice the ring's area in the plane of (lon, lat): positive when counterclockwise."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:]))


def rewound(geometry: dict) -> dict:
    """``geometry`` with its rings turned the way d3-geo (Vega's renderer) reads them: exterior rings
    clockwise, holes counterclockwise. GeoJSON files (RFC 7946) mostly go the other way round, and d3
    then draws the whole globe but the county."""
    def polygon(rings: list) -> list:
        return [ring[::-1] if (_signed_area(ring) > 0) == (i == 0) else ring for i, ring in enumerate(rings)]
    coords = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": polygon(coords)}
    return {"type": "MultiPolygon", "coordinates": [polygon(p) for p in coords]}


def label_point(geometry: dict) -> tuple[float, float]:
    """Where a county's label goes: the centroid of its largest polygon's outer ring."""
    rings = [geometry["coordinates"][0]] if geometry["type"] == "Polygon" else [p[0] for p in geometry["coordinates"]]
    ring = max(rings, key=lambda r: abs(_signed_area(r)))
    area = _signed_area(ring)
    if not area:
        return ring[0][0], ring[0][1]
    cx = sum((x1 + x2) * (x1 * y2 - x2 * y1) for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:])) / (3 * area)
    cy = sum((y1 + y2) * (x1 * y2 - x2 * y1) for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:])) / (3 * area)
    return cx, cy


def map_chart(rows: list[dict], theme: Theme = LIGHT, *, height: int = 320, width: int | None = None,
              font_size: int = 12, select: str | None = None) -> alt.LayerChart:
    """The counties coloured by 红黄蓝 (their completion against 序时进度, grey without a target), each
    labelled with its name and figure. ``rows``: region, geometry, warning, figure (text). Drawn from
    the data alone (no tiles, nothing fetched); ``select`` names a point selection on the county."""
    states = map_states()
    domain = list(states.values())
    colours = [WARNING_COLORS["blue"], WARNING_COLORS["yellow"], WARNING_COLORS["red"], theme.grid]
    shapes = alt.Data(values=[{"type": "Feature", "geometry": rewound(r["geometry"]), "properties": {},
                               "县区": r["region"], "状态": states[r["warning"]], "数值": r["figure"]}
                              for r in rows])
    fill = alt.Color("状态:N", scale=alt.Scale(domain=domain, range=colours),
                     legend=alt.Legend(orient="bottom", title=None, labelColor=theme.text, columns=2))
    counties = alt.Chart(shapes).mark_geoshape(stroke=theme.background, strokeWidth=1.5).encode(
        fill, tooltip=["县区:N", "数值:N", "状态:N"])
    if select:
        sel = alt.selection_point(name=select, fields=["县区"])
        counties = counties.add_params(sel).encode(opacity=alt.condition(sel, alt.value(1.0), alt.value(0.55)))
    points = [dict(zip(("lon", "lat"), label_point(r["geometry"]))) | {
        "text": f"{r['region']}\n{r['figure']}", "ink": "#2b2100" if r["warning"] == "yellow" else "#ffffff"}
        for r in rows]  # dark on yellow, white on the others
    labels = alt.Chart(alt.Data(values=points)).mark_text(lineBreak="\n", fontSize=font_size, fontWeight="bold").encode(
        longitude="lon:Q", latitude="lat:Q", text="text:N", color=alt.Color("ink:N", scale=None))
    chart = alt.layer(counties, labels).project(type="mercator").properties(height=height)
    return chart.properties(width=width) if width else chart
