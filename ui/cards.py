"""Headline cards as HTML, shared by the 简报 page (light) and the 大屏 (dark): label, value and a
note coloured by progress against 序时进度 (蓝 on or ahead, 红 behind)."""
from __future__ import annotations

from html import escape

from reports.content import Headline

STATUS_CLASS = {"ahead": "ahead", "behind": "behind", None: "plain"}


def cards_html(headlines: list[Headline], css_class: str = "cards") -> str:
    return f'<div class="{css_class}">' + "".join(
        f'<div class="card {STATUS_CLASS[h.status]}" data-testid="headline-card">'
        f'<div class="label">{escape(h.label)}</div><div class="value">{escape(h.value)}</div>'
        f'<div class="note">{"<br>".join(escape(part) for part in h.note.split(" · "))}</div></div>'
        for h in headlines) + "</div>"
