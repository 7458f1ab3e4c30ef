"""Entry point: page config, navigation, global filters. Screens live in views/ (not pages/: see README)."""
import streamlit as st

from labels import DEMO_BADGE
from ui import data

st.set_page_config(page_title="招商引资领导驾驶舱", page_icon=":material/monitoring:", layout="wide")

data.engine()
# (file, title, icon, url path); pages that filter call ui.filters.sidebar_filters() themselves
PAGES = [
    ("views/overview.py", "总览", ":material/monitoring:", "overview"),
    ("views/chains.py", "产业链", ":material/account_tree:", "chains"),
    ("views/enterprises.py", "重点企业", ":material/apartment:", "enterprises"),
    ("views/ranking.py", "县区排名", ":material/leaderboard:", "ranking"),
    ("views/projects.py", "项目库", ":material/table_view:", "projects"),
    ("views/resident.py", "驻点招商", ":material/groups:", "resident"),
    ("views/briefing.py", "简报", ":material/article:", "briefing"),
    ("views/screen.py", "大屏", ":material/tv:", "screen"),
    ("views/upload.py", "数据上报", ":material/upload_file:", "upload"),
]
nav = st.navigation([st.Page(file, title=title, icon=icon, url_path=url, default=i == 0)
                     for i, (file, title, icon, url) in enumerate(PAGES)])
with st.sidebar:
    st.markdown("### 招商引资领导驾驶舱")
    if data.is_demo():
        st.badge(DEMO_BADGE, color="orange")
nav.run()
