"""Who is using this browser session, and what they may open.

The account rules live in data_access.accounts; this module keeps the Streamlit side: the signed-in
user in ``st.session_state`` (re-checked against the database on every run, so a disabled account
or a changed role takes effect at once), a login session in the database whose token the browser
keeps in a cookie (so a reload, a new tab or another app process behind the load balancer finds the
user still signed in), the inactivity timeout, read-only display sessions opened
by a display link (``/screen?token=…``), optional single sign-on through ``st.login`` (only when
``st.secrets`` has an ``[auth]`` section), and the page table that both the router (app.py) and
every view (``require_page`` at its top) consult, so a typed URL gets no further than the menu.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

import streamlit as st

from data_access import accounts, audit, settings
from data_access.models import ROLES
from labels import ACCESS, LOGIN, ROLE_LABELS
from ui import data

SESSION_KEY = "auth"
MESSAGE_KEY = "auth_message"
SSO_REFUSED_KEY = "auth_sso_refused"
VIEWER_ROLES = frozenset(ROLES)
# url path -> roles that may open it; every other page is open to every role
PAGE_ROLES = {"upload": frozenset({"staff", "admin"}), "admin": frozenset({"admin"})}
# the only pages a display link opens (read-only big-screen pages); display links point at the first
DISPLAY_HOME = "screen"
DISPLAY_PAGES = frozenset({DISPLAY_HOME})
DISPLAY_ROLE = "display"
TOKEN_PARAMS = ("token", "display")
COOKIE = "zsdash_session"  # holds a login session's token (accounts.open_session)
COOKIE_PENDING_KEY = "auth_cookie_pending"  # a token the browser has not been given yet
DEAD_COOKIE_KEY = "auth_cookie_dead"  # a cookie token found ended: not looked up again


@dataclass(frozen=True)
class Principal:
    """The signed-in user, or a display link (role ``display``)."""
    name: str
    role: str
    regions: tuple[str, ...] = ()
    account: accounts.Account | None = None

    @property
    def role_label(self) -> str:
        return ACCESS["display_role"] if self.role == DISPLAY_ROLE else ROLE_LABELS[self.role]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def may_open(who: Principal | None, url_path: str) -> bool:
    if who is None:
        return False
    if who.role == DISPLAY_ROLE:
        return url_path in DISPLAY_PAGES
    return who.role in PAGE_ROLES.get(url_path, VIEWER_ROLES)


def user_session(account: accounts.Account, method: str = "password", now: float | None = None) -> dict:
    """What ``st.session_state[SESSION_KEY]`` holds for a signed-in account."""
    return {"kind": "user", "user_id": account.id, "name": account.name, "method": method,
            "last_seen": time.time() if now is None else now}


def sso_configured() -> bool:
    """Single sign-on is offered only when the secrets have an ``[auth]`` section."""
    try:
        return st.secrets.load_if_toml_exists() and "auth" in st.secrets
    except Exception:  # an unreadable secrets file means no single sign-on, not a broken login page
        return False


def _end(message: str | None) -> None:
    st.session_state.pop(SESSION_KEY, None)
    if message:
        st.session_state[MESSAGE_KEY] = message


def pop_message() -> str | None:
    return st.session_state.pop(MESSAGE_KEY, None)


def _token_in_url() -> str | None:
    for name in TOKEN_PARAMS:
        value = st.query_params.get(name)
        if value:
            return value
    return None


def current(touch: bool = True) -> Principal | None:
    """The principal of this session after every check, or None (signed out; the reason, if any,
    is left for the login page in ``pop_message``). ``touch`` counts this run as the user's
    activity for the inactivity timeout (an auto-refresh is not)."""
    state = st.session_state.get(SESSION_KEY)
    token = _token_in_url()
    if token and (state is None or (state["kind"] == "display" and state["token"] != token)):
        return _open_display(token)
    if state is None:
        return _from_cookie() or (_from_sso() if sso_configured() else None)
    if state["kind"] == "display":
        return _check_display(state)
    now = time.time()
    with data.engine().begin() as conn:
        minutes = settings.get("session_timeout_minutes")
        if now - state["last_seen"] > minutes * 60:
            audit.record(conn, state["name"], "session_timeout", state["name"])
            accounts.end_session(conn, state.get("token"))
            if state.get("method") == "sso":  # not straight back in through the provider's cookie
                st.session_state[SSO_REFUSED_KEY] = state["name"]
            _end(LOGIN["timeout"].format(minutes=minutes))
            return None
        # a login session may have ended elsewhere (a password reset, logout in another tab)
        account = (accounts.session_account(conn, state["token"]) if state.get("token")
                   else accounts.get_account(conn, user_id=state["user_id"]))
    if account is None or account.disabled:
        _end(LOGIN["account_gone"])
        return None
    if touch:
        state["last_seen"] = now
    return Principal(account.name, account.role, account.regions, account)


def _from_cookie() -> Principal | None:
    """The user whose login session the browser's cookie names (a reloaded tab, a new tab)."""
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # no browser request behind this run (a test harness)
        return None
    if not isinstance(token, str) or not token or token == st.session_state.get(DEAD_COOKIE_KEY):
        return None
    with data.engine().begin() as conn:
        account = accounts.session_account(conn, token)
    if account is None:
        st.session_state[DEAD_COOKIE_KEY] = token  # the cookie stays with this session: ask once
        return None
    st.session_state[SESSION_KEY] = user_session(account) | {"token": token}
    return Principal(account.name, account.role, account.regions, account)


def _open_display(token: str) -> Principal | None:
    with data.engine().begin() as conn:
        link = accounts.display_link(conn, token)
        if link is None or link["revoked_at"] is not None:
            _end(ACCESS["link_unknown"] if link is None else ACCESS["link_revoked"])
            return None
        audit.record(conn, f"显示链接#{link['id']}", "display_open", f"#{link['id']} {link['label']}")
    st.session_state[SESSION_KEY] = {"kind": "display", "token": token, "link_id": link["id"], "label": link["label"]}
    st.session_state.pop(MESSAGE_KEY, None)
    return Principal(link["label"], DISPLAY_ROLE)


def _check_display(state: dict) -> Principal | None:
    with data.engine().connect() as conn:
        link = accounts.display_link(conn, state["token"])
    if link is None or link["revoked_at"] is not None:
        _end(ACCESS["link_revoked"])
        return None
    return Principal(link["label"], DISPLAY_ROLE)


def _from_sso() -> Principal | None:
    """A session for the identity st.login vouched for, when it names an enabled account here."""
    user = st.user.to_dict()
    if not user.get("is_logged_in"):
        return None
    identity = str(user.get("email") or user.get("preferred_username") or user.get("name") or "")
    if st.session_state.get(SSO_REFUSED_KEY) == identity:
        return None
    with data.engine().begin() as conn:
        result = accounts.sso_login(conn, identity)
    if not result.ok:
        st.session_state[SSO_REFUSED_KEY] = identity
        _end(LOGIN["sso_unknown"].format(name=identity) if result.outcome == "bad" else LOGIN["disabled"])
        return None
    st.session_state[SESSION_KEY] = user_session(result.account, method="sso")
    return Principal(result.account.name, result.account.role, result.account.regions, result.account)


def login(name: str, password: str) -> str | None:
    """Sign in with a name and password: None on success, else the reason in Chinese."""
    with data.engine().begin() as conn:
        result = accounts.authenticate(conn, name, password)
    if result.outcome == "throttled":
        return LOGIN["throttled"].format(seconds=settings.get("login_window_seconds"))
    if result.outcome == "disabled":
        return LOGIN["disabled"]
    if not result.ok:
        return LOGIN["bad"]
    with data.engine().begin() as conn:
        token = accounts.open_session(conn, result.account)
    st.session_state[SESSION_KEY] = user_session(result.account) | {"token": token}
    st.session_state[COOKIE_PENDING_KEY] = token
    st.session_state.pop(MESSAGE_KEY, None)
    return None


def logout() -> None:
    state = st.session_state.get(SESSION_KEY)
    if state and state["kind"] == "user":
        with data.engine().begin() as conn:
            accounts.end_session(conn, state.get("token"))  # the browser's cookie now opens nothing
            audit.record(conn, state["name"], "logout", state["name"])
    _end(LOGIN["logged_out"])
    if state and state.get("method") == "sso" and sso_configured():
        st.logout()


def require_page(url_path: str, title: str) -> Principal:
    """Stop the page (with a refusal in Chinese) unless this session may open ``url_path``.
    Every view calls this first: the router's menu is not the only door."""
    who = current()
    if who is None:
        st.error(ACCESS["refused"].format(role="未登录", page=title))
        st.stop()
    if not may_open(who, url_path):
        refuse(who, title)
        st.stop()
    return who


def recheck_in_fragment(url_path: str) -> None:
    """For a fragment that reruns on its own (the 大屏's auto-refresh): when this session may no
    longer open the page (link revoked, account disabled, timed out), rerun the whole app, which
    then shows the login page with the reason."""
    if not may_open(current(touch=False), url_path):
        st.rerun()


def refuse(who: Principal, title: str) -> None:
    if who.role == DISPLAY_ROLE:
        st.error(ACCESS["refused_display"].format(page=title), icon=":material/block:")
    else:
        st.error(ACCESS["refused"].format(role=who.role_label, page=title), icon=":material/block:")


HOME = "home"  # the url path the default page (shown at "/") reserves


def navigation(pages: list[tuple[str, str, str, str]], who: Principal | None,
               login_file: str = "views/login.py") -> list:
    """The st.Page list for this session. Signed out: the login page at every address (so a
    bookmarked link opens after signing in), "/" included. Signed in: the pages the role may open;
    every other address shows a refusal and never runs its page.

    The role's first page is its home, shown at "/": the address does not change on signing in, so
    the URL's filters (``/?region=…``) survive; and Streamlit's front end finds the server at once
    from "/", but from any other address only after a failed probe of that address as the app's
    base (~0.1 s more before anything is drawn). That page answers at its own address too (hidden),
    as every page keeps its own."""
    if who is None:
        return [st.Page(login_file, title=LOGIN["submit"], icon=":material/login:", url_path=HOME, default=True,
                        visibility="hidden")] + [
            st.Page(login_file, title=title, icon=icon, url_path=url, visibility="hidden")
            for _, title, icon, url in pages] + [
            st.Page(login_file, title=LOGIN["submit"], icon=":material/login:", url_path="login", visibility="hidden")]
    out, home = [], None
    for file, title, icon, url in pages:
        if not may_open(who, url):
            out.append(st.Page(_refusal(who, title), title=title, icon=icon, url_path=url, visibility="hidden"))
        elif home is None:
            home = st.Page(file, title=title, icon=icon, url_path=HOME, default=True)
            out += [home, st.Page(file, title=title, icon=icon, url_path=url, visibility="hidden")]
        else:
            out.append(st.Page(file, title=title, icon=icon, url_path=url))
    if home is None:  # a display link before any display page exists
        home = st.Page(_message(ACCESS["no_display_page"]), title=ACCESS["display_role"], icon=":material/tv:",
                       url_path=HOME, default=True, visibility="hidden")
        out.append(home)
    out.append(st.Page(lambda: st.switch_page(home), title=LOGIN["submit"], icon=":material/login:",
                       url_path="login", visibility="hidden"))
    return out


def _refusal(who: Principal, title: str):
    def page():
        refuse(who, title)
    return page


def _message(text: str):
    def page():
        st.warning(text, icon=":material/tv_off:")
    return page


def sidebar(who: Principal) -> None:
    """The signed-in user and the logout button, in the sidebar."""
    if who.role == DISPLAY_ROLE:
        st.caption(LOGIN["display_session"].format(label=who.name))
        return
    give_cookie()
    st.caption(LOGIN["current"].format(name=who.name, role=who.role_label))
    if who.role == "staff" and who.regions:
        st.caption(LOGIN["current_regions"].format(regions="、".join(who.regions)))
    if st.button(LOGIN["logout"], icon=":material/logout:", key="logout"):
        logout()
        st.rerun()


def give_cookie() -> None:
    """Hand the browser the token of the login session it just opened, as a cookie for this site
    that lives until the browser closes (the server ends the session after the inactivity timeout
    or on logout, whatever the cookie says)."""
    token = st.session_state.pop(COOKIE_PENDING_KEY, None)
    if token is None:
        return
    st.html("<script>document.cookie = " + json.dumps(f"{COOKIE}={token}; path=/; SameSite=Strict")
            + ' + (location.protocol === "https:" ? "; Secure" : "");</script>', unsafe_allow_javascript=True)
