"""管理 at the page boundary: reads for the admin page and changes made in one transaction each,
returning the refusal (Chinese) instead of raising. Not cached: admins need to see their change."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from urllib.parse import urlsplit

import streamlit as st

from data_access import accounts, audit, calendar, config, geo, notify, settings, targets
from data_access.config import ConfigError
from data_access.targets import TargetsRejected
from ui import auth, data

Refusal = str | None


def _change(fn: Callable, *args, **kwargs) -> tuple[object, Refusal]:
    """(what ``fn(conn, …)`` returned, None) or (None, the refusal), in one transaction."""
    try:
        with data.engine().begin() as conn:
            return fn(conn, *args, **kwargs), None
    except TargetsRejected as exc:
        return None, ";".join(str(p) for p in exc.problems)
    except (ConfigError, accounts.AccountError) as exc:
        return None, str(exc)


def _read(fn: Callable, *args, **kwargs):
    with data.engine().connect() as conn:
        return fn(conn, *args, **kwargs)


# ---- targets

def target_grid(year: int) -> tuple[list[str], list[str], dict]:
    """(region names with 全市 first, indicators, (region, indicator) -> value) of ``year``."""
    with data.engine().connect() as conn:
        return targets.region_names(conn), targets.indicators(conn), targets.target_grid(conn, year)


def save_targets(year: int, values: dict, actor: str) -> tuple[int | None, Refusal]:
    return _change(targets.save_targets, year, values, actor)


def targets_from_workbook(content: bytes):
    return _read(targets.targets_from_workbook, content)


def save_uploaded_targets(found: dict[int, dict], actor: str) -> tuple[int | None, Refusal]:
    def save_all(conn):
        return sum(targets.save_targets(conn, year, values, actor) for year, values in sorted(found.items()))
    return _change(save_all)


# ---- regions, chains, tags

def region_table() -> list[dict]:
    return _read(config.region_table)


def chain_table() -> list[dict]:
    return _read(config.chain_table)


def tags() -> list[dict]:
    return _read(config.tags)


def add_region(name: str, kind: str, aliases: str, actor: str) -> Refusal:
    return _change(config.add_region, name, kind, tuple(config.split_names(aliases)), actor=actor)[1]


def set_region_aliases(name: str, aliases: str, actor: str) -> Refusal:
    return _change(config.set_region_aliases, name, config.split_names(aliases), actor)[1]


def add_chain(name: str, actor: str) -> Refusal:
    return _change(config.add_chain, name, actor=actor)[1]


def set_chain_aliases(name: str, aliases: str, actor: str) -> Refusal:
    return _change(config.set_chain_aliases, name, config.split_names(aliases), actor)[1]


def add_tag(name: str, kind: str, actor: str) -> Refusal:
    return _change(config.add_tag, name, kind, actor)[1]


# ---- thresholds and weights

def setting_values() -> dict[str, dict]:
    return _read(config.setting_values)


def save_settings(wanted: dict[str, str], actor: str) -> tuple[int | None, Refusal]:
    """Store the settings whose value differs from the one in force (compared as values, so 10 and
    10.0 are the same); returns how many changed."""
    current = setting_values()
    changes = {}
    for name, text in wanted.items():
        parse = settings.setting(name).parse
        try:
            same = parse(text) == parse(current[name]["text"])
        except (ValueError, ArithmeticError):
            same = False
        if not same:
            changes[name] = text
    if not changes:
        return 0, None
    return _change(config.save_settings, changes, actor)


def reset_setting(name: str, actor: str) -> Refusal:
    return _change(config.reset_setting, name, actor)[1]


def weights(text: str) -> dict[str, Decimal]:
    return settings.setting("ranking_weights").parse(text)


def weights_text(weights: dict[str, Decimal]) -> str:
    """The ranking_weights setting's text for ``weights`` (metric -> weight), zero weights left out."""
    return ",".join(f"{k}:{format(v.normalize(), 'f')}" for k, v in weights.items() if v)


# ---- users

def users() -> list[accounts.Account]:
    return _read(accounts.list_accounts)


def create_user(name: str, role: str, regions: list[str], password: str, actor: str) -> Refusal:
    return _change(accounts.create_user, name, role, password, regions, actor=actor)[1]


def update_user(name: str, role: str, regions: list[str], actor: str) -> Refusal:
    return _change(accounts.update_user, name, role, regions, actor=actor)[1]


def reset_password(name: str, password: str, actor: str) -> Refusal:
    return _change(accounts.reset_password, name, password, actor=actor)[1]


def set_disabled(name: str, disabled: bool, actor: str) -> Refusal:
    return _change(accounts.set_disabled, name, disabled, actor=actor)[1]


# ---- display links

def display_links() -> list[dict]:
    return _read(accounts.list_display_links)


def create_display_link(label: str, actor: str) -> tuple[tuple[int, str] | None, Refusal]:
    return _change(accounts.create_display_link, label, actor)


def revoke_display_link(link_id: int, actor: str) -> Refusal:
    return _change(accounts.revoke_display_link, link_id, actor)[1]


def display_url(token: str) -> str:
    """The address a meeting-room screen opens: this server's big screen with the token."""
    path = f"/{auth.DISPLAY_HOME}?token={token}"
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    path = f"/{base}{path}" if base else path
    url = st.context.url
    if not url:
        return path
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{path}"


# ---- county boundaries (the map)

def shape_regions() -> list[str]:
    return [s["region"] for s in _read(geo.shapes)]


def check_boundaries(content: bytes) -> tuple[geo.Boundaries | None, list[str]]:
    """(what the file holds, []) or (None, every problem)."""
    try:
        return _read(geo.read_boundaries, content), []
    except geo.MapRejected as exc:
        return None, exc.problems


def save_boundaries(content: bytes, actor: str) -> Refusal:
    try:
        with data.engine().begin() as conn:
            geo.save_boundaries(conn, content, actor)
    except geo.MapRejected as exc:
        return ";".join(exc.problems)
    return None


# ---- reporting calendar

def deadlines(year: int) -> list[dict]:
    return _read(calendar.deadlines, year)


def set_deadline(year: int, month: int, due_on, actor: str) -> Refusal:
    return _change(calendar.set_deadline, year, month, due_on, actor)[1]


# ---- push: channels, subscriptions, deliveries

def channels() -> list[dict]:
    return _read(notify.channels)


def add_channel(name: str, url: str, actor: str) -> Refusal:
    return _change(notify.add_channel, name, url, actor)[1]


def remove_channel(name: str, actor: str) -> Refusal:
    return _change(notify.remove_channel, name, actor)[1]


def test_channel(name: str, actor: str) -> tuple[bool, str]:
    from reports.push import test_channel
    try:
        return test_channel(data.engine(), name, actor)
    except ConfigError as exc:
        return False, str(exc)


def subscriptions() -> list[dict]:
    return [{k: v for k, v in s.items() if k != "url"} for s in _read(notify.subscriptions)]


def subscribe(channel: str, kind: str, region: str | None, actor: str) -> Refusal:
    return _change(notify.subscribe, channel, kind, region, actor)[1]


def unsubscribe(subscription_id: int, actor: str) -> Refusal:
    return _change(notify.unsubscribe, subscription_id, actor)[1]


def deliveries(limit: int) -> list[dict]:
    return _read(notify.attempts, limit)


def push_briefing(period, actor: str):
    """Send ``period``'s briefing now to every briefing subscription: (the run's report, refusal)."""
    from reports.push import push_now
    try:
        return push_now(data.engine(), period, actor), None
    except ConfigError as exc:
        return None, str(exc)


# ---- audit log

shown = audit.shown


def audit_entries(limit: int, action: str | None, actor: str | None) -> list[dict]:
    return _read(audit.entries, limit=limit, action=action or None, actor=actor or None)
