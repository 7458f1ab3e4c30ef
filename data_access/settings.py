"""Every setting of the product, declared once with its default and help text.

Values come from the environment (``ZSDASH_<NAME>``). Settings marked ``editable`` (thresholds and
weights) can also be changed by an admin on the 管理 page: that value is kept in the database and
overrides the environment in every app process and the CLI (see ``load_overrides``). The README's
configuration table lists ``SETTINGS`` and a test checks that every setting is documented there.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    parse: Callable[[str], object] = str
    editable: bool = False  # an admin may change it on the 管理 page (kept in the database)

    @property
    def env(self) -> str:
        return f"ZSDASH_{self.name.upper()}"


def _bool(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


def _weights(text: str) -> dict[str, Decimal]:
    pairs = (item.split(":") for item in text.split(",") if item.strip())
    return {key.strip(): Decimal(value.strip()) for key, value in pairs}


SETTINGS = [
    Setting("database_url", "sqlite:///data/zsdash.db",
            "SQLAlchemy URL of the shared database; PostgreSQL as postgresql+psycopg://user@host/db"),
    Setting("auto_demo", "1",
            "Load the demo data when the app starts on an empty database (set 0 in production)", _bool),
    Setting("warning_yellow_pp", "10",
            "Region warning: behind time progress by less than this many percentage points is 黄, "
            "by this or more is 红", Decimal, editable=True),
    Setting("project_yellow_months", "3",
            "Project warning: signed (or started) this many months without progress turns 黄", int, editable=True),
    Setting("project_red_months", "6",
            "Project warning: signed (or started) more than this many months without progress turns 红",
            int, editable=True),
    Setting("ranking_weights", "signed_amount:40,funds_in_place:40,manufacturing_share_pct:10,signed_count:10",
            "County ranking: weight of each targeted indicator's completion in the composite score",
            _weights, editable=True),
    Setting("ranking_completion_cap", "150",
            "County ranking: completion above this percentage earns no further score", Decimal, editable=True),
    Setting("upload_max_mb", "20", "Upload: largest accepted file, in MB", int),
    Setting("upload_max_unpacked_mb", "300", "Upload: largest total uncompressed size of the workbook's parts, in MB "
            "(as declared, and as they actually inflate); beyond it the file is treated as a decompression bomb",
            int),
    Setting("map_max_mb", "5", "Map: largest accepted county boundary file (GeoJSON), in MB", int),
    Setting("upload_max_rows", "200000", "Upload: most rows in one sheet", int),
    Setting("upload_max_columns", "200", "Upload: most columns in one sheet", int),
    Setting("parse_memory_mb", "2048", "Upload: memory limit of each worker process that reads a workbook (two "
            "per upload: the largest sheet, the others), in MB", int),
    Setting("cjk_font_dir", "",
            "Folder holding NotoSansCJK-Regular.ttc / -Bold.ttc for exported images and Word files; empty = "
            "Debian's fonts-noto-cjk location"),
    Setting("screen_refresh_seconds", "60", "大屏: seconds between automatic refreshes (a new upload appears "
            "within this time)", int),
    Setting("screen_rotate", "0", "大屏: rotate between the panels at each refresh (also ?rotate=1 in the URL)", _bool),
    Setting("parse_timeout_seconds", "60", "Upload: time limit of the worker processes that read a workbook", int),
    Setting("session_timeout_minutes", "30",
            "Accounts: a signed-in browser session without activity for this many minutes must sign in again", int),
    Setting("login_max_failures", "6",
            "Accounts: wrong passwords allowed for one user name within the throttle window; the next "
            "attempt is refused even with the right password", int),
    Setting("login_window_seconds", "60", "Accounts: the login throttle's window, in seconds", int),
    Setting("password_min_length", "8", "Accounts: shortest accepted password", int),
    Setting("report_deadline_day", "5", "上报进度: month M's reports are due on this day of month M+1 (an admin may "
            "move one month's deadline on 管理)", int),
    Setting("reminder_days_before", "2", "Push: reporting reminders go this many days before the deadline, and "
            "again on the deadline, naming the regions not yet reported", int),
    Setting("push_hour", "9", "Push: the hour (0-23) at which reminders and the monthly briefing go; the "
            "briefing for month M goes the day after its deadline", int),
    Setting("public_url", "", "Push: the app's address as leaders open it (e.g. https://zsdash.example.gov.cn); "
            "messages link to it when set"),
    Setting("push_timeout_seconds", "10", "Push: seconds to wait for a channel to connect and to answer", int),
    Setting("push_max_attempts", "5", "Push: a failed delivery is tried this many times in all, then given up", int),
    Setting("push_retry_minutes", "10", "Push: wait before the first retry of a failed delivery; each further "
            "retry waits twice as long", int),
    Setting("push_catch_up_hours", "72", "Push: a briefing or reminder whose time passed more than this many hours "
            "ago is not sent (a new subscription does not receive old months; a stopped timer catches up)", int),
    Setting("wecom_robot_url", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
            "Push: the WeChat Work group robot endpoint (change it for 政务微信 or another private deployment)"),
    Setting("dingtalk_robot_url", "https://oapi.dingtalk.com/robot/send",
            "Push: the DingTalk group robot endpoint (change it for 专有钉钉 / 政务钉钉)"),
]

_BY_NAME = {s.name: s for s in SETTINGS}
EDITABLE = [s for s in SETTINGS if s.editable]
OVERRIDE_PREFIX = "setting."  # key prefix of the overrides in the ``meta`` table
_overrides: dict[str, str] = {}


def get(name: str):
    """The parsed value of setting ``name``: the admin's value (database) first, then the
    environment, then the default."""
    setting = _BY_NAME[name]
    text = _overrides.get(name)
    if text is None:
        text = os.environ.get(setting.env, setting.default)
    return setting.parse(text)


def setting(name: str) -> Setting:
    return _BY_NAME[name]


def env_value(name: str) -> str:
    """The text of setting ``name`` without the admin's value: environment, else default."""
    s = _BY_NAME[name]
    return os.environ.get(s.env, s.default)


def use_overrides(values: dict[str, str]) -> None:
    """Install the admin's values (name -> text) for this process, replacing the previous ones.
    Called with what the database holds whenever its data version changes (data_access.db)."""
    global _overrides
    _overrides = {k: v for k, v in values.items() if k in _BY_NAME and _BY_NAME[k].editable}
