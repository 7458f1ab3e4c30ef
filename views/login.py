"""登录: name and password (throttled after repeated failures), single sign-on when configured,
and the demo accounts on a demo database only. Every address shows this page until signed in."""
import streamlit as st

from labels import LOGIN, ROLE_LABELS
from ui import auth, data

_, middle, _ = st.columns([1, 1.1, 1])
with middle:
    st.title(LOGIN["title"], anchor=False)
    st.caption(LOGIN["subtitle"])
    message = auth.pop_message()
    if message:
        st.info(message, icon=":material/info:")
    with st.form("login_form", clear_on_submit=True, border=True):
        name = st.text_input(LOGIN["name"], key="login_name", autocomplete="username")
        password = st.text_input(LOGIN["password"], type="password", key="login_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(LOGIN["submit"], type="primary", icon=":material/login:", width="stretch")
    if submitted:
        error = auth.login(name, password)
        if error:
            st.error(error, icon=":material/error:")
        else:
            st.rerun()
    if auth.sso_configured():
        st.caption(LOGIN["sso_divider"])
        st.button(LOGIN["sso"], on_click=st.login, icon=":material/badge:", width="stretch")
    if not data.has_accounts():
        st.warning(LOGIN["no_accounts"], icon=":material/warning:")
    demo = data.demo_accounts()
    if demo:  # a plain table: there at once, and the passwords can be copied
        rows = [LOGIN["demo_columns"], ("---",) * 4] + [(f"`{n}`", f"`{p}`", ROLE_LABELS[r], "、".join(g) or "—")
                                                        for n, p, r, g in demo]
        st.markdown(f"**{LOGIN['demo_title']}**\n\n" + "\n".join("| " + " | ".join(r) + " |" for r in rows))
