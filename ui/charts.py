"""Altair chart builders shared by the pages: one palette, Chinese labels upright, explicit sizes."""
from __future__ import annotations

import altair as alt
import pandas as pd

from labels import WARNING_COLORS
from reports.charts import GREY, PRIMARY, SECONDARY

__all__ = ["GREY", "PRIMARY", "SECONDARY", "WARNING_SCALE", "bar", "selected"]
WARNING_SCALE = alt.Scale(domain=["蓝", "黄", "红"],
                          range=[WARNING_COLORS["blue"], WARNING_COLORS["yellow"], WARNING_COLORS["red"]])


def bar(frame: pd.DataFrame, category: str, value: str, *, title: str = "", select: str | None = None,
        horizontal: bool = False, height: int = 320, color: str = PRIMARY) -> alt.Chart:
    """A bar per category in the frame's order; ``select`` names a point selection on the category
    (clicking a bar selects it, for drill-down with ``st.altair_chart(on_select=...)``)."""
    sel = alt.selection_point(name=select, fields=[category]) if select else None
    cat = alt.Y(category, sort=None, title=None) if horizontal else \
        alt.X(category, sort=None, title=None, axis=alt.Axis(labelAngle=0))
    val = alt.X(value, title=title) if horizontal else alt.Y(value, title=title)
    chart = alt.Chart(frame, height=height).mark_bar(color=color, cornerRadius=2).encode(
        cat, val, tooltip=[category, alt.Tooltip(value, format=".2f")])
    if sel is not None:
        chart = chart.add_params(sel).encode(opacity=alt.condition(sel, alt.value(1.0), alt.value(0.45)))
    return chart


def selected(event, name: str, field: str):
    """The value clicked in point selection ``name`` of an ``on_select`` event, or None."""
    if not event:
        return None
    points = event["selection"].get(name) or []
    return points[0].get(field) if points else None
