"""The one door from pages to the metric engine: shared engine, cached queries keyed by the
filters and the data version (bumped by every import), so an upload shows everywhere at once."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from data_access import accounts, db, geo, settings
from data_access.annotate import annotate
from data_access.batches import archived_file, list_batches, rollback_batch
from data_access.config import chains, region_id, regions
from data_access.importer import ImportRejected, import_workbook
from data_access.periods import data_years, has_projects, latest_period
from data_access.template import build_template
from metrics.briefing import briefing
from metrics.figures import overview as overview_figures
from metrics.measures import drill_down
from metrics.period import Period, Scope
from metrics.ranking import county_ranking
from metrics.reporting import reporting as reporting_of
from metrics.trend import cumulative_trend
from reports import content, images


@st.cache_resource(show_spinner="正在准备数据库…")
def engine():
    images.warm_up()  # process start-up, like the engine: not in any page's time
    eng = db.engine_for(None)
    db.upgrade(eng)
    if settings.get("auto_demo"):
        with eng.connect() as conn:
            empty = not has_projects(conn)
        if empty:
            from sample_data.load import load_demo
            load_demo(eng)
    return eng


def data_version() -> int:
    """The data version; installs the admin's thresholds and weights for this process on the way."""
    with engine().connect() as conn:
        return db.refresh(conn)


def is_demo() -> bool:
    with engine().connect() as conn:
        return db.is_demo(conn)


def has_accounts() -> bool:
    with engine().connect() as conn:
        return accounts.has_accounts(conn)


def demo_accounts() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(name, password, role, regions) of the demo accounts, on a demo database only; else empty."""
    if not is_demo():
        return []
    from sample_data.load import DEMO_ACCOUNTS
    with engine().connect() as conn:
        return [a for a in DEMO_ACCOUNTS if accounts.get_account(conn, a[0]) is not None]


@st.cache_data(show_spinner=False)
def config(version: int) -> dict:
    with engine().connect() as conn:
        return {"regions": regions(conn), "chains": chains(conn), "latest": latest_period(conn),
                "years": data_years(conn)}


@st.cache_data(show_spinner=False, max_entries=512)
def overview(period: Period, scope: Scope, version: int) -> dict:
    with engine().connect() as conn:
        return briefing(conn, period, scope)


@st.cache_data(show_spinner=False, max_entries=256)
def ranking(period: Period, version: int) -> list[dict]:
    with engine().connect() as conn:
        return county_ranking(conn, period)


@st.cache_data(show_spinner=False, max_entries=256)
def projects_behind(measure: str, period: Period, scope: Scope, version: int) -> list[dict]:
    with engine().connect() as conn:
        return drill_down(conn, measure, period, scope)


@st.cache_data(show_spinner=False)
def shapes(version: int) -> list[dict]:
    """The county boundaries (data_access.geo), [] when none were uploaded."""
    with engine().connect() as conn:
        return geo.shapes(conn)


@st.cache_data(show_spinner=False, max_entries=64)
def reporting(period: Period, today: dt.date, version: int) -> dict:
    """上报进度 of ``period`` as of ``today`` (metrics.reporting)."""
    with engine().connect() as conn:
        return reporting_of(conn, period, today)


# ---- uploads (数据上报): not cached, they write or depend on the uploaded bytes

@st.cache_data(show_spinner=False)
def template(version: int) -> bytes:
    with engine().connect() as conn:
        return build_template(conn)


def _rights(account: accounts.Account) -> dict:
    """The importer's arguments for an upload by ``account`` (its name, regions and target right)."""
    allowed, targets = accounts.upload_rights(account)
    return {"user": account.name, "allowed_regions": allowed, "targets_allowed": targets}


@dataclass
class Checked:
    """A dry run's outcome: the result (with the figures as they would become, ``inspected``) or the
    problems; the batch's region (None: 全市) and the counties the rows name, when known."""
    result: object | None
    problems: list | None
    region: str | None
    named: list[str]
    before: dict | None = None  # the figures of the batch's region as they are now


def check_upload(content: bytes, name: str, period: Period, region: str | None,
                 account: accounts.Account) -> Checked:
    """Dry run as ``account`` for ``region`` (None: the region the rows name, see import_workbook)."""
    def figures(conn, result=None):
        return overview_of(conn, period, result.region if result else None)
    try:
        result = import_workbook(engine(), content, name, period.year, period.month, region, dry_run=True,
                                 inspect=figures, **_rights(account))
    except ImportRejected as exc:
        return Checked(None, exc.problems, exc.region, exc.named)
    with engine().connect() as conn:
        before = overview_of(conn, period, result.region)
    return Checked(result, None, result.region, result.named, before)


def commit_upload(content: bytes, name: str, period: Period, region: str | None, account: accounts.Account):
    try:
        return import_workbook(engine(), content, name, period.year, period.month, region,
                               **_rights(account)), None
    except ImportRejected as exc:
        return None, exc.problems


def overview_of(conn, period: Period, region: str | None) -> dict:
    return overview_figures(conn, period, Scope(region_id=region_id(conn, region)))


def annotated(content: bytes, problems) -> tuple[bytes, bool]:
    """The workbook with the problems marked (.xlsx), and whether it is a copy of what was read."""
    return annotate(content, problems)


@st.cache_data(show_spinner=False)
def batches(version: int) -> list[dict]:
    with engine().connect() as conn:
        return list_batches(conn)


def original_file(batch_id: int) -> bytes | None:
    with engine().connect() as conn:
        return archived_file(conn, batch_id)


def rollback(batch_id: int, user: str) -> tuple[list[int], str | None]:
    """(the batches current again, None) on success, else ([], the reason in Chinese)."""
    try:
        return rollback_batch(engine(), batch_id, user=user), None
    except ImportRejected as exc:
        return [], exc.problems[0].message


@st.cache_data(show_spinner=False, max_entries=256)
def trend(period: Period, scope: Scope, measure: str, version: int) -> list[dict]:
    with engine().connect() as conn:
        return cumulative_trend(conn, period, scope, measure)


@st.cache_data(show_spinner=False, max_entries=256)
def by_region(period: Period, scope: Scope, version: int) -> list[dict]:
    """Base measures per region (every configured region, zeros included), in the regions' order."""
    with engine().connect() as conn:
        return content.by_region(conn, period, scope)


@st.cache_data(show_spinner=False, max_entries=64)
def briefing_content(period: Period, scope: Scope, scope_label: str, version: int) -> content.Briefing:
    """Everything the 简报 and the 大屏 show (and the exports draw)."""
    with engine().connect() as conn:
        return content.gather(conn, period, scope, scope_label)


@st.cache_data(show_spinner=False, max_entries=16)
def briefing_png(period: Period, scope: Scope, scope_label: str, version: int) -> bytes:
    from reports.png import briefing_png as render
    return render(briefing_content(period, scope, scope_label, version))


@st.cache_data(show_spinner=False, max_entries=16)
def briefing_docx(period: Period, scope: Scope, scope_label: str, version: int) -> bytes:
    from reports.word import briefing_docx as render
    with engine().connect() as conn:
        return render(content.gather(conn, period, scope, scope_label, with_counties=True))


@st.cache_data(show_spinner=False, max_entries=16)
def screen_images(period: Period, version: int, panel: int = 0) -> dict[str, str]:
    """The 大屏 charts (SVG data URIs) of the whole city for ``period``, of middle row ``panel``."""
    from ui.bigscreen import panel_charts
    return panel_charts(briefing_content(period, Scope(), "全市", version), panel)
