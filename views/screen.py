"""大屏: the meeting-room screen — dark, large type, no sidebar or toolbar, no scrolling; refreshes
itself every ``screen_refresh_seconds`` so a new upload appears without anyone touching it, and with
?rotate=1 (or the screen_rotate setting) rotates its middle row at each refresh: trends and regions,
chains and funds, and 招商活动 with the events' signings when the period has any.

The period is the newest reported month, or ?year=&month= from the URL."""
import datetime as dt

import streamlit as st

from data_access import settings
from labels import SCREEN
from metrics.period import Period, Scope
from ui import auth, bigscreen, data

auth.require_page("screen", "大屏")
st.html(bigscreen.CSS)
params = st.query_params
rotate = params.get("rotate", "1" if settings.get("screen_rotate") else "0") == "1"


@st.fragment(run_every=settings.get("screen_refresh_seconds"))
def live_screen():
    auth.recheck_in_fragment("screen")  # a revoked display link or an expired session ends the screen
    version = data.data_version()
    latest = data.config(version)["latest"]
    try:
        period = Period(int(params["year"]), int(params["month"].removesuffix("月")))
    except (KeyError, ValueError):
        period = Period(*latest) if latest else None
    if period is None:
        st.html(f'<div class="screen" data-testid="big-screen"><div class="head"><h1>{SCREEN["title"]}</h1></div>'
                f'<div class="text">{SCREEN["no_data"]}</div></div>')
        return
    b = data.briefing_content(period, Scope(), "全市", version)
    panel = (st.session_state.get("screen_panel", -1) + 1) % bigscreen.panel_count(b) if rotate else 0
    st.session_state["screen_panel"] = panel
    st.html(bigscreen.screen_html(b, data.screen_images(period, version, panel), panel))
    st.html(f'<div data-testid="screen-clock" style="position:fixed;right:1vw;bottom:.4vh;color:#58709a;'
            f'font-size:min(.8vw,1.4vh)">刷新于 {dt.datetime.now():%H:%M:%S}</div>')


live_screen()
