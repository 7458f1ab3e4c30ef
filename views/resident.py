"""招商活动 (at /resident, its address since it was 驻点招商): the 驻点招商 funnel (contacted → visited →
intention → signed) by team and month against the 驻点签约额 target; leaders' activities by type,
leader and month; the events projects were signed at (drill to the projects); enterprise problems
by status, unit and age."""
import pandas as pd
import streamlit as st

from metrics.briefing import span
from metrics.period import Scope
from reports import format as fmt
from ui import auth, charts, data, tables
from ui import ranking_data as rd
from ui.cards import Kpi, kpi_grid_html
from ui.drill import project_table, show_projects_behind, totals_line
from ui.filters import sidebar_filters

auth.require_page("resident", "招商活动")
f = sidebar_filters()
version = data.data_version()
rid = f.scope.region_id
fun = rd.funnel(f.period, rid, version)
t = fun["total"]
where = f"{span(f.period)} › {f.region}"

st.title(f"招商活动 · {f.region}")
st.caption(f"{where} · 序时进度 {fmt.percent(t['time_progress_pct'])}")
if f.scope.with_region(None) != Scope():
    st.caption(f"驻点招商、领导招商活动和企业诉求按县区统计,不受“{f.chain} · {f.scope_label}”筛选影响;"
               "活动签约按所选范围统计。")
st.subheader("驻点招商")

if not fun["rows"] and not t["signed_count"]:
    st.info(f"{where} 暂无驻点招商工作队填报数据和驻点招商签约项目。"
            "工作队数据请在“数据上报”上传含“驻点招商”工作表的文件。")


def completion_html() -> str:
    """完成年度任务 X% on its 红黄蓝 colour, against 序时进度 (only with a target)."""
    gap = t["completion_pct"] - t["time_progress_pct"]
    where_vs = "达到序时进度" if gap >= 0 else f"低于序时进度 {fmt.two(-gap)} 个百分点"
    return f"完成年度任务 {rd.warning_badge(t['warning'], fmt.percent(t['completion_pct']))} · {where_vs}"


st.html(kpi_grid_html([
    Kpi("对接企业", fmt.count(t["contacted"], "家")),
    Kpi("考察回访企业", fmt.count(t["visited"], "家")),
    Kpi("考察回访率", fmt.percent(t["visit_rate_pct"]), (("考察回访企业数 ÷ 对接企业数", "muted"),)),
    Kpi("意向项目", fmt.count(t["intended_projects"]), ((f"意向投资额 {fmt.amount(t['intended_amount'])}", ""),)),
    Kpi("驻点招商签约项目", fmt.count(t["signed_count"]), (("招商方式为驻点招商、本年签约", "muted"),)),
    Kpi("驻点招商签约额", fmt.amount(t["signed_amount"]), (("无年度目标", "muted") if t["signed_target"] is None
                                                        else (f"年度目标 {fmt.amount(t['signed_target'])}", ""),)),
], small=True))

left, right = st.columns([3, 2])
with left:
    st.markdown("**招商漏斗**(点击环节查看明细)")
    event = st.altair_chart(rd.funnel_chart(fun["stages"]), width="stretch", on_select="rerun",
                            key="funnel_chart")
    clicked = charts.selected(event, "stage_pick", "环节")
with right:
    st.markdown("**驻点签约额年度目标**")
    target = "未下达" if not t["signed_target"] else fmt.amount(t["signed_target"])
    st.markdown(f"年度目标 **{target}** · 已签约 **{fmt.amount(t['signed_amount'])}**(驻点招商项目 "
                f"{t['signed_count']} 个)")
    if t["completion_pct"] is not None:
        st.markdown(f"{completion_html()}(序时进度 {fmt.percent(t['time_progress_pct'])})", unsafe_allow_html=True)
    else:
        st.info("未下达驻点签约额年度目标,无法计算完成率。")

stage = next((s for s in fun["stages"] if s["label"] == clicked), None)
if stage and stage["stage"] == "signed":
    show_projects_behind("resident_signed_amount", f.period, Scope(region_id=rid), where, key="funnel_drill")
elif stage:
    behind = rd.stage_rows(fun, stage["stage"])
    st.markdown(f"**{where} › {stage['label']}**")
    st.caption(f"各工作队逐月填报,合计 {rd.stage_text(stage)}")
    if behind.empty:
        st.info("没有工作队填报该环节的数据。")
    else:
        tables.table(behind, hide_index=True, width="stretch", key="stage_rows",
                     column_config={"意向投资额(亿元)": st.column_config.NumberColumn(format="%.2f")})

st.subheader("工作队 × 月份")
if fun["rows"]:
    figure = st.segmented_control("指标", list(rd.TEAM_MONTH_FIGURES), default="contacted", key="team_figure",
                                  format_func=lambda k: rd.TEAM_MONTH_FIGURES[k][0]) or "contacted"
    decimals = figure in ("visit_rate_pct", "intended_amount")
    grid = rd.team_month_table(fun, figure)
    tables.table(grid, hide_index=True, width="stretch", key="team_month",
                 column_config={c: st.column_config.NumberColumn(format="%.2f" if decimals else "%d")
                                for c in grid.columns[2:]})
else:
    st.info("所选期间和县区暂无工作队填报数据。")

st.markdown("**逐月进展**(选中一行查看当月签约的驻点招商项目)")
months = rd.month_table(fun)
two = st.column_config.NumberColumn(format="%.2f")
picked = tables.table(months, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                      key="month_table", column_config={c: two for c in ("考察回访率(%)", "意向投资额(亿元)",
                                                                          "驻点招商签约额(亿元)")})
if picked["selection"]["rows"]:
    month = fun["months"][picked["selection"]["rows"][0]]["month"]
    signed = rd.signed_in_month(f.period.year, month, rid, version)
    st.markdown(f"**{f.period.year}年{month}月 › {f.region} › 驻点招商签约项目**")
    st.caption(totals_line("resident_signed_amount", signed))
    if signed:
        project_table(signed, key="month_drill")
    else:
        st.info("当月没有驻点招商签约项目。")

st.subheader("领导招商活动")
act = rd.activity_summary(f.period, f.scope, version)
a = act["totals"]
if not any(a.values()):
    st.info(f"{where} 暂无招商活动记录。活动请在“数据上报”上传含“招商活动”工作表的文件。")
else:
    st.html(kpi_grid_html([
        *(Kpi(kind, fmt.count(a[key], "次")) for kind, key in rd.activity_metrics.ACTIVITY_KEYS.items() if a[key]),
        Kpi("对接500强企业", fmt.count(a["top500_enterprises_contacted"], "家")),
        Kpi("协调解决问题", fmt.count(a["problems_solved"], "个")),
    ], small=True))
    by_leader, by_month = st.columns(2)
    with by_leader:
        st.markdown("**按领导**")
        tables.table(rd.activity_frame(act["by_leader"], "leader", "领导"), hide_index=True, width="stretch",
                     key="activity_leaders")
    with by_month:
        st.markdown("**按月份**")
        tables.table(rd.activity_frame(act["by_month"], "month", "月份"), hide_index=True, width="stretch",
                     key="activity_months")

st.subheader("活动签约")
if not act["events"]:
    st.info(f"{where} 暂无注明签约活动的签约项目(项目台账的“签约活动”列)。")
else:
    st.markdown("**各签约活动的签约额**(点击柱形查看项目)")
    picked_event = charts.selected(st.altair_chart(rd.event_chart(act["events"]), width="stretch", on_select="rerun",
                                                   key="event_chart"), "event_pick", "签约活动")
    if picked_event:
        rows = rd.event_projects(f.period, f.scope, picked_event, version)
        st.markdown(f"**{where} › {picked_event} › 签约项目**")
        st.caption(totals_line("signed_amount", rows))
        project_table(rows, key="event_drill")

st.subheader("企业诉求")
ps = rd.problems(f.period.end, rid, version)
as_of = f"{f.period.end.year}年{f.period.end.month}月{f.period.end.day}日"
st.caption(f"截至 {as_of} · {f.region} · 状态按截至当日计(当日后办结的仍计为办理中)")
if not ps["raised"]:
    st.info(f"截至 {as_of},{f.region}暂无企业诉求记录。诉求请在“数据上报”上传含“问题台账”工作表的文件。")
    st.stop()

st.html(kpi_grid_html([
    Kpi("受理诉求", fmt.count(ps["raised"], "件")),
    *(Kpi(status, fmt.count(ps["by_status"][status], "件")) for status in ("待办", "办理中", "已办结")),
    Kpi("办结率", fmt.percent(ps["closed_rate_pct"]), (("已办结 ÷ 受理", "muted"),)),
], small=True))

by_unit, by_age = st.columns([3, 2])
with by_unit:
    st.markdown("**按责任单位**(选中一行查看其未办结诉求)")
    units = rd.unit_table(ps)
    unit_pick = tables.table(units, hide_index=True, width="stretch", on_select="rerun",
                             selection_mode="single-row", key="unit_table")
    unit = units["责任单位"].iloc[unit_pick["selection"]["rows"][0]] if unit_pick["selection"]["rows"] else None
with by_age:
    st.markdown("**未办结诉求账龄**(点击柱形筛选)")
    ages = pd.DataFrame([{"账龄": a["band"], "件数": a["count"]} for a in ps["age_bands"]])
    age_event = st.altair_chart(charts.bar(ages, "账龄", "件数", title="件", select="age_pick", height=240),
                                width="stretch", on_select="rerun", key="age_chart")
    band = charts.selected(age_event, "age_pick", "账龄")

shown = rd.open_problems(ps, unit, band)
label = " › ".join(x for x in (as_of, f.region, unit, band, "未办结诉求") if x)
st.markdown(f"**{label}**(按提出日期由早到晚)")
st.caption(f"共 {len(shown)} 件")
if shown:
    tables.table(rd.problem_frame(shown), hide_index=True, width="stretch", key="open_problems")
else:
    st.info("没有符合条件的未办结诉求。")
