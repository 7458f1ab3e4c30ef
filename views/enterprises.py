"""重点企业: 500强 / 专精特新小巨人 / other tagged enterprises — new enterprises and their projects,
by region, and the lists of enterprises with their projects. Every figure opens the rows behind it."""
from dataclasses import replace

import altair as alt
import pandas as pd
import streamlit as st

from reports import format as fmt
from ui import auth, charts, data, tables
from ui import breakdowns_data as bd
from ui.cards import Kpi, kpi_grid_html
from ui.drill import project_table
from ui.filters import sidebar_filters

auth.require_page("enterprises", "重点企业")
f = sidebar_filters()
version = data.data_version()

st.title(f"重点企业 · {f.region}")
st.caption(f.breadcrumb)

groups = {g["key"]: g["label"] for g in bd.tag_groups(version)}
group = st.segmented_control("企业类别", list(groups), format_func=groups.get, default="top500", required=True,
                             key="tag_group", bind="query-params")
label = groups[group]


def crumb(region: str | None = None) -> str:
    return replace(f, region=region or f.region).breadcrumb


def show_list(title: str, rows: list[dict], key: str, unit: str = "个项目") -> None:
    """A drill-down list under its breadcrumb, with the count and contract amount it adds up to."""
    total = sum((r["contract_amount"] or 0 for r in rows), 0)
    st.markdown(f"**{title}**")
    st.caption(f"共 {len(rows)} {unit},合同投资额 {fmt.amount(total)}")
    if rows:
        project_table(rows, key=key)
    else:
        st.info("没有符合条件的项目。")


summary = bd.tag_summary(f.period, f.scope, group, version)
st.html(kpi_grid_html([
    Kpi(f"新引进{label}企业", fmt.count(summary["new_enterprises"], "家"),
        (("首个在本市签约的项目落在所选期间和范围内", "muted"),)),
    Kpi(f"{label}企业签约项目", fmt.count(summary["projects"])),
    Kpi("合同投资额", fmt.amount(summary["amount"]))]))
st.caption(f"本期有签约项目的{label}企业共 {summary['enterprises']} 家,名单见下方“企业名单”。")
if not summary["projects"] and not summary["new_enterprises"]:
    st.info(f"所选期间和范围内暂无{label}企业的签约项目。")

# ---- by region
st.subheader(f"分县区{label}企业与项目")
by_region = bd.tag_by_region(f.period, f.scope, group, version)
picked_region = None
if not by_region:
    st.info("尚未配置县区。请在命令行执行 `python cli.py region add 县区名` 添加。")
else:
    table_col, chart_col = st.columns(2)
    with table_col:
        table = pd.DataFrame([{"县区": r["region"], "新引进(家)": r["new_enterprises"], "项目(个)": r["projects"],
                               "合同额(亿元)": float(r["amount"])} for r in by_region])
        row_event = tables.table(table, hide_index=True, width="stretch", key="tag_region_table", on_select="rerun",
                                 selection_mode="single-row",
                                 column_config={"合同额(亿元)": st.column_config.NumberColumn(format="%.2f")})
        st.caption("选择一行或点击柱形,查看该县区的项目和新引进企业。")
    with chart_col:
        bar_event = None
        if summary["projects"]:
            frame = pd.DataFrame({"县区": [r["region"] for r in by_region],
                                  "项目数": [r["projects"] for r in by_region]})
            chart = charts.bar(frame, "县区", "项目数", select="region_pick", height=280, color=charts.SECONDARY)
            # whole projects on the axis
            chart = chart.encode(y=alt.Y("项目数", title=f"{label}企业签约项目数(个)",
                                         axis=alt.Axis(tickMinStep=1, format="d")))
            bar_event = st.altair_chart(chart, on_select="rerun", key="tag_region_bar", width="stretch")
    rows_picked = row_event["selection"]["rows"]
    names = [r["region"] for r in by_region]
    clicked = charts.selected(bar_event, "region_pick", "县区")
    picked_region = by_region[rows_picked[0]] if rows_picked else \
        (by_region[names.index(clicked)] if clicked in names else None)

if picked_region is not None:
    scope = f.scope.with_region(picked_region["region_id"])
    projects_col, new_col = st.columns(2)
    with projects_col:
        show_list(f"{crumb(picked_region['region'])} › {label}企业项目",
                  bd.tag_projects(f.period, scope, group, None, version), key="region_projects")
    with new_col:
        show_list(f"{crumb(picked_region['region'])} › 新引进{label}企业(首个签约项目)",
                  bd.tag_new_enterprise_projects(f.period, scope, group, version), key="region_new", unit="家企业")

# ---- lists
st.subheader(f"{label}企业名单")
enterprises_tab, projects_tab, new_tab = st.tabs(["企业名单", "项目清单", "新引进企业"])
with enterprises_tab:
    enterprises = bd.tag_enterprises(f.period, f.scope, group, version)
    if not enterprises:
        st.info(f"所选期间和范围内没有签约项目的{label}企业。")
    else:
        frame = pd.DataFrame([{"企业名称": e["investor"], "企业标签": e["tags"], "项目数": e["projects"],
                               "合同投资额(亿元)": float(e["amount"]), "本期首次签约": e["first_sign"],
                               "新引进": "是" if e["is_new"] else ""} for e in enterprises])
        money_format = st.column_config.NumberColumn(format="%.2f")
        enterprise_event = tables.table(frame, hide_index=True, width="stretch", key="enterprise_table",
                                        on_select="rerun", selection_mode="single-row",
                                        column_config={"合同投资额(亿元)": money_format})
        st.caption("选择一家企业查看其本期签约的项目。")
        chosen = enterprise_event["selection"]["rows"]
        if chosen:
            investor = enterprises[chosen[0]]["investor"]
            show_list(f"{crumb()} › {investor}", bd.tag_projects(f.period, f.scope, group, investor, version),
                      key="enterprise_projects")
with projects_tab:
    show_list(f"{crumb()} › {label}企业项目", bd.tag_projects(f.period, f.scope, group, None, version),
              key="all_projects")
with new_tab:
    show_list(f"{crumb()} › 新引进{label}企业(首个签约项目)",
              bd.tag_new_enterprise_projects(f.period, f.scope, group, version), key="all_new", unit="家企业")
