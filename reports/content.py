"""Everything a briefing shows, gathered once from the metric engine, so the 简报 page, the 大屏,
the PNG and the Word file can never disagree."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection

from data_access import geo
from data_access.config import regions
from data_access.periods import last_import_time
from metrics.breakdowns import chain_summary
from metrics.briefing import briefing, briefing_text, span
from metrics.figures import overview
from metrics.measures import empty_measures, measures
from metrics.period import Period, Scope
from metrics.ranking import county_ranking
from metrics.reporting import not_reported
from metrics.trend import cumulative_trend
from reports import format as fmt


@dataclass(frozen=True)
class Headline:
    """One headline figure: ``value`` as shown, ``note`` (completion, YoY or gap) and ``status``
    'ahead' (on or ahead of 序时进度), 'behind', or None when there is nothing to compare with."""
    label: str
    value: str
    note: str
    status: str | None = None


@dataclass
class Briefing:
    period: Period
    scope_label: str
    figures: dict
    trend: list[dict]
    regions: list[dict]
    chains: list[dict]
    ranking: list[dict]
    county_texts: list[str] = field(default_factory=list)
    updated_at: dt.datetime | None = None
    unreported: tuple[str, ...] = ()  # regions whose month is not in (上报进度), when the month has a calendar
    shapes: list[dict] = field(default_factory=list)  # county boundaries (data_access.geo.shapes)
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    @property
    def span(self) -> str:
        return span(self.period)

    @property
    def title(self) -> str:
        return f"{self.scope_label}招商引资工作简报"

    @property
    def subtitle(self) -> str:
        return f"{self.span} · {self.scope_label} · 序时进度 {fmt.percent(self.period.time_progress_pct)}"

    @property
    def text(self) -> str:
        return self.figures["text"]

    @property
    def footer(self) -> str:
        updated = self.updated_at.strftime("%Y-%m-%d %H:%M") if self.updated_at else "—"
        return (f"数据来源:各县区月度上报台账 · 数据截至 {self.span} · 数据更新于 {updated} · "
                f"生成于 {self.generated_at:%Y-%m-%d %H:%M}")

    @property
    def headlines(self) -> list[Headline]:
        return headlines(self.figures, self.period)


def map_rows(shapes: list[dict], ranking: list[dict], measure: str) -> list[dict]:
    """The map's counties for ``measure`` (signed_count, signed_amount or funds_in_place): region,
    geometry, warning (红黄蓝 of its completion against 序时进度; None without a target) and figure (the
    completion, or the value when there is no target). ``ranking``: county_ranking's rows, or rows of
    plain figures (by_region, for a scope no target applies to)."""
    by_region = {r["region_id"]: r for r in ranking}
    out = []
    for shape in shapes:
        row = by_region.get(shape["region_id"])
        if row is None:
            continue
        status = row.get("indicators", {}).get(measure) or {}
        if status.get("completion_pct") is not None:
            figure = f"完成 {fmt.percent(status['completion_pct'])}"
        else:
            figure = fmt.count(row[measure]) if measure == "signed_count" else fmt.amount(row[measure])
        out.append({"region_id": shape["region_id"], "region": shape["region"], "geometry": shape["geometry"],
                    "warning": status.get("warning"), "figure": figure})
    return out


def progress_status(completion, time_progress) -> str | None:
    """'ahead' when a completion (%) is on or ahead of 序时进度, 'behind' when below it, None without
    a target: the colour of a headline figure (蓝 / 红) on every screen."""
    if completion is None:
        return None
    return "behind" if completion < time_progress else "ahead"


def _completion_note(completion, yoy, time_progress) -> tuple[str, str | None]:
    parts, status = [], progress_status(completion, time_progress)
    if completion is not None:
        parts.append(f"完成年度任务 {fmt.percent(completion)}")
    if yoy is not None:
        parts.append(f"同比 {fmt.signed_pct(yoy)}")
    return " · ".join(parts) or "无年度目标和上年同期数据", status


def headlines(o: dict, period: Period) -> list[Headline]:
    """The six headline figures of a briefing, from ``metrics.briefing`` figures."""
    tp = period.time_progress_pct
    out = []
    for label, key, shown in (("新签约项目", "signed_count", fmt.count(o["signed_count"])),
                              ("合同投资额", "signed_amount", fmt.amount(o["signed_amount"])),
                              ("到位资金", "funds", fmt.amount(o["funds_in_place"]))):
        yoy_key = "funds_yoy_pct" if key == "funds" else f"{key}_yoy_pct"
        note, status = _completion_note(o[f"{key}_completion_pct"], o[yoy_key], tp)
        out.append(Headline(label, shown, note, status))
    diff = o["manufacturing_share_diff_pp"]
    share_status = None if diff is None else ("behind" if diff < 0 else "ahead")
    out.append(Headline("制造业占比", fmt.percent(o["manufacturing_share_pct"]),
                        f"较年度目标 {fmt.signed_pct(diff, ' 个百分点')}" if diff is not None
                        else f"制造业项目 {o['manufacturing_count']} 个", share_status))
    out.append(Headline("开工率", fmt.percent(o["start_rate_pct"]), f"已开工 {o['started_count']} 个"))
    out.append(Headline("500强项目", fmt.count(o["top500_projects"]),
                        f"新引进500强企业 {o['top500_enterprises_new']} 家"))
    return out


def by_region(conn: Connection, period: Period, scope: Scope) -> list[dict]:
    """Base measures per configured region (zeros included), in the regions' order."""
    found = measures(conn, period, scope, group_by="region")
    return [{"region_id": r["id"], "region": r["name"], **found.get(r["id"], empty_measures())}
            for r in regions(conn)]


def gather(conn: Connection, period: Period, scope: Scope = Scope(), scope_label: str = "全市",
           with_counties: bool = False) -> Briefing:
    """The briefing of ``period`` and ``scope``; ``with_counties`` adds each county's own paragraph
    (for the Word 月通报)."""
    county_texts = []
    if with_counties and scope.region_id is None:
        for r in regions(conn):
            f = overview(conn, period, scope.with_region(r["id"]))
            county_texts.append(briefing_text(f, period))
    return Briefing(period=period, scope_label=scope_label, figures=briefing(conn, period, scope),
                    trend=cumulative_trend(conn, period, scope, "signed_amount"),
                    regions=by_region(conn, period, scope.with_region(None)), chains=chain_summary(conn, period, scope),
                    ranking=county_ranking(conn, period), county_texts=county_texts,
                    updated_at=last_import_time(conn), unreported=tuple(not_reported(conn, period, dt.date.today())),
                    shapes=geo.shapes(conn))
