"""Display formatting: amounts in 亿元 and percentages with 2 decimals, rounded half up."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def two(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def amount(value) -> str:
    return "—" if value is None else f"{two(value)} 亿元"


def percent(value) -> str:
    return "—" if value is None else f"{two(value)}%"


def count(value, unit: str = "个") -> str:
    return "—" if value is None else f"{value:,} {unit}"


def signed_pct(value, suffix: str = "%") -> str | None:
    """'+12.30%' / '-4.00%' for st.metric deltas; None hides the delta."""
    if value is None:
        return None
    text = two(value)
    return f"{'+' if Decimal(value) >= 0 else ''}{text}{suffix}"
