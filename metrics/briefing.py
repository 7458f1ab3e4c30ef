"""The official-style briefing (通报) paragraph, written from the overview figures.

Clauses whose figure is undefined (no target, no last-year figure) are left out. Numbers are
shown with 2 decimals, rounded half up, like every figure on screen.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from metrics.figures import overview
from metrics.period import Period, Scope


def _q(value) -> Decimal:
    """``value`` as displayed: 2 places, half up. Wording (增长/下降/低于…) follows the shown figure, so a
    difference shown as 0.00 reads as unchanged rather than "增长0.00%"."""
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _n(value) -> str:
    return str(_q(value))


def span(period: Period) -> str:
    """'2023年1-5月', '2023年1月', '2023年全年'."""
    if period.month == 12:
        return f"{period.year}年全年"
    if period.month == 1:
        return f"{period.year}年1月"
    return f"{period.year}年1-{period.month}月"


def _compare(value, more: str, less: str, same: str, unit: str) -> str:
    """',比去年同期增长3.20%' / ',…下降…' / ',与去年同期持平'; empty when ``value`` is None."""
    if value is None:
        return ""
    value = _q(value)
    if value > 0:
        return f",{more}{value}{unit}"
    if value < 0:
        return f",{less}{-value}{unit}"
    return f",{same}"


def _change(yoy) -> str:
    return _compare(yoy, "比去年同期增长", "比去年同期下降", "与去年同期持平", "%")


def _diff(diff) -> str:
    return _compare(diff, "比年度目标高", "比年度目标低", "与年度目标持平", "个百分点")


def _completion(completion, time_progress) -> str:
    if completion is None:
        return ""
    text = f",完成年度任务的{_n(completion)}%"
    behind = _q(time_progress - completion)
    if behind > 0:
        text += f",低于序时进度{behind}个百分点"
    return text


def briefing_text(f: dict, period: Period) -> str:
    """The paragraph for one overview figure set ``f`` (as returned by metrics.figures.overview)."""
    tp = f["time_progress_pct"]
    parts = [f"{span(period)},{f['region']}新签约项目{f['signed_count']}个,合同投资额{_n(f['signed_amount'])}亿元"
             + _completion(f["signed_amount_completion_pct"], tp) + _change(f["signed_amount_yoy_pct"]) + "。"]
    if f["signed_count"]:
        share = f",占合同总投资额的{_n(f['manufacturing_share_pct'])}%" if f["manufacturing_share_pct"] is not None \
            else ""
        parts.append(f"其中新引进制造业项目{f['manufacturing_count']}个,合同投资额{_n(f['manufacturing_amount'])}亿元"
                     + share + _diff(f["manufacturing_share_diff_pp"]) + "。")
        parts.append(f"开工项目{f['started_count']}个,开工率{_n(f['start_rate_pct'])}%"
                     + (f";投产项目{f['production_count']}个" if f["production_count"] else "") + "。")
    funds = f"到位资金{_n(f['funds_in_place'])}亿元" + _completion(f["funds_completion_pct"], tp) \
        + _change(f["funds_yoy_pct"])
    if f["funds_arrival_rate_pct"] is not None:
        funds += f",资金到位率{_n(f['funds_arrival_rate_pct'])}%"
    parts.append(funds + "。")
    big = []
    if f["projects_over_10yi_count"]:
        big.append(f"10亿元以上项目{f['projects_over_10yi_count']}个,合同投资额{_n(f['projects_over_10yi_amount'])}亿元")
    if f["top500_projects"]:
        big.append(f"500强企业投资项目{f['top500_projects']}个")
    news = [f"500强企业{f['top500_enterprises_new']}家" if f["top500_enterprises_new"] else "",
            f"专精特新“小巨人”企业{f['little_giant_enterprises_new']}家" if f["little_giant_enterprises_new"] else ""]
    if any(news):
        big.append("新引进" + "、".join(n for n in news if n))
    if big:
        parts.append(";".join(big) + "。")
    r = f["resident"]
    if r["contacted"] or r["signed_count"]:
        text = f"驻点招商对接企业{r['contacted']}家,考察回访{r['visited']}家"
        if r["visit_rate_pct"] is not None:
            text += f",考察回访率{_n(r['visit_rate_pct'])}%"
        text += f",签约项目{r['signed_count']}个、签约额{_n(r['signed_amount'])}亿元"
        if r["completion_pct"] is not None:
            text += f",完成驻点签约目标的{_n(r['completion_pct'])}%"
        parts.append(text + "。")
    return "".join(parts)


def briefing(conn, period: Period, scope: Scope = Scope()) -> dict:
    """The overview figures with the paragraph under ``text`` (unrounded; see figures.rounded)."""
    f = overview(conn, period, scope)
    return f | {"text": briefing_text(f, period)}
