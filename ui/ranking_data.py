"""Page-boundary data of 县区排名 and 招商活动 (驻点招商, leaders' activities, events, 企业诉求): cached
queries keyed by the filters and the data version (as ui/data.py), and the ranking table with its 红黄蓝 cell colours.

The ranking rows themselves come from ``ui.data.ranking`` (metrics.ranking.county_ranking).
"""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from data_access import settings
from data_access.models import ACTIVITY_TYPES
from labels import SHARE_INDICATORS, TARGET_INDICATORS, WARNING_COLORS, WARNING_LABELS
from metrics import activities as activity_metrics
from metrics.period import Period, Scope
from metrics.resident import AGE_BANDS, NO_UNIT, problem_summary, resident_funnel, resident_signed_in_month
from reports import format as fmt
from ui import charts, data

# metric -> indicator name as written in 年度目标 (签约项目数, 合同投资额, …), in that order
INDICATOR_NAMES = {metric: name for name, metric in TARGET_INDICATORS.items()}
NO_TARGET = "无目标"
# text on a 红黄蓝 cell: white on blue and red, dark on yellow
WARNING_TEXT = {"blue": "#ffffff", "yellow": "#1a1a1a", "red": "#ffffff"}


@st.cache_data(show_spinner=False, max_entries=256)
def funnel(period: Period, region_id: int | None, version: int) -> dict:
    with data.engine().connect() as conn:
        return resident_funnel(conn, period, region_id)


@st.cache_data(show_spinner=False, max_entries=256)
def signed_in_month(year: int, month: int, region_id: int | None, version: int) -> list[dict]:
    with data.engine().connect() as conn:
        return resident_signed_in_month(conn, year, month, region_id)


@st.cache_data(show_spinner=False, max_entries=256)
def problems(as_of: dt.date, region_id: int | None, version: int) -> dict:
    with data.engine().connect() as conn:
        return problem_summary(conn, as_of, region_id)


@st.cache_data(show_spinner=False, max_entries=256)
def activity_summary(period: Period, scope: Scope, version: int) -> dict:
    """招商活动 of the window in the scope's region (totals, by leader, by month) and the events the
    scope's projects were signed at."""
    with data.engine().connect() as conn:
        return {"totals": activity_metrics.activities(conn, period, scope.region_id),
                "by_leader": activity_metrics.activities_by(conn, period, scope.region_id, "leader"),
                "by_month": activity_metrics.activities_by(conn, period, scope.region_id, "month"),
                "events": activity_metrics.events(conn, period, scope)}


@st.cache_data(show_spinner=False, max_entries=256)
def event_projects(period: Period, scope: Scope, name: str, version: int) -> list[dict]:
    with data.engine().connect() as conn:
        return activity_metrics.projects_at_event(conn, period, scope, name)


def event_chart(events: list[dict]) -> alt.LayerChart:
    """A bar per event (its signed amount, labelled with the projects and amount), largest first;
    clicking a bar selects the event (``event_pick``) for its projects."""
    frame = pd.DataFrame([{"签约活动": e["name"], "签约额(亿元)": float(e["signed_amount"]),
                           "标签": f"{e['signed_count']}个 · {fmt.two(e['signed_amount'])}亿元"} for e in events])
    pick = alt.selection_point(name="event_pick", fields=["签约活动"])
    base = alt.Chart(frame, height=max(140, 52 * len(frame))).encode(
        y=alt.Y("签约活动", sort=None, title=None, axis=alt.Axis(labelLimit=420, labelFontSize=13)),
        x=alt.X("签约额(亿元)", title="亿元", axis=alt.Axis(tickCount=6), scale=alt.Scale(nice=True)))
    bars = base.mark_bar(color=charts.PRIMARY, cornerRadius=2).add_params(pick).encode(
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
        tooltip=["签约活动", alt.Tooltip("签约额(亿元)", format=".2f")])
    return bars + base.mark_text(align="left", dx=6, fontSize=13).encode(text="标签")


def activity_frame(rows: list[dict], by: str, first: str) -> pd.DataFrame:
    """A by-leader or by-month table: the first column, each activity type with any count, 解决问题."""
    used = [t for t in ACTIVITY_TYPES if any(r[t] for r in rows)]
    return pd.DataFrame([{first: (f"{r[by]}月" if by == "month" else r[by]), **{t: r[t] for t in used},
                          "解决问题": r["solved"]} for r in rows])


def rank_change_text(change: int | None) -> str:
    """'↑2' up, '↓1' down, '—' unchanged, '新' without a standing last month."""
    if change is None:
        return "新"
    if change > 0:
        return f"↑{change}"
    return f"↓{-change}" if change < 0 else "—"


def score_rule() -> str:
    """How the composite score and the colours are worked out, with the settings in use."""
    cap = fmt.two(settings.get("ranking_completion_cap")).removesuffix(".00")
    yellow = fmt.two(settings.get("warning_yellow_pp")).removesuffix(".00")
    return (f"综合得分 = 各目标指标完成率的加权平均(单项超过 {cap}% 按 {cap}% 计;制造业占比按实际占比 ÷ 目标占比计;"
            f"未下达目标的指标不计入),权重:{weights_line()}。"
            f"红黄蓝:完成率达到序时进度为蓝,落后不足 {yellow} 个百分点为黄,落后 {yellow} 个百分点及以上为红"
            "(制造业占比与年度目标比较)。")


def warning_badge(level: str, text: str) -> str:
    """``text`` on its 红黄蓝 colour, as the ranking table's cells show it (HTML)."""
    return (f'<span style="background:{WARNING_COLORS[level]};color:{WARNING_TEXT[level]};padding:1px 8px;'
            f'border-radius:3px;font-weight:600">{text}</span>')


def legend_html() -> str:
    """The 红黄蓝 legend in the table's own colours."""
    return " ".join(warning_badge(k, WARNING_LABELS[k]) for k in ("blue", "yellow", "red"))


def weights_line() -> str:
    """'合同投资额 40、到位资金 40、…' — the composite score's weights, in the configured order."""
    weights = settings.get("ranking_weights")
    return "、".join(f"{INDICATOR_NAMES.get(m, m)} {w.normalize():f}" for m, w in weights.items())


def targeted_metrics(rows: list[dict]) -> list[str]:
    """The ranked indicators that at least one region has a target for, in 年度目标 order."""
    present = {m for r in rows for m in r["indicators"]}
    return [m for m in INDICATOR_NAMES if m in present]


# short indicator names for the table's headers
SHORT_NAMES = {"signed_count": "签约数", "signed_amount": "合同额", "funds_in_place": "到位资金",
               "manufacturing_share_pct": "制造业占比", "resident_signed_amount": "驻点"}
BEHIND_HELP = "完成率 − 序时进度,单位百分点;负数为落后"


def indicator_columns(metric: str) -> tuple[str, str]:
    """(value column, gap column) headers of one targeted indicator."""
    name = SHORT_NAMES.get(metric, INDICATOR_NAMES[metric])
    if metric in SHARE_INDICATORS:
        return name, "制造业较目标"
    return f"{name}完成率", f"{name}较序时"


def column_help(rows: list[dict]) -> dict[str, str]:
    """Header tooltips: the full indicator name and what the figure is."""
    out = {}
    for m in targeted_metrics(rows):
        value_col, gap_col = indicator_columns(m)
        name = INDICATOR_NAMES[m]
        if m in SHARE_INDICATORS:
            out |= {value_col: f"{name}(%):制造业合同投资额 ÷ 合同投资额 × 100",
                    gap_col: f"{name}减年度目标占比,单位百分点"}
        else:
            out |= {value_col: f"{name}完成年度目标的百分比(%)", gap_col: f"{name}{BEHIND_HELP}"}
    return out | {"合同额(亿元)": "本年签约项目合同投资额", "合同额同比": "合同投资额较上年同期增长(%)"}


def _num(value) -> float | None:
    return None if value is None else float(value)


def ranking_table(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ranking as a table (one row per region, in rank order) and a same-shaped frame of
    warning levels ('blue' / 'yellow' / 'red' / '') for the cells to colour."""
    metrics = targeted_metrics(rows)
    records, levels = [], []
    for r in rows:
        record = {"排名": r["rank"], "县区": r["region"], "升降": rank_change_text(r.get("rank_change")),
                  "综合得分": _num(r["score"]), "合同额(亿元)": float(r["signed_amount"]),
                  "合同额同比": _num(r["signed_amount_yoy_pct"])}
        level = dict.fromkeys(record, "")
        for m in metrics:
            status = r["indicators"].get(m)
            value_col, gap_col = indicator_columns(m)
            if status is None:
                record[value_col] = record[gap_col] = None
                level[value_col] = level[gap_col] = ""
                continue
            shown = status["value"] if m in SHARE_INDICATORS else status["completion_pct"]
            record[value_col], record[gap_col] = _num(shown), _num(status["gap_pp"])
            level[value_col] = level[gap_col] = status["warning"] or ""
        records.append(record)
        levels.append(level)
    return pd.DataFrame(records), pd.DataFrame(levels, columns=list(records[0]) if records else None)


def warning_css(level: str) -> str:
    if not level:
        return ""
    return f"background-color: {WARNING_COLORS[level]}; color: {WARNING_TEXT[level]}"


def styled_ranking(frame: pd.DataFrame, levels: pd.DataFrame):
    """The table with 红黄蓝 cell colours (one palette: labels.WARNING_COLORS) and 2 decimals."""
    decimals = [c for c in frame.columns if c not in ("排名", "升降", "县区")]
    return (frame.style.apply(lambda _: levels.map(warning_css), axis=None)
            .format("{:.2f}", subset=decimals, na_rep="—"))


def score_chart_frame(rows: list[dict]) -> pd.DataFrame:
    """Composite score per region (regions with a score), coloured by the 合同投资额 warning."""
    return pd.DataFrame([{"县区": r["region"], "综合得分": float(r["score"]),
                          "合同投资额预警": WARNING_LABELS.get(
                              (r["indicators"].get("signed_amount") or {}).get("warning"), NO_TARGET)}
                         for r in rows if r["score"] is not None])


def score_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Horizontal bars of composite scores in rank order, coloured by the 合同投资额 warning, with a
    point selection ``score_pick`` on 县区."""
    levels = ("blue", "yellow", "red")
    colours = alt.Scale(domain=[WARNING_LABELS[k] for k in levels] + [NO_TARGET],
                        range=[WARNING_COLORS[k] for k in levels] + [charts.GREY])
    pick = alt.selection_point(name="score_pick", fields=["县区"])
    base = alt.Chart(frame).encode(alt.Y("县区:N", sort=None, title=None, axis=alt.Axis(labelOverlap=False)),
                                   alt.X("综合得分:Q", title="综合得分", axis=alt.Axis(tickCount=5)))
    bars = base.mark_bar(cornerRadius=2).encode(
        alt.Color("合同投资额预警:N", scale=colours, legend=alt.Legend(orient="top", title="合同投资额进度")),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
        tooltip=["县区", alt.Tooltip("综合得分:Q", format=".2f"), "合同投资额预警"]).add_params(pick)
    text = base.mark_text(align="left", dx=4, color="#333333").encode(text=alt.Text("综合得分:Q", format=".2f"))
    # the height includes the legend and the axis (Streamlit fits the whole chart to it)
    return (bars + text).properties(height=110 + 34 * len(frame))


# ---- 驻点招商 / 企业诉求

TEAM_MONTH_FIGURES = {"contacted": ("对接企业数", "家"), "visited": ("考察回访企业数", "家"),
                      "visit_rate_pct": ("考察回访率(%)", "%"), "intended_projects": ("意向项目数", "个"),
                      "intended_amount": ("意向投资额(亿元)", "亿元")}
STAGE_UNITS = {"contacted": "家", "visited": "家", "intended": "个", "signed": "个"}
STAGE_RATES = {"visited": "考察回访率", "intended": "意向转化率", "signed": "签约转化率"}
STAGE_FIGURE = {"contacted": "contacted", "visited": "visited", "intended": "intended_projects"}


def stage_text(stage: dict) -> str:
    """'15家 · 考察回访率 41.67%' / '3个 · 4.75亿元 · 签约转化率 75.00%'."""
    parts = [f"{stage['count']}{STAGE_UNITS[stage['stage']]}"]
    if stage["amount"] is not None:
        parts.append(fmt.amount(stage["amount"]).replace(" ", ""))
    if stage["stage"] in STAGE_RATES:
        parts.append(f"{STAGE_RATES[stage['stage']]} {fmt.percent(stage['rate_pct'])}")
    return " · ".join(parts)


def funnel_chart(stages: list[dict]) -> alt.LayerChart:
    """The four stages as horizontal bars, top to bottom, labelled with counts, amounts and rates;
    a point selection ``stage_pick`` on 环节."""
    frame = pd.DataFrame([{"环节": s["label"], "数量": s["count"], "说明": stage_text(s)} for s in stages])
    pick = alt.selection_point(name="stage_pick", fields=["环节"])
    base = alt.Chart(frame, height=260).encode(alt.Y("环节:N", sort=None, title=None,
                                                     axis=alt.Axis(labelFontSize=14)),
                                               alt.X("数量:Q", title=None, scale=alt.Scale(nice=True)))
    bars = base.mark_bar(color=charts.PRIMARY, cornerRadius=2).encode(
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)), tooltip=["环节", "说明"]).add_params(pick)
    text = base.mark_text(align="left", dx=6, fontSize=13, color="#333333").encode(text="说明:N")
    return (bars + text).resolve_scale(x="shared")


def stage_rows(funnel: dict, stage: str) -> pd.DataFrame:
    """The team × month rows behind a reported stage (contacted / visited / intended)."""
    figure = STAGE_FIGURE[stage]
    records = [{"工作队": r["team"], "县区": r["region"] or "—", "月份": f"{r['month']}月",
                TEAM_MONTH_FIGURES[figure][0]: r[figure]} for r in funnel["rows"] if r[figure]]
    if stage == "intended":
        amounts = [float(r["intended_amount"]) for r in funnel["rows"] if r[figure]]
        for record, amount in zip(records, amounts):
            record["意向投资额(亿元)"] = amount
    return pd.DataFrame(records)


def _cell(figure: str, value):
    return None if value is None else float(value) if figure in ("visit_rate_pct", "intended_amount") else value


def team_month_table(funnel: dict, figure: str) -> pd.DataFrame:
    """One figure by team (rows, with the team's region) and month (columns), with 合计 row and column."""
    months = [f"{m['month']}月" for m in funnel["months"]]
    table = {}
    for r in funnel["rows"]:
        row = table.setdefault(r["team"], {"工作队": r["team"], "县区": r["region"] or "—"} | dict.fromkeys(months))
        row[f"{r['month']}月"] = _cell(figure, r[figure])
    for t in funnel["teams"]:
        table[t["team"]]["合计"] = _cell(figure, t[figure])
    total = {"工作队": "合计", "县区": ""} | {f"{m['month']}月": _cell(figure, m[figure]) for m in funnel["months"]}
    total["合计"] = _cell(figure, funnel["total"][figure])
    return pd.DataFrame([*table.values(), total], columns=["工作队", "县区", *months, "合计"])


def month_table(funnel: dict) -> pd.DataFrame:
    return pd.DataFrame([{"月份": f"{m['month']}月", "对接企业数": m["contacted"], "考察回访企业数": m["visited"],
                          "考察回访率(%)": _cell("visit_rate_pct", m["visit_rate_pct"]),
                          "意向项目数": m["intended_projects"], "意向投资额(亿元)": float(m["intended_amount"]),
                          "驻点招商签约项目数": m["signed_count"], "驻点招商签约额(亿元)": float(m["signed_amount"])}
                         for m in funnel["months"]])


def unit_table(summary: dict) -> pd.DataFrame:
    return pd.DataFrame([{"责任单位": u["unit"], "受理": u["raised"], "待办": u["待办"], "办理中": u["办理中"],
                          "已办结": u["已办结"], "未办结": u["open"]} for u in summary["by_unit"]],
                        columns=["责任单位", "受理", "待办", "办理中", "已办结", "未办结"])


def open_problems(summary: dict, unit: str | None = None, band: str | None = None) -> list[dict]:
    """The open problems, oldest first, optionally of one responsible unit and one age band."""
    low, high = next(((lo, hi) for label, lo, hi in AGE_BANDS if label == band), (0, None))
    return [p for p in summary["open"]
            if (unit is None or (p["unit"] or NO_UNIT) == unit)
            and p["days_open"] >= low and (high is None or p["days_open"] <= high)]


def problem_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{"企业": p["enterprise"], "项目": p["project"] or "—", "县区": p["region"] or "—",
                          "诉求内容": p["description"], "提出日期": p["raised_on"], "责任单位": p["unit"] or NO_UNIT,
                          "办理状态": p["status"], "已过天数": p["days_open"]} for p in rows],
                        columns=["企业", "项目", "县区", "诉求内容", "提出日期", "责任单位", "办理状态", "已过天数"])
