"""数据上报: template, upload, validation report with the annotated workbook, preview, commit,
history with the original files and rollback. Staff upload for their own regions only (the importer
refuses any other row) and see their regions' history; rollback is for admins."""
import datetime as dt

import pandas as pd
import streamlit as st

from data_access.models import CITY_REGION
from labels import BATCH_STATUS
from metrics.period import Period
from ui import auth, data
from ui import format as fmt
from ui.cards import Kpi, kpi_grid_html

who = auth.require_page("upload", "数据上报")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
version = data.data_version()
cfg = data.config(version)
st.title("数据上报")
upload_tab, history_tab = st.tabs(["上传月度数据", "导入记录与回滚"])

# (label, key, shown as, change shown as)
HEADLINES = [("新签约项目", "signed_count", fmt.count, lambda d: f"{d:+,d} 个"),
             ("合同投资额", "signed_amount", fmt.amount, lambda d: f"{fmt.signed_pct(d, '')} 亿元"),
             ("到位资金", "funds_in_place", fmt.amount, lambda d: f"{fmt.signed_pct(d, '')} 亿元"),
             ("制造业占比", "manufacturing_share_pct", fmt.percent, lambda d: fmt.signed_pct(d, " 个百分点"))]


def show_problems(problems, content: bytes, name: str):
    st.error(f"发现 {len(problems)} 处问题,本次未写入任何数据。请按下表修改后重新上传。")
    table = pd.DataFrame([{"工作表": p.sheet, "行号": p.row, "列": p.column,
                           "填写的值": p.shown_value, "问题及修改建议": p.message}
                          for p in problems])
    st.dataframe(table, hide_index=True, width="stretch")
    if any(p.row for p in problems):
        st.download_button("下载标注了错误的工作簿", data.annotated(content, problems),
                           file_name=name.rsplit(".", 1)[0] + "_错误标注.xlsx", icon=":material/download:",
                           mime=XLSX)


def show_preview(result, before: dict):
    after = result.inspected
    st.success(result.summary())
    cards = []
    for label, key, show, change in HEADLINES:
        if before[key] is None or after[key] is None:
            line = ("导入前无数据" if before[key] is None else "导入后无数据", "muted")
        elif after[key] == before[key]:
            line = ("较导入前无变化", "muted")
        else:
            diff = after[key] - before[key]
            line = (f"较导入前 {'▲' if diff > 0 else '▼'} {change(diff)}", "up" if diff > 0 else "down")
        cards.append(Kpi(f"{label}(导入后)", show(after[key]), (line,)))
    st.html(kpi_grid_html(cards))
    for title, rows in (("新增项目", result.new_projects), ("项目信息变化", result.changes),
                        ("阶段变化", result.stage_changes), ("到位资金新增或替换", result.funds_changes)):
        if rows:
            with st.expander(f"{title}({len(rows)})", expanded=len(rows) <= 20):
                st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


with upload_tab:
    st.markdown("**第一步** 下载模板,按模板填写(表头的批注说明了每一列的填法)。")
    st.download_button("下载上报模板", data.template(version), file_name="招商引资项目台账_上报模板.xlsx",
                       icon=":material/description:", mime=XLSX)
    st.markdown("**第二步** 选择填报期间和县区,上传填好的 Excel 文件,系统先检查、再预览,确认后才写入。")
    last_month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    c1, c2, c3 = st.columns(3)
    year = c1.number_input("填报年份", min_value=2000, max_value=2100, value=last_month.year, step=1)
    month = c2.selectbox("填报月份", list(range(1, 13)), index=last_month.month - 1, format_func=lambda m: f"{m}月")
    choices = [CITY_REGION, *[r["name"] for r in cfg["regions"]]] if who.is_admin else list(who.regions)
    region = c3.selectbox("上报县区", choices, help="选择县区时,文件中只能包含该县区的数据" if who.is_admin
                          else f"本账号只能上报所负责县区({'、'.join(who.regions)})的数据")
    upload = st.file_uploader("上传 Excel 工作簿(.xlsx)", type=["xlsx"], key="upload_file")
    period = Period(int(year), int(month))
    region_arg = None if region == CITY_REGION else region
    if upload is not None:
        content = upload.getvalue()
        key = (upload.name, len(content), hash(content), period, region_arg, who.name)
        if st.session_state.get("checked", {}).get("key") != key:
            with st.spinner("正在检查文件…"):
                result, problems = data.check_upload(content, upload.name, period, region_arg, who.account)
            st.session_state["checked"] = {"key": key, "result": result, "problems": problems,
                                           "before": data.figures_now(period, region_arg)}
        checked = st.session_state["checked"]
        if checked["problems"]:
            show_problems(checked["problems"], content, upload.name)
        elif checked["result"].unchanged:
            st.info(checked["result"].summary())
        else:
            show_preview(checked["result"], checked["before"])
            if st.button("确认导入", type="primary", icon=":material/check_circle:"):
                done, problems = data.commit_upload(content, upload.name, period, region_arg, who.account)
                st.session_state.pop("checked", None)
                if problems:
                    show_problems(problems, content, upload.name)
                else:
                    st.session_state["committed"] = done.summary()
                    st.rerun()
    if "committed" in st.session_state:
        st.success(st.session_state.pop("committed"), icon=":material/check_circle:")

with history_tab:
    rows = data.batches(version)
    if not who.is_admin:  # staff see their own regions' uploads
        rows = [r for r in rows if r["region"] in who.regions]
    if not rows:
        st.info("暂无导入记录。")
    else:
        table = pd.DataFrame([{
            "批次": r["id"], "上传人": r["uploaded_by"], "上传时间": f"{r['created_at']:%Y-%m-%d %H:%M}",
            "文件": r["file_name"], "县区": r["region"] or CITY_REGION, "期间": f"{r['year']}年{r['month']}月",
            "行数": r["row_count"], "状态": BATCH_STATUS[r["status"]]} for r in rows])
        st.dataframe(table, hide_index=True, width="stretch")
        choice = st.selectbox("选择批次", [r["id"] for r in rows], format_func=lambda b: f"#{b}", key="batch_choice")
        chosen = next(r for r in rows if r["id"] == choice)
        original = data.original_file(choice)
        if original is not None:
            st.download_button("下载原始文件", original, file_name=chosen["file_name"], icon=":material/download:")
        if chosen["status"] == "active" and not who.is_admin:
            st.caption("如需回滚批次,请联系管理员。")
        elif chosen["status"] == "active":
            sure = st.checkbox(f"确认回滚批次 #{choice}:该批次写入的全部数据将恢复到导入前", key="rollback_sure")
            if st.button("回滚该批次", disabled=not sure, icon=":material/undo:"):
                reason = data.rollback(choice, who.name)
                if reason:
                    st.error(reason)
                else:
                    st.session_state["rolled_back"] = f"批次 #{choice} 已回滚,各项数据已恢复到导入前。"
                    st.rerun()
    if "rolled_back" in st.session_state:
        st.success(st.session_state.pop("rolled_back"))
