"""The query of SPEC §4: a period (year, through-month) and a scope."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal


@dataclass(frozen=True, order=True)
class Period:
    """Year Y through month M; the window is 1 January Y … the last day of month M."""
    year: int
    month: int

    def __post_init__(self):
        if not 1 <= self.month <= 12:
            raise ValueError(f"月份应在1-12之间: {self.month}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2023-05' or '2023-5' → Period(2023, 5)."""
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
        if not m:
            raise ValueError(f"期间格式应为 YYYY-MM: {text}")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def time_progress_pct(self) -> Decimal:
        """序时进度: M ÷ 12 × 100, unrounded."""
        return Decimal(self.month) * 100 / 12

    def last_year(self) -> Period:
        return Period(self.year - 1, self.month)

    def previous_month(self) -> Period:
        """The month before; December of the previous year for January."""
        return Period(self.year, self.month - 1) if self.month > 1 else Period(self.year - 1, 12)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class Scope:
    """Which projects a figure covers. None everywhere = the whole city, all projects."""
    region_id: int | None = None
    chain_id: int | None = None
    min_amount: Decimal | None = None  # 亿元, e.g. Decimal("0.05") for ≥500万
    origin: str | None = None
    manufacturing_only: bool = False

    @property
    def is_whole_region(self) -> bool:
        """True when only the region is chosen: then annual targets apply."""
        return self == Scope(region_id=self.region_id)

    def with_region(self, region_id: int | None) -> Scope:
        return replace(self, region_id=region_id)

    def with_chain(self, chain_id: int | None) -> Scope:
        return replace(self, chain_id=chain_id)
