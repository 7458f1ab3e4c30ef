"""上报进度 as shown on 数据上报 (the table, for admins) and 总览 (one line that opens the table)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from labels import REPORT_STATUS, WARNING_COLORS
from metrics.period import Period
from ui import data

# the one 红黄蓝 palette: on time 蓝, late 黄, missing 红; still to come grey
STATUS_COLOURS = {"on_time": WARNING_COLORS["blue"], "late": WARNING_COLORS["yellow"],
                  "missing": WARNING_COLORS["red"], "pending": "#7f8ea3"}


def brief(found: dict) -> str:
    """'已报 5/7 · 逾期 1 · 未报 1': reported of all, late reports, and regions not in (missing after
    the deadline; before it, still to come)."""
    c = found["counts"]
    parts = [f"已报 {c['reported']}/{c['regions']}"]
    if c["late"]:
        parts.append(f"逾期上报 {c['late']}")
    if c["missing"]:
        parts.append(f"逾期未报 {c['missing']}")
    if c["pending"]:
        parts.append(f"未报 {c['pending']}")
    return " · ".join(parts)


def heading(found: dict) -> str:
    p: Period = found["period"]
    due = found["due_on"]
    state = "已过截止日期" if found["overdue"] else f"截止日期 {due.month}月{due.day}日"
    return f"{p.year}年{p.month}月数据上报进度({state}):{brief(found)}"


def table(found: dict) -> None:
    """Every region's report of the month: status, when and by whom, the latest correction."""
    rows = [{"县区": r["region"], "状态": REPORT_STATUS[r["status"]],
             "上报时间": "" if r["uploaded_at"] is None else f"{r['uploaded_at']:%Y-%m-%d %H:%M}",
             "上报人": r["uploaded_by"] or "",
             "最近更正": "" if r["updated_at"] is None else f"{r['updated_at']:%Y-%m-%d %H:%M}",
             "上传次数": r["uploads"]} for r in found["rows"]]
    if not rows:
        st.info("尚未配置县区。")
        return
    frame = pd.DataFrame(rows)
    colours = {REPORT_STATUS[k]: v for k, v in STATUS_COLOURS.items()}
    st.dataframe(frame.style.map(lambda v: f"color: {colours[v]}; font-weight: 600" if v in colours else "",
                                 subset=["状态"]), hide_index=True, width="stretch")
    due = found["due_on"]
    st.caption(f"截止日期 {due:%Y-%m-%d}(管理员可在“管理 › 上报日历”调整)。"
               "按时与否以该月第一次上报(未回滚)的时间计,之后的更正不改变;县区数据包含在全市汇总文件中的,同样计为已报。")


def for_period(period: Period) -> dict:
    return data.reporting(period, dt.date.today(), data.data_version())
