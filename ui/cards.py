"""Headline cards as HTML: the 简报 page (light) and the 大屏 (dark) show label, value and a note
coloured by progress against 序时进度 (蓝 on or ahead, 红 behind); the 总览, 产业链, 重点企业 and 驻点招商
show KPI cards with more lines each (``Kpi``), in grids of their own.

A row of KPI cards is one HTML element rather than one st.metric per figure: a leader's first view of
the dashboard is the 总览's cards, and each element Streamlit sends is a message the browser renders
on its own (ten metrics in columns are some thirty), which made the cards show ~0.1 s later."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from reports import format as fmt
from reports.content import Headline

STATUS_CLASS = {"ahead": "ahead", "behind": "behind", None: "plain"}


def cards_html(headlines: list[Headline], css_class: str = "cards") -> str:
    return f'<div class="{css_class}">' + "".join(
        f'<div class="card {STATUS_CLASS[h.status]}" data-testid="headline-card">'
        f'<div class="label">{escape(h.label)}</div><div class="value">{escape(h.value)}</div>'
        f'<div class="note">{"<br>".join(escape(part) for part in h.note.split(" · "))}</div></div>'
        for h in headlines) + "</div>"


@dataclass(frozen=True)
class Kpi:
    """One 总览 card: the figure, then lines of (text, tone); a tone 'up' / 'down' colours a change
    (green / red), 'ahead' / 'behind' progress against 序时进度 (blue / red), 'muted' an absence.
    ``status`` ('ahead' / 'behind' / None) colours the card's left edge."""
    label: str
    value: str
    lines: tuple[tuple[str, str], ...] = ()
    status: str | None = None


KPI_VALUE = '[data-testid="kpi-card"] .value'  # the figures on screen (first paint, browser tests, bench)
KPI_CSS = """<style>
.kpis {display: grid; gap: 14px; margin-bottom: 14px}
.kpi {border: 1px solid rgba(128, 128, 128, .35); border-left: 5px solid rgba(128, 128, 128, .55);
      border-radius: 8px; padding: 10px 16px 12px}
.kpi.ahead {border-left-color: #1f6fd1} .kpi.behind {border-left-color: #c62828}
.kpi .label {font-size: .95rem; opacity: .75}
.kpi .value {font-size: 2.1rem; font-weight: 600; line-height: 1.3; white-space: nowrap}
.kpis.small .value {font-size: 1.55rem}
.kpi .line {font-size: .88rem; line-height: 1.5}
.kpi .up {color: #09ab3b} .kpi .down, .kpi .behind {color: #c62828} .kpi .ahead {color: #1f6fd1}
.kpi .muted {opacity: .6}
@media (max-width: 640px) {  /* a phone: two cards a row, figures that fit */
  .kpis {grid-template-columns: repeat(2, minmax(0, 1fr)) !important; gap: 10px}
  .kpi {padding: 8px 10px 10px} .kpi .value {font-size: 1.45rem} .kpis.small .value {font-size: 1.2rem}
  .kpi .label {font-size: .85rem} .kpi .line {font-size: .78rem}
}
</style>"""


def kpi_grid_html(cards: list[Kpi], small: bool = False, css: bool = True) -> str:
    """The cards in one row of equal columns (``small``: smaller figures), after their style sheet
    (leave it out, ``css=False``, for a second row in the same element)."""
    return ((KPI_CSS if css else "") + f'<div class="kpis{" small" if small else ""}" '
            f'style="grid-template-columns: repeat({len(cards)}, minmax(0, 1fr))">' + "".join(
                f'<div class="kpi {STATUS_CLASS[k.status]}" data-testid="kpi-card">'
                f'<div class="label">{escape(k.label)}</div><div class="value">{escape(k.value)}</div>'
                + "".join(f'<div class="line {tone}">{escape(text)}</div>' for text, tone in k.lines)
                + "</div>" for k in cards) + "</div>")


def change_line(prefix: str, value, suffix: str = "%", absent: str = "") -> tuple[str, str]:
    """A change as a card line: "同比 ▲ +12.30%" (up) or "同比 ▼ -4.00%" (down); ``absent`` when None."""
    if value is None:
        return absent, "muted"
    arrow, tone = ("▲", "up") if value >= 0 else ("▼", "down")
    return f"{prefix} {arrow} {fmt.signed_pct(value, suffix)}", tone
