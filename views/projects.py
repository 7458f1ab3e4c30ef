"""项目库: search, filter, sort and page the project list (in the database); a selected project's
attributes, stage timeline, monthly funds and 红黄蓝 status; export of the filtered list to Excel."""
import datetime as dt
import math

import altair as alt
import pandas as pd
import streamlit as st

from data_access.models import STAGES
from labels import PROJECT_COLUMNS, WARNING_COLORS, WARNING_LABELS
from metrics.briefing import span
from metrics.period import Scope
from metrics.projects import EXPORT_CAP, PAGE_SIZE
from reports import format as fmt
from ui import auth, charts, data, tables
from ui import projects_data as pdata
from ui.drill import project_frame
from ui.export import PROJECT_LABELS
from ui.filters import sidebar_filters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE = "projects_table"
BADGE_COLORS = {"blue": "blue", "yellow": "orange", "red": "red"}

auth.require_page("projects", "项目库")
f = sidebar_filters()
version = data.data_version()
st.title("项目库")

c1, c2, c3, c4, c5 = st.columns([3, 3, 2, 2, 1])
text = c1.text_input("搜索", key="q", placeholder="项目名称、投资方或项目编号")
stages = c2.multiselect("项目阶段", list(STAGES), key="stages", placeholder="全部阶段")
window = c3.selectbox("签约时间", ["all", "period"], key="window",
                      format_func=lambda w: "全部项目" if w == "all" else f"{span(f.period)}签约")
sort = c4.selectbox("排序", list(pdata.SORT_LABELS), key="sort", format_func=pdata.SORT_LABELS.get)
order = c5.selectbox("顺序", ["desc", "asc"], key="order", format_func=lambda o: "降序" if o == "desc" else "升序")

query = {"text": text.strip(), "scope": f.scope, "stages": tuple(stages), "period_only": window == "period",
         "period": f.period, "sort": sort, "descending": order == "desc"}
# a new search starts on page 1 with nothing selected
view = tuple(sorted((k, str(v)) for k, v in query.items()))
if st.session_state.get("projects_view") != view:
    st.session_state["projects_view"] = view
    st.session_state["page"] = 1
    st.session_state[TABLE] = {"selection": {"rows": [], "columns": []}}
page_number = max(1, int(st.session_state.get("page", 1)))
rows, total, amount = pdata.page(**query, page_number=page_number, version=version)
pages = max(1, math.ceil(total / PAGE_SIZE))
if page_number > pages:  # fewer projects than when the page was chosen (a rollback, say)
    page_number = st.session_state["page"] = pages
    rows, total, amount = pdata.page(**query, page_number=page_number, version=version)

crumbs = [f.breadcrumb] + (["“" + query["text"] + "”"] if query["text"] else []) + \
         (["、".join(stages)] if stages else []) + ([f"{span(f.period)}签约"] if query["period_only"] else [])
st.caption(" › ".join(crumbs))
st.markdown(f"共 **{total:,}** 个项目,合同投资额 **{fmt.amount(amount)}** · 第 {page_number} / {pages} 页")

selected = None
if total == 0:
    if not (query["text"] or stages or query["period_only"] or f.scope != Scope()):  # nothing filtered out
        st.info("项目库中暂无项目。请先在“数据上报”页面上传项目台账。")
    else:
        st.info("没有符合条件的项目。请调整搜索词或筛选条件。")
else:
    frame = project_frame(rows)
    amount_col = PROJECT_COLUMNS["contract_amount"]
    config = {amount_col: st.column_config.NumberColumn(format="%.2f")}
    texts = [c for c in frame.columns if c != amount_col]
    frame[texts] = frame[texts].map(lambda v: "" if pd.isna(v) else str(v))  # blank cells, not "None"
    colours = {WARNING_LABELS[level]: f"background-color: {c}; color: white; font-weight: 600"
               for level, c in WARNING_COLORS.items()}
    styled = frame.style.map(lambda v: colours.get(v, ""), subset=[PROJECT_COLUMNS["warning"]])
    event = tables.table(styled, hide_index=True, width="stretch", height=min(len(frame), 15) * 35 + 38, key=TABLE,
                         on_select="rerun", selection_mode="single-row", column_config=config)
    chosen = event["selection"]["rows"]
    if chosen and chosen[0] < len(rows):
        selected = rows[chosen[0]]["id"]

    p1, p2, _, p3 = st.columns([1, 2, 3, 2])
    p1.number_input("页码", min_value=1, max_value=pages, step=1, key="page")
    p2.caption(f"每页 {PAGE_SIZE} 个项目,点击表格中的一行查看项目详情")
    if total > EXPORT_CAP:
        p3.caption(f"符合条件的项目超过 {EXPORT_CAP:,} 个,仅导出排序在前的 {EXPORT_CAP:,} 个。")
    note = " › ".join(crumbs) + f" · 共 {total:,} 个项目 · 导出于 {dt.date.today().isoformat()}"
    p3.download_button(
        "导出 Excel", lambda: pdata.export(**query, note=note, version=version)[0],
        file_name=f"项目库_{f.region}_{dt.date.today().isoformat()}.xlsx", mime=XLSX,
        icon=":material/download:", on_click="ignore", key="export")


def value_text(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if key == "contract_amount":
        return fmt.amount(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


if selected is not None:
    d = pdata.detail(selected, f.period, version)
    if d is None:
        st.info("该项目已不存在,请重新选择。")
    else:
        p = d["project"]
        st.subheader(f"{p['name']}({p['code']})")
        if d["warning"]:
            level = WARNING_LABELS[d["warning"]]
            st.markdown(f":{BADGE_COLORS[d['warning']]}-badge[{level}色预警] {d['reason']}"
                        f"(截至 {f.period.end.isoformat()})")
        else:
            st.markdown(f":green-badge[无预警] 截至 {f.period.end.isoformat()} 无超期未开工、未投产情况")
        left, middle, right = st.columns([3, 2, 4])
        with left:
            st.markdown("**项目信息**")
            attrs = pd.DataFrame([{"项目": label, "内容": value_text(key, p[key])}
                                  for key, label in PROJECT_LABELS.items()])
            tables.table(attrs, hide_index=True, width="stretch", height=len(attrs) * 35 + 38)
        with middle:
            st.markdown("**阶段变化**")
            if d["stages"]:
                tables.table(pd.DataFrame([{"阶段": s["stage"], "日期": s["changed_on"]} for s in d["stages"]]),
                             hide_index=True, width="stretch",
                             column_config={"日期": st.column_config.DateColumn(format="YYYY-MM-DD")})
            else:
                st.info("暂无阶段变化记录。")
        with right:
            st.markdown(f"**月度到位资金** · 累计 {fmt.amount(d['funds_total'])}")
            if d["funds"]:
                funds = pd.DataFrame([{"年月": f"{r['year']}-{r['month']:02d}", "到位资金": float(r["amount"])}
                                      for r in d["funds"]])
                bar_size = max(4, min(28, 560 // len(funds)))  # a lone month stays a bar, not a wall
                chart = alt.Chart(funds, height=280).mark_bar(color=charts.SECONDARY, cornerRadius=2, size=bar_size)
                st.altair_chart(chart.encode(
                    alt.X("年月:N", sort=None, title=None, axis=alt.Axis(labelAngle=0, labelOverlap="greedy")),
                    alt.Y("到位资金:Q", title="亿元"),
                    tooltip=["年月", alt.Tooltip("到位资金:Q", format=".2f", title="到位资金(亿元)")]),
                    width="stretch")
            else:
                st.info("暂无到位资金记录。")
