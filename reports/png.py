"""The briefing as one 16:9 picture (1920×1080 × scale), drawn with Pillow: title, headline figures,
two charts rendered by vl-convert, the paragraph, source and time — for slides and documents."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw

from reports import charts
from reports.content import Briefing
from reports.images import chart_png, font

WIDTH, HEIGHT = 1920, 1080
MARGIN = 60
INK, MUTED, RULE = "#1a1a1a", "#666666", "#dddddd"
STATUS_INK = {"ahead": charts.SECONDARY, "behind": charts.PRIMARY, None: MUTED}
# no line may start with these (Chinese line-breaking rule)
NO_LINE_START = set(",。、;:?!)》」”’%,.;:?!)")


def wrap(text: str, size: int, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` pixels at ``size`` (character by character,
    as Chinese is set), never starting a line with closing punctuation."""
    f = font(size)
    lines, line = [], ""
    for ch in text:
        if line and f.getlength(line + ch) > width and ch not in NO_LINE_START:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line else lines


def briefing_png(b: Briefing, scale: int = 1) -> bytes:
    """The picture of ``b``: 16:9, ``1920 × scale`` pixels wide."""
    s = scale
    img = Image.new("RGB", (WIDTH * s, HEIGHT * s), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, WIDTH * s, 10 * s], fill=charts.PRIMARY)
    draw.text((MARGIN * s, 34 * s), b.title, font=font(46 * s, bold=True), fill=INK)
    draw.text((MARGIN * s, 100 * s), b.subtitle, font=font(24 * s), fill=MUTED)

    cards = b.headlines
    gap = 20
    card_w = (WIDTH - 2 * MARGIN - gap * (len(cards) - 1)) / len(cards)
    for i, h in enumerate(cards):
        x, y = (MARGIN + i * (card_w + gap)) * s, 150 * s
        draw.rounded_rectangle([x, y, x + card_w * s, y + 150 * s], radius=8 * s, outline=RULE, width=2 * s)
        draw.rectangle([x, y + 8 * s, x + 6 * s, y + 142 * s], fill=STATUS_INK[h.status])
        draw.text((x + 22 * s, y + 14 * s), h.label, font=font(22 * s), fill=MUTED)
        draw.text((x + 22 * s, y + 48 * s), h.value, font=font(40 * s, bold=True), fill=INK)
        for j, line in enumerate(h.note.split(" · ")[:2]):
            draw.text((x + 22 * s, y + (102 + 22 * j) * s), line, font=font(17 * s), fill=STATUS_INK[h.status])

    chart_w, chart_h = (WIDTH - 2 * MARGIN - 40) // 2, 400
    for i, chart in enumerate(picture_charts(b, chart_w, chart_h)):
        pic = Image.open(io.BytesIO(chart_png(chart, scale=s)))
        pic.thumbnail((chart_w * s, chart_h * s))
        img.paste(pic, ((MARGIN + i * (chart_w + 40)) * s, 330 * s))

    draw.line([MARGIN * s, 750 * s, (WIDTH - MARGIN) * s, 750 * s], fill=RULE, width=2 * s)
    size = 26 if len(wrap(b.text, 26 * s, (WIDTH - 2 * MARGIN) * s)) <= 6 else 21  # long ones still fit
    lines = wrap(b.text, size * s, (WIDTH - 2 * MARGIN) * s)
    for j, line in enumerate(lines[:8]):
        draw.text((MARGIN * s, (772 + j * size * 1.55) * s), line, font=font(size * s), fill=INK)
    draw.text((MARGIN * s, 1036 * s), b.footer, font=font(17 * s), fill=MUTED)

    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def picture_charts(b: Briefing, width: int, height: int) -> list:
    """The two charts of the picture: the cumulative trend, and the counties (or, for one county,
    its chains) by contract amount; sized so the rendered chart is about ``width`` × ``height``."""
    inner_w, inner_h = width - 80, height - 90
    trend = charts.trend_chart(b.trend, "signed_amount", height=inner_h, width=inner_w,
                               title="合同投资额累计趋势(亿元)")
    if b.scope_label == "全市" or not b.chains:
        bars = charts.bar_chart(charts.region_frame(b.regions), "县区", "合同投资额", unit="亿元", height=inner_h,
                                width=inner_w, title="各县区合同投资额(亿元)")
    else:
        bars = charts.bar_chart(charts.chain_frame(b.chains), "产业链", "合同投资额", unit="亿元", height=inner_h,
                                width=inner_w, title="各产业链合同投资额(亿元)")
    return [charts.themed(c, charts.LIGHT, font_size=14) for c in (trend, bars)]
