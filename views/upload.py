"""数据上报: template, upload, validation report with the annotated workbook, preview, commit,
history with the original files and rollback. Staff upload for their own regions only (the importer
refuses any other row) and see their regions' history; rollback is for admins."""
import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from data_access.batches import kinds_text
from data_access.models import CITY_REGION
from labels import BATCH_STATUS, GONE_TITLES
from metrics.period import Period
from reports import format as fmt
from ui import auth, data, reporting
from ui.cards import Kpi, kpi_grid_html
from ui.uploader import workbook_uploader

who = auth.require_page("upload", "数据上报")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
version = data.data_version()
cfg = data.config(version)
st.title("数据上报")
upload_tab, history_tab, *progress_tab = st.tabs(["上传月度数据", "导入记录与回滚",
                                                  *(["上报进度"] if who.is_admin else [])])

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
        marked, copied = data.annotated(content, problems)
        st.download_button("下载标注了错误的工作簿", marked, file_name=name.rsplit(".", 1)[0] + "_错误标注.xlsx",
                           icon=":material/download:", mime=XLSX)
        if copied:
            st.caption("上传的文件不是普通的 .xlsx 工作簿(如 .xls、.ods):标注后的工作簿为 .xlsx 格式,"
                       "只含系统读取的工作表及其数值。")


def show_preview(result, before: dict):
    after = result.inspected
    st.success(result.headline())
    if result.ignored():
        st.caption(";".join(result.ignored()))
    for superseded, line in zip(result.superseded, result.superseded_lines()):
        st.warning(f"本次上传将{line}。", icon=":material/swap_horiz:")
        for kind, rows in superseded.gone.items():
            with st.expander(f"批次 #{superseded.batch_id} 将移除的{GONE_TITLES[kind]}({len(rows)})", expanded=True):
                st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
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
    for note in result.notes:
        st.info(note, icon=":material/lightbulb:")
    for title, rows in (("新增项目", result.new_projects), ("项目信息变化", result.changes),
                        ("阶段变化", result.stage_changes), ("到位资金新增或替换", result.funds_changes)):
        if rows:
            with st.expander(f"{title}({len(rows)})", expanded=len(rows) <= 20):
                st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def checked_upload(content: bytes, name: str, period: Period, region: str | None):
    """The dry run of this file, period and region (None: the region its rows name), once per
    browser session."""
    key = (name, len(content), hashlib.sha256(content).hexdigest(), period, region, who.name)
    runs = st.session_state.setdefault("checked", {})
    if key not in runs:
        if len(runs) > 4:  # other files or periods checked before
            runs.clear()
        with st.spinner("正在检查文件…"):
            runs[key] = data.check_upload(content, name, period, region, who.account)
    return runs[key]


with upload_tab:
    st.markdown("**第一步** 下载模板,按模板填写(表头的批注说明了每一列的填法)。")
    st.download_button("下载上报模板", data.template(version), file_name="招商引资项目台账_上报模板.xlsx",
                       icon=":material/description:", mime=XLSX)
    st.markdown("**第二步** 选择填报期间,上传填好的 Excel 文件;系统按文件中的数据识别上报县区,先检查、再预览,"
                "确认后才写入。")
    last_month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    c1, c2, c3 = st.columns(3)
    year = c1.number_input("填报年份", min_value=2000, max_value=2100, value=last_month.year, step=1)
    month = c2.selectbox("填报月份", list(range(1, 13)), index=last_month.month - 1, format_func=lambda m: f"{m}月")
    upload = workbook_uploader("上传 Excel 工作簿(.xlsx、.xlsm、.xls、.xlsb、.ods 均可)", "upload_file")
    period = Period(int(year), int(month))
    choices = [CITY_REGION, *[r["name"] for r in cfg["regions"]]] if who.is_admin else list(who.regions)
    if upload is None:
        c3.selectbox("上报县区", choices, disabled=True, help="上传文件后按文件中的数据自动选择")
    else:
        content = upload.getvalue()
        found = checked_upload(content, upload.name, period, None)
        preselected = found.region or (CITY_REGION if who.is_admin else choices[0])
        region = c3.selectbox(
            "上报县区", choices, index=choices.index(preselected) if preselected in choices else 0,
            key=f"region_{hashlib.sha256(content).hexdigest()[:16]}",
            help="已按文件中的数据自动选择;选择县区时,文件中只能包含该县区的数据" if who.is_admin
            else f"本账号只能上报所负责县区({'、'.join(who.regions)})的数据")
        if len(found.named) > 1:
            st.info(f"文件中包含{len(found.named)}个县区({'、'.join(found.named)})的数据,"
                    f"将作为“{CITY_REGION}”数据上报。", icon=":material/info:")
        checked = found if region == preselected else checked_upload(content, upload.name, period, region)
        if checked.problems:
            show_problems(checked.problems, content, upload.name)
        elif checked.result.unchanged:
            st.info(checked.result.summary())
        else:
            show_preview(checked.result, checked.before)
            sure = True
            if checked.result.removes_anything:
                sure = st.checkbox("我已了解:确认导入后,上述被替代批次中的数据将被移除(可通过回滚本次导入恢复)",
                                   key="confirm_removal")
            if st.button("确认导入", type="primary", icon=":material/check_circle:", disabled=not sure):
                done, problems = data.commit_upload(content, upload.name, period, region, who.account)
                st.session_state.pop("checked", None)
                if problems:
                    show_problems(problems, content, upload.name)
                else:
                    st.session_state["committed"] = done.summary()
                    st.rerun()
    if "committed" in st.session_state:
        for line in st.session_state.pop("committed").split("\n"):
            st.success(line, icon=":material/check_circle:")

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
            "内容": kinds_text(r["kinds"]), "行数": r["row_count"], "状态": BATCH_STATUS[r["status"]],
            "提示": ";".join(r["notes"])} for r in rows])
        st.dataframe(table, hide_index=True, width="stretch")
        choice = st.selectbox("选择批次", [r["id"] for r in rows], format_func=lambda b: f"#{b}", key="batch_choice")
        chosen = next(r for r in rows if r["id"] == choice)
        original = data.original_file(choice)
        if original is not None:
            st.download_button("下载原始文件", original, file_name=chosen["file_name"], icon=":material/download:")
        if chosen["status"] == "active" and not who.is_admin:
            st.caption("如需回滚批次,请联系管理员。")
        elif chosen["status"] == "active":
            sure = st.checkbox(f"确认回滚批次 #{choice}:数据将恢复到该批次上传之前;它替代的批次将重新生效",
                               key="rollback_sure")
            if st.button("回滚该批次", disabled=not sure, icon=":material/undo:"):
                reactivated, reason = data.rollback(choice, who.name)
                if reason:
                    st.error(reason)
                else:
                    st.session_state["rolled_back"] = f"批次 #{choice} 已回滚,各项数据已恢复到导入前。" + "".join(
                        f"批次 #{b} 重新生效。" for b in reactivated)
                    st.rerun()
    if "rolled_back" in st.session_state:
        st.success(st.session_state.pop("rolled_back"))

if progress_tab:
    with progress_tab[0]:
        last_month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        c1, c2, _ = st.columns(3)
        year = c1.number_input("年份", min_value=2000, max_value=2100, value=last_month.year, step=1,
                               key="progress_year")
        month = c2.selectbox("月份", list(range(1, 13)), index=last_month.month - 1, format_func=lambda m: f"{m}月",
                             key="progress_month")
        found = reporting.for_period(Period(int(year), int(month)))
        st.markdown(f"**{reporting.heading(found)}**")
        reporting.table(found)
