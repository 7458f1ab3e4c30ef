"""县区排名: composite score, rank change, per-indicator completion against 序时进度 in 红黄蓝,
YoY; a selected region opens the projects behind its 合同投资额."""
import streamlit as st

from metrics.briefing import span
from metrics.period import Scope
from reports import format as fmt
from ui import auth, charts, data, tables
from ui import ranking_data as rd
from ui.drill import show_projects_behind
from ui.filters import sidebar_filters

auth.require_page("ranking", "县区排名")
f = sidebar_filters()
version = data.data_version()
rows = data.ranking(f.period, version)
tp = f.period.time_progress_pct

st.title("县区排名")
st.caption(f"{span(f.period)} · 全市各县区 · 序时进度 {fmt.percent(tp)}")
if f.scope.with_region(None) != Scope():
    st.caption(f"排名按全市全部项目计算,不受“{f.chain} · {f.scope_label}”筛选影响。")

if not rows:
    st.info("尚未配置县区。请在命令行执行 `python cli.py region add 县区名` 添加。")
    st.stop()

if not rd.targeted_metrics(rows):
    st.info(f"{f.period.year}年尚未设置县区年度目标,无法计算完成率和综合得分;下表按合同投资额排列。"
            "请在“数据上报”上传含“年度目标”工作表的文件。")
if f.region in {r["region"] for r in rows}:
    mine = next(r for r in rows if r["region"] == f.region)
    change = "上月无排名" if mine["rank_change"] is None else f"较上月 {rd.rank_change_text(mine['rank_change'])}"
    st.markdown(f"{f.region} 位列第 **{mine['rank']}** 名(共 {len(rows)} 个县区),{change}")

table, levels = rd.ranking_table(rows)
st.markdown(f"**排名表**(点击列名排序,选中一行查看该县区合同投资额的项目构成) {rd.legend_html()}",
            unsafe_allow_html=True)
config = {c: st.column_config.Column(help=text) for c, text in rd.column_help(rows).items()}
config |= {"排名": st.column_config.NumberColumn(width=52, pinned=True),
           "升降": st.column_config.TextColumn(width=52, help="名次较上月:↑ 上升 / ↓ 下降 / — 持平 / 新 上月无排名"),
           "县区": st.column_config.TextColumn(pinned=True)}
picked = tables.table(rd.styled_ranking(table, levels), hide_index=True, width="stretch", column_config=config,
                      on_select="rerun", selection_mode="single-row", key="ranking_table")
chosen = table["县区"].iloc[picked["selection"]["rows"][0]] if picked["selection"]["rows"] else None

scores = rd.score_chart_frame(rows)
chart_col, rule_col = st.columns([3, 2])
with chart_col:
    if not scores.empty:
        st.markdown("**综合得分**(按合同投资额完成进度着色,点击柱形查看项目)")
        event = st.altair_chart(rd.score_chart(scores), width="stretch", on_select="rerun", key="score_chart")
        chosen = chosen or charts.selected(event, "score_pick", "县区")
with rule_col:
    st.markdown("**计分规则**")
    st.caption(rd.score_rule())

if chosen:
    rid = next(r["region_id"] for r in rows if r["region"] == chosen)
    show_projects_behind("signed_amount", f.period, Scope(region_id=rid), f"{span(f.period)} › {chosen}",
                         key="ranking_drill")
