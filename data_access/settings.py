"""Every setting of the product, declared once with its default and help text.

Values come from the environment (``ZSDASH_<NAME>``). The README's configuration table is
generated from ``SETTINGS`` and a test checks that every setting is documented there.
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
            "by this or more is 红", Decimal),
    Setting("project_yellow_months", "3",
            "Project warning: signed (or started) this many months without progress turns 黄", int),
    Setting("project_red_months", "6",
            "Project warning: signed (or started) more than this many months without progress turns 红",
            int),
    Setting("ranking_weights", "signed_amount:40,funds_in_place:40,manufacturing_share_pct:10,signed_count:10",
            "County ranking: weight of each targeted indicator's completion in the composite score",
            _weights),
    Setting("ranking_completion_cap", "150",
            "County ranking: completion above this percentage earns no further score", Decimal),
    Setting("upload_max_mb", "20", "Upload: largest accepted file, in MB", int),
    Setting("upload_max_unpacked_mb", "300", "Upload: largest total uncompressed size of the workbook's parts, in MB",
            int),
    Setting("upload_max_ratio", "100", "Upload: largest compression ratio (uncompressed ÷ compressed); "
            "beyond it the file is treated as a decompression bomb", int),
    Setting("upload_max_rows", "200000", "Upload: most rows in one sheet", int),
    Setting("upload_max_columns", "200", "Upload: most columns in one sheet", int),
    Setting("parse_memory_mb", "2048", "Upload: memory limit of each worker process that reads a workbook (two "
            "per upload: the largest sheet, the others), in MB", int),
    Setting("parse_timeout_seconds", "60", "Upload: time limit of the worker processes that read a workbook", int),
]

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str):
    """The parsed value of setting ``name``: environment first, then the default."""
    setting = _BY_NAME[name]
    return setting.parse(os.environ.get(setting.env, setting.default))
