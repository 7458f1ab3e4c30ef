"""总览: KPI cards against targets and time progress, cumulative trend, region breakdown with
drill-down, the briefing paragraph."""
import streamlit as st

from labels import METRIC_LABELS
from metrics.briefing import whole_name
from reports import format as fmt
from reports.charts import map_chart, region_frame, trend_chart
from reports.content import map_rows, progress_status
from ui import auth, charts, data, first_paint, reporting
from ui.cards import Kpi, change_line, kpi_grid_html
from ui.drill import show_projects_behind
from ui.filters import sidebar_filters

auth.require_page("overview", "总览")
f = sidebar_filters(draw=not first_paint.pending())  # the widgets follow the cards
version = data.data_version()
o = data.overview(f.period, f.scope, version)
tp = o["time_progress_pct"]

st.title(f"招商引资总览 · {f.region}")
st.caption(f"{f.breadcrumb} · 序时进度 {fmt.percent(tp)}")
progress = reporting.for_period(f.period)  # are the figures below complete: which counties are in
if progress["has_calendar"] and progress["counts"]["regions"]:
    with st.popover(f"{f.period.month}月上报进度 · {reporting.brief(progress)}", icon=":material/fact_check:",
                    type="tertiary", key="reporting_brief"):
        st.markdown(f"**{reporting.heading(progress)}**")
        reporting.table(progress)


shares = o["share_of_total"]  # a scope narrower than all projects: its share of the whole


def progress_card(label: str, value: str, yoy, completion, target, unit: str, share_key: str) -> Kpi:
    """A figure against its annual target: year-on-year change, target and completion, and the gap to
    序时进度 (蓝 on or ahead, 红 behind); under a scope (no targets apply), its share of the whole."""
    yoy_line = change_line("同比", yoy, absent="无上年同期数据")
    if shares is not None:
        return Kpi(label, value, (yoy_line, (f"占{whole_name(o['region'])}比重 {fmt.percent(shares[share_key])}", "")))
    if completion is None:
        return Kpi(label, value, (yoy_line, ("无年度目标", "muted")))
    goal = fmt.two(target) if unit == "亿元" else f"{int(target):,}"
    status = progress_status(completion, tp)
    gap = f"低于序时进度 {fmt.two(tp - completion)} 个百分点" if status == "behind" else "达到序时进度"
    return Kpi(label, value, (yoy_line, (f"年度目标 {goal} {unit} · 完成 {fmt.percent(completion)}", status),
                              (gap, status)), status)


diff = o["manufacturing_share_diff_pp"]
share_lines = (change_line("较年度目标", diff, " 个百分点", absent="无年度目标"),
               (f"制造业项目 {o['manufacturing_count']} 个 · {fmt.amount(o['manufacturing_amount'])}", ""))
big = [
    progress_card("新签约项目", fmt.count(o["signed_count"]), o["signed_count_yoy_pct"],
                  o["signed_count_completion_pct"], o["signed_count_target"], "个", "signed_count_pct"),
    progress_card("合同投资额", fmt.amount(o["signed_amount"]), o["signed_amount_yoy_pct"],
                  o["signed_amount_completion_pct"], o["signed_amount_target"], "亿元", "signed_amount_pct"),
    progress_card("到位资金", fmt.amount(o["funds_in_place"]), o["funds_yoy_pct"], o["funds_completion_pct"],
                  o["funds_target"], "亿元", "funds_in_place_pct"),
    Kpi("制造业占比", fmt.percent(o["manufacturing_share_pct"]), share_lines,
        None if diff is None else ("behind" if diff < 0 else "ahead")),
]
small = [
    Kpi("开工率", fmt.percent(o["start_rate_pct"]), ((f"已开工 {o['started_count']} 个", ""),)),
    Kpi("资金到位率", fmt.percent(o["funds_arrival_rate_pct"]), (("到位资金 / 合同投资额", "muted"),)),
    Kpi("投产项目", fmt.count(o["production_count"])),
    Kpi("10亿元以上项目", fmt.count(o["projects_over_10yi_count"]),
        ((f"合同投资额 {fmt.amount(o['projects_over_10yi_amount'])}", ""),)),
    Kpi("500强项目", fmt.count(o["top500_projects"]), ((f"新引进500强企业 {o['top500_enterprises_new']} 家", ""),)),
    Kpi("新引进小巨人企业", fmt.count(o["little_giant_enterprises_new"], "家")),
]
st.html(kpi_grid_html(big) + kpi_grid_html(small, small=True, css=False))  # one element: see ui/cards.py

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
    shapes = data.shapes(version) if regions else []
    view = right.segmented_control("县区视图", ["地图", "柱状图"], default="地图", key="region_view",
                                   label_visibility="collapsed") if shapes else "柱状图"
    clicked = None
    if not regions:
        st.info("尚未配置县区。请在命令行执行 `python cli.py region add 县区名` 添加。")
    elif view == "地图":
        label = METRIC_LABELS[trended][0]
        if shares is None:  # all projects: each county's completion against 序时进度
            st.markdown(f"**各县区{label}完成情况**(对照序时进度;点击县区查看项目)")
            rows = map_rows(shapes, data.ranking(f.period, version), trended)
        else:  # a narrower scope has no targets: its figures alone
            st.markdown(f"**各县区{label}**({f.scope_text.split(' · ', 1)[-1]};点击县区查看项目)")
            rows = map_rows(shapes, regions, trended)
        event = st.altair_chart(map_chart(rows, height=400, font_size=13, select="map_pick"), width="stretch",
                                on_select="rerun", key="region_map")
        clicked = charts.selected(event, "map_pick", "县区")
    else:
        st.markdown("**各县区合同投资额**(点击柱形查看项目)")
        bars = charts.bar(region_frame(regions), "县区", "合同投资额", title="亿元", select="region_pick", height=300)
        event = st.altair_chart(bars, width="stretch", on_select="rerun", key="region_chart")
        clicked = charts.selected(event, "region_pick", "县区")

if clicked:
    rid = next(r["region_id"] for r in regions if r["region"] == clicked)
    behind = "funds_in_place" if view == "地图" and trended == "funds_in_place" else "signed_amount"
    show_projects_behind(behind, f.period, f.scope.with_region(rid),
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
