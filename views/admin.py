"""管理 (admins only): annual targets (grid or 年度目标 sheet), regions and aliases, chains, tags,
thresholds and weights, users, display links, the reporting calendar, push channels and subscriptions
with the delivery log, and the audit log. Every change is audited."""
import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st

from data_access import settings
from data_access.models import ROLES
from labels import (
    ACCOUNT_MSG,
    ADMIN,
    ATTEMPT_RESULTS,
    AUDIT_ACTIONS,
    AUDIT_COLUMNS,
    DELIVERY_STATUS,
    PUSH_KINDS,
    REGION_KINDS,
    ROLE_LABELS,
    SETTING_LABELS,
    SETTING_SOURCES,
    TAG_KINDS,
    TARGET_INDICATORS,
    TARGET_UNITS,
)
from metrics.period import Period
from ui import admin_data as ad
from ui import auth, data
from ui.uploader import boundary_uploader, workbook_uploader

who = auth.require_page("admin", "管理")
version = data.data_version()
FLASH = "admin_flash"
st.title(ADMIN["title"])


def flash(text: str) -> None:
    """Show ``text`` as a success message after the rerun that follows a change."""
    st.session_state[FLASH] = text
    st.rerun()


def done(refusal: str | None, message: str) -> None:
    """After a change: its refusal, or ``message`` once the page has rerun with the change."""
    if refusal:
        st.error(refusal)
    else:
        flash(message)


def when(value) -> str:
    return "" if value is None else f"{value:%Y-%m-%d %H:%M}"


def number_text(value) -> str:
    value = Decimal(str(value))
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH), icon=":material/check_circle:")

tabs = st.tabs(ADMIN["tabs"])


def targets_tab():
    this_year = dt.date.today().year
    years = sorted(set(data.config(version)["years"]) | {this_year - 1, this_year, this_year + 1}, reverse=True)
    year = st.columns(4)[0].selectbox(ADMIN["year"], years, index=years.index(this_year), key="target_year",
                                      format_func=lambda y: f"{y}年")
    regions, indicators, grid = ad.target_grid(year)
    st.caption(ADMIN["targets_help"])
    frame = pd.DataFrame([{"县区": r, **{i: None if (r, i) not in grid else float(grid[(r, i)]) for i in indicators}}
                          for r in regions])
    columns = {i: st.column_config.NumberColumn(f"{i}({TARGET_UNITS.get(i, '')})" if i in TARGET_UNITS else i,
                                                min_value=0, format="%d" if i == "签约项目数" else "%.2f")
               for i in indicators}
    edited = st.data_editor(frame, key=f"targets_{year}_{version}", hide_index=True, width="stretch",
                            disabled=["县区"], num_rows="fixed", column_config=columns)
    if st.button(ADMIN["targets_save"], type="primary", icon=":material/save:"):
        values = {(row["县区"], i): row[i] for row in edited.to_dict("records") for i in indicators}
        changed, refusal = ad.save_targets(year, values, who.name)
        if refusal:
            st.error(refusal)
        elif changed:
            flash(ADMIN["targets_saved"].format(year=year, n=changed))
        else:
            st.info(ADMIN["nothing_changed"])

    upload = workbook_uploader(ADMIN["targets_upload"], "targets_file")
    if upload is not None:
        found, problems = ad.targets_from_workbook(upload.getvalue())
        if problems:
            st.error(ADMIN["targets_problems"].format(n=len(problems)))
            st.dataframe(pd.DataFrame([dict(zip(ADMIN["problem_columns"], (p.sheet, p.row, p.column, p.shown_value,
                                                                           p.message))) for p in problems]),
                         hide_index=True, width="stretch")
        else:
            rows = []
            for y, values in sorted(found.items()):
                before = ad.target_grid(y)[2]
                rows += [dict(zip(ADMIN["targets_columns"], (f"{y}年", r, i, number_text(v),
                                                             number_text(before[(r, i)]) if (r, i) in before else "")))
                         for (r, i), v in values.items()]
            st.markdown(ADMIN["targets_preview"].format(n=len(rows)))
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
            if st.button(ADMIN["targets_import"], icon=":material/upload:"):
                changed, refusal = ad.save_uploaded_targets(found, who.name)
                if refusal:
                    st.error(refusal)
                else:
                    flash(ADMIN["targets_imported"].format(n=changed))


def regions_tab():
    rows = ad.region_table()
    st.dataframe(pd.DataFrame([dict(zip(ADMIN["region_columns"], (r["name"], r["kind"], "、".join(r["aliases"]),
                                                                   r["projects"]))) for r in rows],
                              columns=ADMIN["region_columns"]), hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left, st.form("region_add", clear_on_submit=True):
        st.markdown(f"**{ADMIN['region_add']}**")
        name = st.text_input(ADMIN["region_name"])
        kind = st.selectbox(ADMIN["region_kind"], REGION_KINDS)
        aliases = st.text_input(ADMIN["aliases"])
        if st.form_submit_button(ADMIN["add"], icon=":material/add:"):
            refusal = ad.add_region(name, kind, aliases, who.name)
            done(refusal, ADMIN["region_added"].format(name=name.strip()))
    with right:
        aliases_editor(rows, "region", ad.set_region_aliases)
    boundaries(rows)


def boundaries(rows: list[dict]) -> None:
    """县区边界 for the map: the GeoJSON uploaded, checked whole before it replaces the one before."""
    st.markdown(f"#### {ADMIN['map_title']}")
    drawn = ad.shape_regions()
    without = [r["name"] for r in rows if r["name"] not in drawn]
    st.caption(ADMIN["map_status"].format(n=len(drawn), total=len(rows)) +
               (ADMIN["map_without"].format(names="、".join(without)) if without and drawn else "") +
               ADMIN["map_help"])
    upload = boundary_uploader(ADMIN["map_upload"], "map_file")
    if upload is None:
        return
    content = upload.getvalue()
    found, problems = ad.check_boundaries(content)
    if problems:
        st.error(ADMIN["map_problems"].format(n=len(problems)))
        for problem in problems:
            st.markdown(f"- {problem}")
        return
    st.success(ADMIN["map_ok"].format(n=len(found.shapes), names="、".join(found.names[r] for r in found.shapes)))
    if found.missing:
        st.warning(ADMIN["map_missing"].format(names="、".join(found.missing)))
    if st.button(ADMIN["map_save"], type="primary", icon=":material/map:"):
        done(ad.save_boundaries(content, who.name), ADMIN["map_saved"].format(n=len(found.shapes)))


def chains_tab():
    rows = ad.chain_table()
    st.dataframe(pd.DataFrame([dict(zip(ADMIN["chain_columns"], (c["name"], "、".join(c["aliases"]), c["projects"])))
                               for c in rows], columns=ADMIN["chain_columns"]), hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left, st.form("chain_add", clear_on_submit=True):
        st.markdown(f"**{ADMIN['chain_add']}**")
        name = st.text_input(ADMIN["chain_name"])
        if st.form_submit_button(ADMIN["add"], icon=":material/add:"):
            refusal = ad.add_chain(name, who.name)
            done(refusal, ADMIN["chain_added"].format(name=name.strip()))
    with right:
        aliases_editor(rows, "chain", ad.set_chain_aliases)


def aliases_editor(rows: list[dict], kind: str, save) -> None:
    """Pick a region or chain (``kind``) from ``rows`` and replace its aliases with ``save``."""
    st.markdown(f"**{ADMIN['aliases_edit']}**")
    if not rows:
        return
    chosen = st.selectbox(ADMIN[f"aliases_pick_{kind}"], [r["name"] for r in rows], key=f"alias_{kind}")
    current = next(r for r in rows if r["name"] == chosen)["aliases"]
    text = st.text_input(ADMIN["aliases"], "、".join(current), key=f"{kind}_aliases_{chosen}_{version}")
    if st.button(ADMIN["aliases_save"], key=f"{kind}_aliases_save", icon=":material/save:"):
        done(save(chosen, text, who.name), ADMIN["saved"])


def tags_tab():
    st.dataframe(pd.DataFrame([dict(zip(ADMIN["tag_columns"], (t["name"], TAG_KINDS.get(t["kind"], t["kind"]))))
                               for t in ad.tags()]), hide_index=True, width="stretch")
    with st.form("tag_add", clear_on_submit=True):
        st.markdown(f"**{ADMIN['tag_add']}**")
        name = st.text_input(ADMIN["tag_name"])
        kind = st.selectbox(ADMIN["tag_kind"], list(TAG_KINDS), format_func=TAG_KINDS.get, index=2)
        if st.form_submit_button(ADMIN["add"], icon=":material/add:"):
            refusal = ad.add_tag(name, kind, who.name)
            done(refusal, ADMIN["tag_added"].format(name=name.strip()))


def settings_tab():
    values = ad.setting_values()
    st.caption(ADMIN["settings_help"])
    st.dataframe(pd.DataFrame([dict(zip(ADMIN["settings_columns"], (SETTING_LABELS[k], v["text"],
                                                                     SETTING_SOURCES[v["source"]])))
                               for k, v in values.items()]), hide_index=True, width="stretch")
    weights = ad.weights(values["ranking_weights"]["text"])
    with st.form(f"settings_{version}"):
        c1, c2, c3, c4 = st.columns(4)
        wanted = {
            "warning_yellow_pp": c1.number_input(SETTING_LABELS["warning_yellow_pp"], min_value=0.5, step=1.0,
                                                 value=float(values["warning_yellow_pp"]["text"])),
            "project_yellow_months": c2.number_input(SETTING_LABELS["project_yellow_months"], min_value=1, step=1,
                                                     value=int(values["project_yellow_months"]["text"])),
            "project_red_months": c3.number_input(SETTING_LABELS["project_red_months"], min_value=1, step=1,
                                                  value=int(values["project_red_months"]["text"])),
            "ranking_completion_cap": c4.number_input(SETTING_LABELS["ranking_completion_cap"], min_value=100.0,
                                                      step=10.0, value=float(values["ranking_completion_cap"]["text"])),
        }
        st.markdown(f"**{ADMIN['weights_title']}**")
        cols = st.columns(len(TARGET_INDICATORS))
        new_weights = {metric: Decimal(str(col.number_input(name, min_value=0.0, step=5.0, key=f"weight_{metric}",
                                                            value=float(weights.get(metric, 0)))))
                       for col, (name, metric) in zip(cols, TARGET_INDICATORS.items())}
        if st.form_submit_button(ADMIN["settings_save"], type="primary", icon=":material/save:"):
            texts = {k: number_text(v) for k, v in wanted.items()} | {"ranking_weights": ad.weights_text(new_weights)}
            changed, refusal = ad.save_settings(texts, who.name)
            if refusal:
                st.error(refusal)
            elif changed:
                flash(ADMIN["settings_saved"].format(n=changed))
            else:
                st.info(ADMIN["nothing_changed"])
    for name, v in values.items():
        if v["source"] == "admin":
            label = SETTING_LABELS[name].split(":")[-1]
            if st.button(ADMIN["settings_reset"].format(label=label), key=f"reset_{name}",
                         icon=":material/restart_alt:"):
                refusal = ad.reset_setting(name, who.name)
                done(refusal, ADMIN["saved"])


def users_tab():
    users = ad.users()
    region_names = [r["name"] for r in data.config(version)["regions"]]
    st.dataframe(pd.DataFrame([dict(zip(ADMIN["user_columns"], (
        u.name, ROLE_LABELS[u.role], "、".join(u.regions),
        ADMIN["user_disabled"] if u.disabled else ADMIN["user_active"], when(u.created_at))))
        for u in users], columns=ADMIN["user_columns"]), hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left, st.form("user_create", clear_on_submit=True):
        st.markdown(f"**{ADMIN['user_create']}**")
        name = st.text_input(ADMIN["user_name"])
        role = st.selectbox(ADMIN["user_role"], ROLES, format_func=ROLE_LABELS.get)
        regions = st.multiselect(ADMIN["user_regions"], region_names)
        password = st.text_input(ADMIN["password_new"], type="password", autocomplete="new-password")
        again = st.text_input(ADMIN["password_again"], type="password", autocomplete="new-password")
        if st.form_submit_button(ADMIN["user_create"], type="primary", icon=":material/person_add:"):
            refusal = ACCOUNT_MSG["password_mismatch"] if password != again else \
                ad.create_user(name, role, regions, password, who.name)
            done(refusal, ADMIN["user_created"].format(name=name.strip()))
    with right:
        if not users:
            return
        chosen = st.selectbox(ADMIN["user_pick"], [u.name for u in users], key="user_pick")
        user = next(u for u in users if u.name == chosen)
        with st.form(f"user_edit_{chosen}_{version}"):
            st.markdown(f"**{ADMIN['user_edit']}**")
            role = st.selectbox(ADMIN["user_role"], ROLES, index=ROLES.index(user.role), format_func=ROLE_LABELS.get)
            regions = st.multiselect(ADMIN["user_regions"], region_names,
                                     default=[r for r in user.regions if r in region_names])
            if st.form_submit_button(ADMIN["user_save"], icon=":material/save:"):
                refusal = ad.update_user(chosen, role, regions, who.name)
                done(refusal, ADMIN["user_saved"].format(name=chosen))
        with st.form(f"password_{chosen}", clear_on_submit=True):
            st.markdown(f"**{ADMIN['password_reset']}**")
            password = st.text_input(ADMIN["password_new"], type="password", autocomplete="new-password")
            again = st.text_input(ADMIN["password_again"], type="password", autocomplete="new-password")
            if st.form_submit_button(ADMIN["password_reset"], icon=":material/key:"):
                refusal = ACCOUNT_MSG["password_mismatch"] if password != again else \
                    ad.reset_password(chosen, password, who.name)
                done(refusal, ADMIN["password_reset_done"].format(name=chosen))
        if user.disabled:
            if st.button(ADMIN["user_enable"], key="user_enable", icon=":material/person_check:"):
                refusal = ad.set_disabled(chosen, False, who.name)
                done(refusal, ADMIN["user_enabled_done"].format(name=chosen))
        elif st.button(ADMIN["user_disable"], key="user_disable", icon=":material/person_off:"):
            refusal = ad.set_disabled(chosen, True, who.name)
            done(refusal, ADMIN["user_disabled_done"].format(name=chosen))


def links_tab():
    st.caption(ADMIN["links_help"])
    created = st.session_state.get("new_display_link")
    if created:
        st.success(ADMIN["link_created"].format(label=created["label"]), icon=":material/link:")
        st.code(created["url"], language=None)
    with st.form("link_create", clear_on_submit=True):
        label = st.text_input(ADMIN["link_label"])
        if st.form_submit_button(ADMIN["link_create"], type="primary", icon=":material/add_link:"):
            made, refusal = ad.create_display_link(label, who.name)
            if refusal:
                st.error(refusal)
            else:
                st.session_state["new_display_link"] = {"label": label.strip(), "url": ad.display_url(made[1])}
                st.rerun()
    links = ad.display_links()
    if not links:
        st.info(ADMIN["no_links"])
        return
    st.dataframe(pd.DataFrame([dict(zip(ADMIN["link_columns"], (
        f"#{k['id']}", k["label"], k["created_by"], when(k["created_at"]),
        ADMIN["link_active"] if k["revoked_at"] is None else
        ADMIN["link_revoked"].format(at=when(k["revoked_at"]), by=k["revoked_by"])))) for k in links]),
        hide_index=True, width="stretch")
    active = [k for k in links if k["revoked_at"] is None]
    if active:
        chosen = st.selectbox(ADMIN["link_pick"], [k["id"] for k in active], key="link_pick",
                              format_func=lambda i: f"#{i} " + next(k["label"] for k in active if k["id"] == i))
        sure = st.checkbox(ADMIN["link_revoke_sure"], key="link_revoke_sure")
        if st.button(ADMIN["link_revoke"], disabled=not sure, icon=":material/link_off:"):
            refusal = ad.revoke_display_link(chosen, who.name)
            if refusal:
                st.error(refusal)
            else:
                st.session_state.pop("new_display_link", None)
                flash(ADMIN["link_revoked_done"].format(id=chosen))


def calendar_tab():
    st.caption(ADMIN["calendar_help"].format(day=settings.get("report_deadline_day"),
                                             before=settings.get("reminder_days_before")))
    this_year = dt.date.today().year
    year = st.columns(4)[0].selectbox(ADMIN["year"], [this_year + 1, this_year, this_year - 1], index=1,
                                      key="calendar_year", format_func=lambda y: f"{y}年")
    months = ad.deadlines(year)
    st.dataframe(pd.DataFrame([dict(zip(ADMIN["calendar_columns"], (
        f"{m['month']}月", f"{m['due_on']:%Y-%m-%d}",
        ADMIN["calendar_default"] if m["set_by"] is None else ADMIN["calendar_moved"].format(
            by=m["set_by"], at=when(m["set_at"]), default=f"{m['default']:%Y-%m-%d}")))) for m in months]),
        hide_index=True, width="stretch", height=len(months) * 35 + 38)
    st.markdown(f"**{ADMIN['calendar_move']}**")
    c1, c2 = st.columns(2)
    month = c1.selectbox(ADMIN["calendar_month"], range(1, 13), format_func=lambda m: f"{year}年{m}月",
                         key=f"deadline_month_{year}")
    due_on = c2.date_input(ADMIN["calendar_due"], value=months[month - 1]["due_on"], format="YYYY-MM-DD",
                           key=f"deadline_{year}_{month}_{version}")
    save, reset, _ = st.columns([1, 1, 4])
    if save.button(ADMIN["calendar_save"], type="primary", icon=":material/event:"):
        done(ad.set_deadline(year, month, due_on, who.name),
             ADMIN["calendar_saved"].format(year=year, month=month, due=f"{due_on:%Y-%m-%d}"))
    if reset.button(ADMIN["calendar_reset"], icon=":material/restart_alt:"):
        done(ad.set_deadline(year, month, None, who.name), ADMIN["saved"])


def push_tab():
    st.caption(ADMIN["push_help"])
    channels = ad.channels()
    if channels:
        st.dataframe(pd.DataFrame([dict(zip(ADMIN["channel_columns"], (
            c["name"], c["shown"], c["subscriptions"], c["created_by"], when(c["created_at"])))) for c in channels]),
            hide_index=True, width="stretch")
    else:
        st.info(ADMIN["no_channels"])
    left, right = st.columns(2)
    with left, st.form("channel_add", clear_on_submit=True):
        st.markdown(f"**{ADMIN['channel_add']}**")
        name = st.text_input(ADMIN["channel_name"])
        url = st.text_input(ADMIN["channel_url"], type="password", help=ADMIN["channel_url_help"])
        if st.form_submit_button(ADMIN["add"], icon=":material/add:"):
            done(ad.add_channel(name, url, who.name), ADMIN["channel_added"].format(name=name.strip()))
    with right:
        if channels:
            chosen = st.selectbox(ADMIN["channel_pick"], [c["name"] for c in channels], key="channel_pick")
            if st.button(ADMIN["channel_test"], icon=":material/send:"):
                ok, answer = ad.test_channel(chosen, who.name)
                (st.success if ok else st.error)(ADMIN["channel_tested" if ok else "channel_test_failed"]
                                                  .format(answer=answer))
            sure = st.checkbox(ADMIN["channel_remove_sure"].format(name=chosen), key="channel_remove_sure")
            if st.button(ADMIN["channel_remove"], disabled=not sure, icon=":material/delete:"):
                done(ad.remove_channel(chosen, who.name), ADMIN["channel_removed"].format(name=chosen))

    st.markdown(f"#### {ADMIN['subscriptions']}")
    subs = ad.subscriptions()
    if subs:
        st.dataframe(pd.DataFrame([dict(zip(ADMIN["subscription_columns"], (
            f"#{s['id']}", s["channel"], PUSH_KINDS[s["kind"]], s["region"], s["created_by"], when(s["created_at"]))))
            for s in subs]), hide_index=True, width="stretch")
    if channels:
        region_names = ["全市", *[r["name"] for r in data.config(version)["regions"]]]
        with st.form("subscribe", clear_on_submit=True):
            c1, c2, c3 = st.columns(3)
            channel = c1.selectbox(ADMIN["channel_pick"], [c["name"] for c in channels])
            kind = c2.selectbox(ADMIN["subscription_kind"], list(PUSH_KINDS), format_func=PUSH_KINDS.get)
            region = c3.selectbox(ADMIN["subscription_region"], region_names)
            st.caption(ADMIN["subscription_help"])
            if st.form_submit_button(ADMIN["subscribe"], icon=":material/notifications_active:"):
                done(ad.subscribe(channel, kind, None if region == "全市" else region, who.name), ADMIN["saved"])
    if subs:
        c1, c2 = st.columns([3, 1])
        chosen = c1.selectbox(ADMIN["subscription_pick"], [s["id"] for s in subs], key="subscription_pick",
                              format_func=lambda i: next(f"#{s['id']} {s['channel']} · {PUSH_KINDS[s['kind']]} · "
                                                         f"{s['region']}" for s in subs if s["id"] == i))
        if c2.button(ADMIN["unsubscribe"], icon=":material/notifications_off:"):
            done(ad.unsubscribe(chosen, who.name), ADMIN["saved"])

    st.markdown(f"#### {ADMIN['push_now']}")
    last = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    c1, c2, c3 = st.columns([1, 1, 2])
    year = c1.number_input(ADMIN["year"], min_value=2000, max_value=2100, value=last.year, key="push_year")
    month = c2.selectbox(ADMIN["calendar_month"], range(1, 13), index=last.month - 1, key="push_month",
                         format_func=lambda m: f"{m}月")
    if c3.button(ADMIN["push_now_button"], icon=":material/campaign:"):
        report, refusal = ad.push_briefing(Period(int(year), int(month)), who.name)
        if refusal:
            st.error(refusal)
        else:
            (st.error if report.failed else st.success)(ADMIN["push_done"].format(
                sent=report.sent, failed=report.failed))
            for line in report.lines:
                st.text(line.replace("\t", " · "))


def deliveries_tab():
    st.caption(ADMIN["deliveries_help"])
    limit = st.columns(4)[0].selectbox(ADMIN["audit_limit"], [100, 500, 2000], key="delivery_limit")
    rows = ad.deliveries(limit)
    if not rows:
        st.info(ADMIN["no_deliveries"])
        return
    st.dataframe(pd.DataFrame([dict(zip(ADMIN["delivery_columns"], (
        f"{r['at']:%Y-%m-%d %H:%M:%S}", r["channel"], PUSH_KINDS[r["kind"]], r["period"], r["title"] or r["subject"],
        ATTEMPT_RESULTS[r["result"]],
        DELIVERY_STATUS[r["status"]], "" if r["next_attempt_at"] is None else when(r["next_attempt_at"]),
        r["answer"]))) for r in rows]), hide_index=True, width="stretch", height=min(len(rows), 15) * 35 + 38)


def audit_tab():
    c1, c2, c3 = st.columns([2, 2, 1])
    action = c1.selectbox(ADMIN["audit_action"], ["", *AUDIT_ACTIONS], key="audit_action",
                          format_func=lambda a: AUDIT_ACTIONS.get(a, ADMIN["audit_all"]))
    actor = c2.text_input(ADMIN["audit_actor"], key="audit_actor")
    limit = c3.selectbox(ADMIN["audit_limit"], [100, 500, 2000], key="audit_limit")
    rows = ad.audit_entries(limit, action, actor.strip())
    if not rows:
        st.info(ADMIN["audit_empty"])
        return
    shown = ad.shown
    st.dataframe(pd.DataFrame([dict(zip(AUDIT_COLUMNS, (
        f"{r['at']:%Y-%m-%d %H:%M:%S}", r["actor"], AUDIT_ACTIONS.get(r["action"], r["action"]), r["target"] or "",
        shown(r["before"]), shown(r["after"])))) for r in rows]), hide_index=True, width="stretch",
        height=min(len(rows), 15) * 35 + 38)


for tab, draw in zip(tabs, (targets_tab, regions_tab, chains_tab, tags_tab, settings_tab, users_tab, links_tab,
                            calendar_tab, push_tab, deliveries_tab, audit_tab)):
    with tab:
        draw()
