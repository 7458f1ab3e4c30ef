"""The official-style briefing (通报) paragraph, written from the overview figures.

Clauses whose figure is undefined (no target, no last-year figure) are left out. Numbers are
shown with 2 decimals, rounded half up, like every figure on screen.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from metrics.activities import activities, events
from metrics.figures import overview
from metrics.period import Period, Scope
from metrics.resident import problems_in_window


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


def scope_words(scope: dict) -> str:
    """How the paragraph names a scope narrower than all projects: origin, minimum amount, chain,
    manufacturing — "省外500万元以上", "亿元以上", "木材加工产业链制造业"."""
    words = scope["origin"] or ""
    amount = scope["min_amount"]
    if amount is not None:
        amount = Decimal(amount)
        if amount >= 1:
            words += ("" if amount == 1 else f"{amount.normalize():f}") + "亿元以上"
        else:
            words += f"{(amount * 10000).normalize():f}万元以上"
    if scope["chain"]:
        words += f"{scope['chain']}产业链"
    if scope["manufacturing_only"]:
        words += "制造业"
    return words


def whole_name(region: str) -> str:
    """全市, or 全区 / 全县 for a district or county (by the last character of its name)."""
    return region if region == "全市" else f"全{region[-1]}"


def _scoped_head(f: dict, period: Period) -> str:
    """The seeds' scoped sentence: the scope's count, amount and funds with their share of the whole."""
    text = (f"{span(period)},{f['region']}新签约{scope_words(f['scope'])}项目{f['signed_count']}个、"
            f"合同投资额{_n(f['signed_amount'])}亿元、到位资金{_n(f['funds_in_place'])}亿元")
    shares = [f["share_of_total"][k] for k in ("signed_count_pct", "signed_amount_pct", "funds_in_place_pct")]
    if all(v is not None for v in shares):
        text += f",占{whole_name(f['region'])}比重分别为{_n(shares[0])}%、{_n(shares[1])}%和{_n(shares[2])}%"
    text += _change(f["signed_amount_yoy_pct"]) + "。"
    if f["projects_over_10yi_count"] and (f["scope"]["min_amount"] is None or f["scope"]["min_amount"] < 10):
        text += (f"其中10亿元以上项目{f['projects_over_10yi_count']}个,合同投资额{_n(f['projects_over_10yi_amount'])}"
                 f"亿元,到位资金{_n(f['projects_over_10yi_funds'])}亿元。")
    return text


def briefing_text(f: dict, period: Period) -> str:
    """The paragraph for one overview figure set ``f`` (as returned by metrics.figures.overview,
    with ``problems`` when known); a scoped set (``share_of_total`` given) opens with its scope and
    share of the whole, as the seeds do."""
    tp = f["time_progress_pct"]
    scoped = f.get("share_of_total") is not None
    if scoped:
        parts = [_scoped_head(f, period)]
    else:
        parts = [f"{span(period)},{f['region']}新签约项目{f['signed_count']}个,合同投资额{_n(f['signed_amount'])}亿元"
                 + _completion(f["signed_amount_completion_pct"], tp) + _change(f["signed_amount_yoy_pct"]) + "。"]
    if f["signed_count"]:
        share = f",占合同总投资额的{_n(f['manufacturing_share_pct'])}%" if f["manufacturing_share_pct"] is not None \
            else ""
        if f["manufacturing_count"] and not (f.get("scope") or {}).get("manufacturing_only"):
            parts.append(f"其中新引进制造业项目{f['manufacturing_count']}个,合同投资额{_n(f['manufacturing_amount'])}亿元"
                         + share + _diff(f["manufacturing_share_diff_pp"]) + "。")
        parts.append(f"开工项目{f['started_count']}个,开工率{_n(f['start_rate_pct'])}%"
                     + (f";投产项目{f['production_count']}个" if f["production_count"] else "") + "。")
    if not scoped:
        funds = f"到位资金{_n(f['funds_in_place'])}亿元" + _completion(f["funds_completion_pct"], tp) \
            + _change(f["funds_yoy_pct"])
        if f["funds_arrival_rate_pct"] is not None:
            funds += f",资金到位率{_n(f['funds_arrival_rate_pct'])}%"
        parts.append(funds + "。")
    big = []
    if f["projects_over_10yi_count"] and not scoped:
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
    a = f.get("activities")
    if a and any(a.values()):
        said = [ACTIVITY_WORDS[key].format(n=a[key]) for key in ACTIVITY_WORDS if a.get(key)]
        if a["problems_solved"]:
            said.append(f"协调解决问题{a['problems_solved']}个")
        if said:
            parts.append(f"{f['region']}领导共" + ",".join(said) + "。")
    if f.get("events"):
        parts.append(";".join(f"在{e['name']}上签约项目{e['signed_count']}个、签约额{_n(e['signed_amount'])}亿元"
                              for e in f["events"][:3]) + "。")
    problems = f.get("problems")
    if problems and problems["total"]:
        text = f"收集企业反映问题{problems['total']}个,已办结{problems['closed']}个"
        text += f",正在办理{problems['in_progress']}个" if problems["in_progress"] else ""
        text += f",待办{problems['pending']}个" if problems["pending"] else ""
        parts.append(text + "。")
    return "".join(parts)


# activity keys -> how the paragraph says them (top500 contacts follow the talks, as the seeds write)
ACTIVITY_WORDS = {"trips": "外出招商{n}次", "talks": "开展对接洽谈{n}次",
                  "top500_enterprises_contacted": "对接500强企业{n}家",
                  "visits_received": "接待企业考察{n}次", "events_held": "举办推介会{n}场",
                  "coordination_meetings": "召开项目协调会{n}次", "work_meetings": "召开工作会议{n}次",
                  "enterprise_visits": "走访调研企业{n}次"}


def briefing(conn, period: Period, scope: Scope = Scope()) -> dict:
    """The overview figures with the window's 招商活动 (``activities``), 活动签约 (``events``) and 企业诉求
    (``problems``), and the paragraph under ``text`` (unrounded; see figures.rounded)."""
    f = overview(conn, period, scope) | {"activities": activities(conn, period, scope.region_id),
                                         "events": events(conn, period, scope),
                                         "problems": problems_in_window(conn, period, scope.region_id)}
    return f | {"text": briefing_text(f, period)}
