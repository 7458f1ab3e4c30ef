"""总览: KPI cards against targets and time progress, cumulative trend, region breakdown with
drill-down, the briefing paragraph."""
import streamlit as st

from labels import METRIC_LABELS
from reports.charts import region_frame, trend_chart
from ui import auth, charts, data, first_paint
from ui import format as fmt
from ui.drill import show_projects_behind
from ui.filters import sidebar_filters

auth.require_page("overview", "总览")
f = sidebar_filters(draw=not first_paint.pending())  # the widgets follow the cards
version = data.data_version()
o = data.overview(f.period, f.scope, version)
tp = o["time_progress_pct"]

st.title(f"招商引资总览 · {f.region}")
st.caption(f"{f.breadcrumb} · 序时进度 {fmt.percent(tp)}")


def completion_line(completion) -> str:
    """完成年度任务 X% coloured blue when on or ahead of 序时进度, red when behind."""
    if completion is None:
        return ":gray[无年度目标]"
    if completion < tp:
        gap = fmt.two(tp - completion)
        return f"完成年度任务 :red[**{fmt.percent(completion)}**]  \n:red[低于序时进度 {gap} 个百分点]"
    return f"完成年度任务 :blue[**{fmt.percent(completion)}**]  \n:blue[达到序时进度]"


cards = [
    ("新签约项目", fmt.count(o["signed_count"]), o["signed_count_yoy_pct"], o["signed_count_completion_pct"],
     o["signed_count_target"], "个"),
    ("合同投资额", fmt.amount(o["signed_amount"]), o["signed_amount_yoy_pct"], o["signed_amount_completion_pct"],
     o["signed_amount_target"], "亿元"),
    ("到位资金", fmt.amount(o["funds_in_place"]), o["funds_yoy_pct"], o["funds_completion_pct"], o["funds_target"],
     "亿元"),
]
cols = st.columns(4)
for col, (label, value, yoy, completion, target, unit) in zip(cols, cards):
    with col:
        goal = "" if target is None else f"年度目标 {fmt.two(target) if unit == '亿元' else int(target)} {unit}"
        st.metric(label, value, fmt.signed_pct(yoy), border=True, delta_description="同比", help=goal or None)
        st.markdown(completion_line(completion))
with cols[3]:
    diff = o["manufacturing_share_diff_pp"]
    st.metric("制造业占比", fmt.percent(o["manufacturing_share_pct"]),
              fmt.signed_pct(diff, " 个百分点") if diff is not None else None, border=True,
              delta_description="较年度目标")
    st.markdown(f"制造业项目 {o['manufacturing_count']} 个 · {fmt.amount(o['manufacturing_amount'])}")

small = st.columns(6)
small[0].metric("开工率", fmt.percent(o["start_rate_pct"]), border=True,
                help=f"签约项目中已开工 {o['started_count']} 个")
small[1].metric("资金到位率", fmt.percent(o["funds_arrival_rate_pct"]), border=True)
small[2].metric("投产项目", fmt.count(o["production_count"]), border=True)
small[3].metric("10亿元以上项目", fmt.count(o["projects_over_10yi_count"]), border=True,
                help=f"合同投资额 {fmt.amount(o['projects_over_10yi_amount'])}")
small[4].metric("500强项目", fmt.count(o["top500_projects"]), border=True,
                help=f"新引进500强企业 {o['top500_enterprises_new']} 家")
small[5].metric("新引进小巨人企业", fmt.count(o["little_giant_enterprises_new"], "家"), border=True)

if first_paint.hold():
    st.stop()

left, right = st.columns([3, 2])
with left:
    trended = left.segmented_control("累计趋势", ["signed_amount", "funds_in_place", "signed_count"],
                                     default="signed_amount", format_func=lambda m: METRIC_LABELS[m][0],
                                     key="trend_measure") or "signed_amount"
    rows = data.trend(f.period, f.scope, trended, version)
    if not rows:
        st.info("所选期间暂无数据。")
    else:
        st.altair_chart(trend_chart(rows, trended), width="stretch")

with right:
    regions = data.by_region(f.period, f.scope, version)
    st.markdown("**各县区合同投资额**(点击柱形查看项目)")
    if not regions:
        st.info("尚未配置县区。请在命令行执行 `python cli.py region add 县区名` 添加。")
        clicked = None
    else:
        bars = charts.bar(region_frame(regions), "县区", "合同投资额", title="亿元", select="region_pick", height=300)
        event = st.altair_chart(bars, width="stretch", on_select="rerun", key="region_chart")
        clicked = charts.selected(event, "region_pick", "县区")

if clicked:
    rid = next(r["region_id"] for r in regions if r["region"] == clicked)
    show_projects_behind("signed_amount", f.period, f.scope.with_region(rid),
                         f"{f.breadcrumb.replace(f.region, clicked, 1)}", key="region_drill")

st.subheader("通报")
if o["signed_count"] == 0 and o["funds_in_place"] == 0:
    st.info("所选期间和范围内暂无签约项目和到位资金数据。")
st.markdown(f"> {o['text']}")

st.subheader("数据明细")
choices = ["signed_amount", "manufacturing_amount", "started_count", "production_count", "funds_in_place",
           "over10_count", "top500_projects", "top500_enterprises_new", "little_giant_enterprises_new"]
measure = st.selectbox("查看构成以下指标的项目", choices, index=None, placeholder="选择一个指标,列出其背后的项目",
                       format_func=lambda m: METRIC_LABELS[m][0], key="drill")
if measure:
    show_projects_behind(measure, f.period, f.scope, f.breadcrumb, key="kpi_drill")
