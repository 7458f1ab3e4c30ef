"""产业链: per chain count, contract amount and funds with YoY; contract amount by chain; chain ×
region matrix; a chain's projects by stage; the largest projects of each chain. Every figure opens
the projects behind it."""
from dataclasses import replace

import pandas as pd
import streamlit as st

from reports import format as fmt
from ui import auth, charts, data, tables
from ui import breakdowns_data as bd
from ui.cards import Kpi, change_line, kpi_grid_html
from ui.drill import project_table, show_projects_behind, totals_line
from ui.filters import sidebar_filters

auth.require_page("chains", "产业链")
f = sidebar_filters()
version = data.data_version()
cfg = data.config(version)
region_names = {r["id"]: r["name"] for r in cfg["regions"]}

st.title(f"产业链 · {f.region}")
st.caption(f.breadcrumb)


def crumb(chain: str | None = None, region: str | None = None) -> str:
    return replace(f, chain=chain or f.chain, region=region or f.region).breadcrumb


summary = bd.chain_summary(f.period, f.scope, version)
if not summary:
    st.info("尚未配置产业链。请在命令行执行 `python cli.py chain add 产业链名` 添加。")
    st.stop()
chain_ids = {r["chain"]: r["chain_id"] for r in summary}
nothing_signed = not any(r["signed_count"] for r in summary)
if nothing_signed and not any(r["funds_in_place"] for r in summary):
    st.info("所选期间和范围内暂无签约项目和到位资金数据。")

# ---- per chain: count, amount, funds with YoY; contract amount by chain
st.subheader("各产业链招商情况")
if nothing_signed:
    bar_event = None
else:
    frame = pd.DataFrame({"产业链": [r["chain"] for r in summary],
                          "合同投资额": [float(r["signed_amount"]) for r in summary]})
    bar_event = st.altair_chart(charts.bar(frame, "产业链", "合同投资额", title="合同投资额(亿元)",
                                           select="chain_pick", height=260),
                                on_select="rerun", key="chain_bar", width="stretch")
    st.caption("点击柱形查看构成该金额的项目。")
clicked = charts.selected(bar_event, "chain_pick", "产业链")
if clicked in chain_ids:
    show_projects_behind("signed_amount", f.period, f.scope.with_chain(chain_ids[clicked]), crumb(chain=clicked),
                         key="chain_bar_projects")

table = pd.DataFrame([{
    "产业链": r["chain"],
    "签约项目数": r["signed_count"], "项目数同比": fmt.signed_pct(r["signed_count_yoy_pct"]) or "—",
    "合同投资额(亿元)": float(r["signed_amount"]),
    "合同额同比": fmt.signed_pct(r["signed_amount_yoy_pct"]) or "—",
    "到位资金(亿元)": float(r["funds_in_place"]),
    "资金同比": fmt.signed_pct(r["funds_in_place_yoy_pct"]) or "—",
} for r in summary])
money_format = st.column_config.NumberColumn(format="%.2f")
picked = tables.table(table, hide_index=True, width="stretch", key="chain_table", on_select="rerun",
                      selection_mode="single-row",
                      column_config={"合同投资额(亿元)": money_format, "到位资金(亿元)": money_format})
st.caption("同比为与去年同期(1月至所选月份)相比;去年同期为0时不计算。选择一行查看该产业链的项目推进情况。")

# ---- one chain's own view: the sidebar's chain, or the row picked above
rows_picked = picked["selection"]["rows"]
focus = summary[0] if f.scope.chain_id is not None else (summary[rows_picked[0]] if rows_picked else None)
if focus is not None:
    st.subheader(f"{focus['chain']} · 项目推进情况")
    scope = f.scope.with_chain(focus["chain_id"])
    st.html(kpi_grid_html([
        Kpi(label, show(focus[name]), (change_line("同比", focus[f"{name}_yoy_pct"], absent="无上年同期数据"),))
        for label, name, show in [("签约项目数", "signed_count", fmt.count),
                                  ("合同投资额", "signed_amount", fmt.amount),
                                  ("到位资金", "funds_in_place", fmt.amount)]]))
    stages = bd.stage_breakdown(f.period, scope, version)
    stage_col, list_col = st.columns([2, 3])
    with stage_col:
        stage_table = pd.DataFrame([{"项目阶段": s["stage"], "项目数": s["count"], "金额(亿元)": float(s["amount"])}
                                    for s in stages])
        stage_event = tables.table(stage_table, hide_index=True, width="stretch", key="stage_table",
                                   on_select="rerun", selection_mode="single-row",
                                   column_config={"金额(亿元)": st.column_config.NumberColumn(format="%.2f")})
        st.caption("本期签约的项目按当前阶段统计,另含尚未签约的在谈项目(金额为意向投资额)。选择一行只看该阶段。")
    with list_col:
        stage_rows = stage_event["selection"]["rows"]
        stage = stages[stage_rows[0]]["stage"] if stage_rows else None
        projects = bd.stage_projects(f.period, scope, stage, version)
        st.markdown(f"**{crumb(chain=focus['chain'])} › {stage or '全部阶段'}**")
        st.caption(totals_line("signed_amount", projects))
        if projects:
            project_table(projects, key="stage_projects", height=320)
        else:
            st.info("该产业链在所选期间没有项目。")
elif not nothing_signed:
    st.caption("在上表中选择一个产业链(或在侧栏选择产业链),查看其各阶段项目。")

# ---- chain × region matrix of contract amount
st.subheader("产业链 × 县区 合同投资额(亿元)")
regions = [(rid, name) for rid, name in region_names.items() if f.scope.region_id in (None, rid)]
if not regions:
    st.info("尚未配置县区。请在命令行执行 `python cli.py region add 县区名` 添加。")
elif nothing_signed:
    st.info("所选期间和范围内暂无签约项目。")
else:
    cells = bd.chain_region_matrix(f.period, f.scope, version)
    TOTAL = "合计"
    matrix = pd.DataFrame([{"产业链": r["chain"], **{name: float(cells.get((r["chain_id"], rid), {})
                                                                 .get("signed_amount", 0)) for rid, name in regions}}
                           for r in summary])
    matrix[TOTAL] = [float(r["signed_amount"]) for r in summary]
    totals = {name: float(sum(c["signed_amount"] for (_, rid2), c in cells.items() if rid2 == rid))
              for rid, name in regions}
    matrix.loc[len(matrix)] = {"产业链": TOTAL, **totals, TOTAL: float(sum(r["signed_amount"] for r in summary))}
    region_cols = [name for _, name in regions]
    peak = max([v for col in region_cols for v in matrix[col][:-1]] or [0]) or 1

    def heat(value: float) -> str:
        share = value / peak
        text = "color: white;" if share > 0.55 else ""
        return f"background-color: rgba(198, 40, 40, {0.06 + 0.84 * share:.3f}); {text}" if value else ""

    styled = (matrix.style.format("{:.2f}", subset=[*region_cols, TOTAL])
              .map(heat, subset=pd.IndexSlice[matrix.index[:-1], region_cols])
              .map(lambda _: "background-color: #f3f3f3; font-weight: 600;",
                   subset=pd.IndexSlice[matrix.index[-1:], :])
              .map(lambda _: "background-color: #f3f3f3; font-weight: 600;", subset=[TOTAL]))
    cell_event = tables.table(styled, hide_index=True, width="stretch", key="chain_region_matrix",
                              on_select="rerun", selection_mode=["single-cell", "single-row"])
    st.caption("颜色越深金额越大。选择一个单元格查看该产业链在该县区的项目,选择一行查看该产业链全部项目。")
    selection = cell_event["selection"]
    row, column = None, None
    if selection["cells"]:
        row, column = selection["cells"][0]
    elif selection["rows"]:
        row = selection["rows"][0]
    if row is not None:
        chain_name = matrix["产业链"][row]
        chain_id = chain_ids.get(chain_name, f.scope.chain_id)
        region_id = {name: rid for rid, name in regions}.get(column, f.scope.region_id)
        region_name = column if column in region_cols else None
        show_projects_behind("signed_amount", f.period, f.scope.with_chain(chain_id).with_region(region_id),
                             crumb(chain=chain_name if chain_name != TOTAL else None, region=region_name),
                             key="matrix_projects")

# ---- the largest projects of each chain
st.subheader("各产业链重点项目(合同投资额前10位)")
top = bd.top_projects_by_chain(f.period, f.scope, version)
shown = [r for r in summary if top.get(r["chain_id"])]
if not shown:
    st.info("所选期间和范围内暂无签约项目。")
else:
    for tab, r in zip(st.tabs([r["chain"] for r in shown]), shown):
        with tab:
            st.caption(f"{crumb(chain=r['chain'])} · 本期签约项目中合同投资额最大的 {len(top[r['chain_id']])} 个")
            project_table(top[r["chain_id"]], key=f"top_{r['chain_id']}")
