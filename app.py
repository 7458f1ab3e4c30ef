"""Entry point: page config, login, navigation by role, global filters. Screens live in views/
(not pages/: see README)."""
from pathlib import Path

import streamlit as st

from labels import DEMO_BADGE
from ui import auth, data, streamlit_fixes

streamlit_fixes.apply()

# the icon from a file of our own (sent inline): a :material/…: icon is fetched from fonts.gstatic.com,
# which a closed government intranet cannot reach
st.set_page_config(page_title="招商引资领导驾驶舱", page_icon=str(Path(__file__).parent / "ui" / "favicon.png"),
                   layout="wide")

data.engine()
# (file, title, icon, url path); pages that filter call ui.filters.sidebar_filters() themselves.
# Who may open which page: ui.auth.PAGE_ROLES / DISPLAY_PAGES, checked here and again by each view.
PAGES = [
    ("views/overview.py", "总览", ":material/monitoring:", "overview"),
    ("views/chains.py", "产业链", ":material/account_tree:", "chains"),
    ("views/enterprises.py", "重点企业", ":material/apartment:", "enterprises"),
    ("views/ranking.py", "县区排名", ":material/leaderboard:", "ranking"),
    ("views/projects.py", "项目库", ":material/table_view:", "projects"),
    ("views/resident.py", "招商活动", ":material/groups:", "resident"),
    ("views/briefing.py", "简报", ":material/article:", "briefing"),
    ("views/screen.py", "大屏", ":material/tv:", "screen"),
    ("views/upload.py", "数据上报", ":material/upload_file:", "upload"),
    ("views/admin.py", "管理", ":material/admin_panel_settings:", "admin"),
]
who = auth.current()
signed_in = who is not None and who.role != auth.DISPLAY_ROLE
nav = st.navigation(auth.navigation(PAGES, who), position="sidebar" if signed_in else "hidden")
if who is not None:
    with st.sidebar:
        st.markdown("### 招商引资领导驾驶舱")
        if data.is_demo():
            st.badge(DEMO_BADGE, color="orange")
        auth.sidebar(who)
nav.run()
