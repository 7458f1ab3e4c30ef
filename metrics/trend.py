"""Cumulative monthly trend of a measure against its annual target and the time-progress line."""
from __future__ import annotations

from itertools import accumulate

from sqlalchemy import Connection

from metrics.figures import targets
from metrics.measures import empty_measures, fact_covers, measures
from metrics.period import Period, Scope

TRENDED = {"signed_amount", "funds_in_place", "signed_count"}


def cumulative_trend(conn: Connection, period: Period, scope: Scope, measure: str) -> list[dict]:
    """For months 1..M: this year's and last year's cumulative value of ``measure``, and — when the
    scope has an annual target for it — the target and the time-progress line (target × m ÷ 12)."""
    if measure not in TRENDED:
        raise ValueError(measure)
    target = targets(conn, period.year, scope.region_id).get(measure) if scope.is_whole_region else None
    this_year, last_year = (_cumulative(conn, p, scope, measure) for p in (period, period.last_year()))
    return [{"month": month, "value": this_year[month - 1], "last_year": last_year[month - 1], "target": target,
             "time_progress_line": None if target is None else target * month / 12}
            for month in range(1, period.month + 1)]


def _cumulative(conn: Connection, period: Period, scope: Scope, measure: str) -> list:
    """The window figure for months 1..M: summed month by month from the summary in one query,
    or one window query per month for scopes only the raw tables answer."""
    if not fact_covers(scope):
        return [measures(conn, Period(period.year, m), scope)[None][measure] for m in range(1, period.month + 1)]
    by_month = measures(conn, period, scope, group_by="month")
    zero = empty_measures()[measure]
    return list(accumulate(by_month.get(m, {}).get(measure, zero) for m in range(1, period.month + 1)))
