"""The 大屏 as one HTML document: a 16:9 grid sized in viewport units, so it fits 1920×1080 with no
scrolling, scales to 3840×2160, and re-flows into one row on wide LED walls (5760×1080). Charts are
server-rendered SVG images (vl-convert), which scale with their cells; the ranking runs as a ticker."""
from __future__ import annotations

import base64
from html import escape

from data_access import settings
from labels import SCREEN, WARNING_COLORS, WARNING_LABELS
from metrics.activities import ACTIVITY_KEYS
from metrics.briefing import briefing_text
from metrics.figures import yoy_pct
from reports import charts
from reports import format as fmt
from reports.content import Briefing, map_rows
from reports.images import chart_svg
from ui.cards import cards_html, change_line
from ui.ranking_data import rank_change_text

# 1u = 1% of the width of the largest 16:9 box that fits the viewport
CSS = """<style>
header[data-testid="stHeader"], section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] {display: none !important}
.stApp, [data-testid="stMain"] {background: #06142b !important}
[data-testid="stMainBlockContainer"] {padding: 0 !important; max-width: none !important}
[data-testid="stMainBlockContainer"] .stVerticalBlock {gap: 0 !important}
.stElementContainer[data-stale="true"] {opacity: 1 !important; transition: none !important}
.screen {--u: min(1vw, 1.7778vh); box-sizing: border-box; width: 100vw; height: 100vh; overflow: hidden;
  padding: calc(var(--u) * 1) calc(var(--u) * 1.4); display: grid; gap: calc(var(--u) * 0.8);
  grid-template-columns: 1fr; grid-template-rows: auto auto minmax(0, 1fr) auto;
  grid-template-areas: "head" "cards" "main" "ticker";
  color: #e8f0ff; font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif;
  background: radial-gradient(ellipse at top, #0d2a55 0%, #06142b 70%)}
.screen .head {grid-area: head; display: flex; justify-content: space-between; align-items: baseline;
  border-bottom: 2px solid #1e3a66; padding-bottom: calc(var(--u) * 0.4)}
.screen .head h1 {font-size: calc(var(--u) * 2.4); margin: 0; padding: 0; color: #fff; letter-spacing: .08em;
  font-weight: 700; line-height: 1.2}
.screen .head .meta {font-size: calc(var(--u) * 1.05); color: #9fb7dd; text-align: right}
.screen .head .meta b {color: #ffca28; font-weight: 600}
.screen .cards {grid-area: cards; display: grid; grid-template-columns: repeat(6, minmax(0, 1fr));
  gap: calc(var(--u) * 0.8)}
.screen .card {background: rgba(20, 52, 102, .55); border: 1px solid #1e4a85; border-radius: calc(var(--u) * .5);
  border-top: calc(var(--u) * .3) solid #7f8ea3; padding: calc(var(--u) * .6) calc(var(--u) * .9); min-width: 0}
.screen .card.ahead {border-top-color: #29b6f6} .screen .card.behind {border-top-color: #ef5350}
.screen .card .label {font-size: calc(var(--u) * 1.05); color: #9fb7dd; white-space: nowrap}
.screen .card .value {font-size: calc(var(--u) * 2.1); font-weight: 700; color: #fff; white-space: nowrap;
  line-height: 1.25}
.screen .card .note {font-size: calc(var(--u) * .85); color: #9fb7dd; line-height: 1.35; white-space: nowrap}
.screen .card.ahead .note {color: #4fc3f7} .screen .card.behind .note {color: #ff8a80}
.screen .main {grid-area: main; display: grid; grid-template-columns: 1.25fr 1fr .8fr; gap: calc(var(--u) * .8);
  min-height: 0}
.screen .panel {background: rgba(11, 29, 58, .85); border: 1px solid #1e3a66; border-radius: calc(var(--u) * .5);
  padding: calc(var(--u) * .6); display: flex; flex-direction: column; min-height: 0; min-width: 0}
.screen .panel h2 {font-size: calc(var(--u) * 1.15); margin: 0 0 calc(var(--u) * .3); padding: 0; color: #cfe3ff;
  font-weight: 600; line-height: 1.3}
.screen .panel img {flex: 1; min-height: 0; width: 100%; object-fit: contain}
.screen .panel h3 {font-size: calc(var(--u) * .95); margin: calc(var(--u) * .5) 0 0; padding: 0; color: #9fb7dd;
  font-weight: 600; line-height: 1.3}
.screen .grid {flex: 1 1 0; min-height: 0; display: grid; grid-auto-rows: minmax(0, 1fr); align-items: center;
  font-size: calc(var(--u) * 1.0)}
.screen .grid > span {padding: 0 calc(var(--u) * .3); border-bottom: 1px solid #1e3a66; white-space: nowrap;
  overflow: hidden; height: 100%; display: flex; align-items: center; min-width: 0}
.screen .grid > span.num {justify-content: flex-end; font-variant-numeric: tabular-nums}
.screen .grid > span.th {color: #9fb7dd; font-size: calc(var(--u) * .85)}
.screen .grid.rank {grid-template-columns: auto minmax(0, 1fr) auto auto auto}
.screen .grid.chaintable {grid-template-columns: minmax(0, 1.4fr) .6fr 1fr 1.2fr 1fr}
.screen .grid.regiontable {grid-template-columns: minmax(0, 1.3fr) 1fr 1fr}
.screen i.up {color: #66bb6a; font-style: normal} .screen i.down {color: #ef5350; font-style: normal}
.screen i.muted {color: #9fb7dd; font-style: normal}
.screen .chaintiles {display: grid; grid-template-columns: 1fr 1fr; gap: calc(var(--u) * .5)}
.screen .chaintiles div {background: rgba(20, 52, 102, .55); border-radius: calc(var(--u) * .4); min-width: 0;
  padding: calc(var(--u) * .4) calc(var(--u) * .6); border-left: calc(var(--u) * .25) solid #29b6f6}
.screen .chaintiles span {display: block; font-size: calc(var(--u) * .9); color: #cfe3ff; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis}
.screen .chaintiles b {display: block; font-size: calc(var(--u) * 1.6); color: #ffca28; white-space: nowrap;
  line-height: 1.3}
.screen .chaintiles em {display: block; font-size: calc(var(--u) * .8); color: #9fb7dd; font-style: normal;
  white-space: nowrap}
.screen .unreported {margin-left: calc(var(--u) * .4); padding: 0 calc(var(--u) * .3); border-radius: 4px;
  font-size: calc(var(--u) * .75); color: #ffd7d7; background: #7a1f1f}
.screen .dot {display: inline-block; width: calc(var(--u) * .9); height: calc(var(--u) * .9); border-radius: 50%;
  vertical-align: middle}
.screen .legend {display: flex; gap: calc(var(--u) * .8); font-size: calc(var(--u) * .8); color: #9fb7dd;
  margin: calc(var(--u) * .4) 0; flex-wrap: wrap}
.screen .more {margin-top: auto; display: grid; grid-template-columns: 1fr 1fr; gap: calc(var(--u) * .5)}
.screen .more div {background: rgba(20, 52, 102, .55); border-radius: calc(var(--u) * .4);
  padding: calc(var(--u) * .4) calc(var(--u) * .6); min-width: 0}
.screen .more span {display: block; font-size: calc(var(--u) * .8); color: #9fb7dd; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis}
.screen .more b {font-size: calc(var(--u) * 1.4); color: #ffca28; white-space: nowrap}
.screen .more.activities, .screen .more.events, .screen .more.problems {margin-top: 0}
.screen .more.events {grid-template-columns: 1fr}
.screen .more.events span {white-space: normal}
.screen .text {font-size: calc(var(--u) * 1.1); line-height: 1.7; color: #e8f0ff; overflow: hidden}
.screen .ticker {grid-area: ticker; overflow: hidden; white-space: nowrap; border-top: 2px solid #1e3a66;
  padding-top: calc(var(--u) * .3); font-size: calc(var(--u) * 1.05)}
.screen .ticker .track {display: inline-block; animation: ticker 60s linear infinite}
.screen .ticker .item {margin-right: calc(var(--u) * 3)}
@keyframes ticker {from {transform: translateX(0)} to {transform: translateX(-50%)}}
@media (min-aspect-ratio: 12/5) {
  .screen {grid-template-columns: 1.3fr 3fr; grid-template-rows: auto minmax(0, 1fr) auto;
    grid-template-areas: "head head" "cards main" "ticker ticker"}
  .screen .cards {grid-template-columns: repeat(2, minmax(0, 1fr)); grid-auto-rows: minmax(0, 1fr)}
}
</style>"""


def svg_uri(chart) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(chart_svg(chart).encode("utf-8")).decode("ascii")


# a region chart shows at most this many bars (the largest): more are unreadable from across a room
SCREEN_MAX_BARS = 15


def top_regions(b: Briefing, measure: str) -> list[dict]:
    """The regions a 大屏 chart of ``measure`` shows: all of them in their order, or the
    ``SCREEN_MAX_BARS`` largest, largest first."""
    if len(b.regions) <= SCREEN_MAX_BARS:
        return b.regions
    return sorted(b.regions, key=lambda r: r[measure], reverse=True)[:SCREEN_MAX_BARS]


def region_title(b: Briefing, key: str) -> str:
    """A region chart's title, saying so when it shows only the largest regions."""
    more = len(b.regions) > SCREEN_MAX_BARS
    return SCREEN[key] + (SCREEN["top"].format(n=SCREEN_MAX_BARS) if more else "")


# the rotation's middle rows (SPEC §6 大屏): 总览 (the key chains, the county map, the ranking), 产业链,
# 县区, and 招商活动 when the period has activities or events
PANELS = ("overview", "chains", "regions", "activities")
SLOTS = {"overview": ("trend", "map"), "chains": ("chains",), "regions": ("regions", "funds"), "activities": ()}
KEY_CHAINS = 3  # the first chains of the configured order: by default 木材加工, 新能源电动车, 智能家电


def panel_count(b: Briefing) -> int:
    """How many middle rows the rotation goes through for ``b``: 招商活动 only when there is any."""
    return 4 if any((b.figures.get("activities") or {}).values()) or b.figures.get("events") else 3


def panel_name(b: Briefing, panel: int) -> str:
    return PANELS[panel % panel_count(b)]


def panel_charts(b: Briefing, panel: int = 0) -> dict[str, str]:
    """The charts of middle row ``panel`` as SVG data URIs, dark theme. Only the row shown is drawn:
    each chart takes vl-convert ~0.1–0.2 s, one after the other. Without boundaries the map's place
    holds the regions' bars."""
    dark = charts.DARK

    def svg(chart) -> str:
        return svg_uri(charts.themed(chart, dark, font_size=15))

    def regions_bar(measure: str, label: str) -> str:
        frame = charts.region_frame(top_regions(b, measure), measure)
        return svg(charts.bar_chart(frame, "县区", label, dark, width=500, height=430))

    drawn = {
        "trend": lambda: svg(charts.trend_chart(b.trend, "signed_amount", dark, width=600, height=300)),
        "map": lambda: svg(charts.map_chart(map_rows(b.shapes, b.ranking, "signed_amount"), dark, width=560,
                                            height=470, font_size=22)) if b.shapes else regions_bar(
            "signed_amount", "合同投资额"),
        "regions": lambda: regions_bar("signed_amount", "合同投资额"),
        "chains": lambda: svg(charts.bar_chart(charts.chain_frame(b.chains), "产业链", "合同投资额", dark,
                                               width=600, height=430)),
        "funds": lambda: regions_bar("funds_in_place", "到位资金"),
    }
    return {slot: drawn[slot]() for slot in SLOTS[panel_name(b, panel)]}


def key_chains(b: Briefing) -> list[dict]:
    """The key chains, then the rest together: chain, signed_count, signed_amount, yoy_pct (of the
    amount; None without last year's)."""
    out = [{"chain": c["chain"], "signed_count": c["signed_count"], "signed_amount": c["signed_amount"],
            "yoy_pct": c["signed_amount_yoy_pct"]} for c in b.chains[:KEY_CHAINS]]
    rest = b.chains[KEY_CHAINS:]
    if rest:
        amount = sum(c["signed_amount"] for c in rest)
        out.append({"chain": SCREEN["other_chains"], "signed_count": sum(c["signed_count"] for c in rest),
                    "signed_amount": amount, "yoy_pct": yoy_pct(amount, sum(c["signed_amount_last"] for c in rest))})
    return out


def _yoy(value) -> str:
    text, tone = change_line("同比", value, absent="同比 —")
    return f'<i class="{tone}">{escape(text)}</i>'


def key_chains_html(b: Briefing) -> str:
    return '<div class="chaintiles">' + "".join(
        f'<div><span>{escape(c["chain"])}</span><b>{fmt.amount(c["signed_amount"])}</b>'
        f'<em>{fmt.count(c["signed_count"])} · {_yoy(c["yoy_pct"])}</em></div>' for c in key_chains(b)) + "</div>"


def chain_table_html(b: Briefing) -> str:
    """Every chain: projects, contract amount with YoY, funds in place; a row each, filling the panel."""
    head = "".join(f"<span class=\"th\">{h}</span>" for h in ("产业链", "项目", "合同投资额", "同比", "到位资金"))
    rows = "".join(
        f'<span>{escape(c["chain"])}</span><span class="num">{c["signed_count"]}</span>'
        f'<span class="num">{fmt.two(c["signed_amount"])}</span><span class="num">{_yoy(c["signed_amount_yoy_pct"])}'
        f'</span><span class="num">{fmt.two(c["funds_in_place"])}</span>' for c in b.chains)
    return f'<div class="grid chaintable">{head}{rows}</div>'


def region_table_html(b: Briefing) -> str:
    """Every region's completion of 合同投资额 and 到位资金 in 红黄蓝, and whether its month is in."""
    def cell(row: dict, metric: str) -> str:
        status = row["indicators"].get(metric) or {}
        dot = WARNING_COLORS.get(status.get("warning") or "", "#7f8ea3")
        value = "—" if status.get("completion_pct") is None else fmt.percent(status["completion_pct"])
        return f'<span class="num"><span class="dot" style="background:{dot}"></span> {value}</span>'
    head = "".join(f"<span class=\"th\">{h}</span>" for h in ("县区", "合同投资额完成", "到位资金完成"))
    rows = "".join(f"<span>{_region_name(b, r)}</span>{cell(r, 'signed_amount')}{cell(r, 'funds_in_place')}"
                   for r in sorted(b.ranking, key=lambda r: r["rank"]))
    return f'<div class="grid regiontable">{head}{rows}</div>' if b.ranking else \
        f'<div class="text">{SCREEN["no_regions"]}</div>'


def _tiles(items: list[tuple[str, str]], kind: str) -> str:
    return f'<div class="more {kind}">' + "".join(
        f'<div><span>{escape(label)}</span><b>{escape(value)}</b></div>' for label, value in items) + "</div>"


def activities_html(b: Briefing) -> str:
    """The window's 招商活动 as large figures, two a row."""
    a = b.figures.get("activities") or {}
    items = [(kind, fmt.count(a[key], "次")) for kind, key in ACTIVITY_KEYS.items() if a.get(key)]
    items += [("对接500强企业", fmt.count(a.get("top500_enterprises_contacted", 0), "家")),
              ("协调解决问题", fmt.count(a.get("problems_solved", 0), "个"))]
    return _tiles(items, "activities")


def events_html(b: Briefing) -> str:
    """The events with the largest signings (six at most), one a row."""
    return _tiles([(e["name"], f'{e["signed_count"]}个 · {fmt.amount(e["signed_amount"])}')
                   for e in (b.figures.get("events") or [])[:6]], "events")


def problems_html(b: Briefing) -> str:
    """The window's 企业诉求 by status."""
    p = b.figures.get("problems") or {}
    labels = (("收集企业诉求", "total"), ("已办结", "closed"), ("正在办理", "in_progress"), ("待办", "pending"))
    return _tiles([(label, fmt.count(p.get(key, 0), "个")) for label, key in labels], "problems")


def short_text(b: Briefing) -> str:
    """The paragraph without its activity, event and problem sentences: what the 大屏's panel holds."""
    return briefing_text(b.figures | {"activities": None, "events": [], "problems": None}, b.period)


def _warning(row: dict) -> str | None:
    return (row["indicators"].get("signed_amount") or {}).get("warning")


def _region_name(b: Briefing, row: dict) -> str:
    return escape(row["region"]) + (f'<span class="unreported">{SCREEN["unreported"]}</span>'
                                     if row["region"] in b.unreported else "")


def ranking_html(b: Briefing) -> str:
    """Rank, region (未报 when its month is not in), score, rank change and 红黄蓝: a row each, the rows
    sharing the panel's height."""
    if not b.ranking:
        return f'<div class="text">{SCREEN["no_regions"]}</div>'
    rows = "".join(
        f'<span class="num">{r["rank"]}</span><span class="name">{_region_name(b, r)}</span>'
        f'<span class="num">{"—" if r["score"] is None else fmt.two(r["score"])}</span>'
        f'<span class="num">{rank_change_text(r.get("rank_change"))}</span>'
        f'<span><span class="dot" style="background:{WARNING_COLORS.get(_warning(r) or "", "#7f8ea3")}"></span></span>'
        for r in b.ranking)
    return f'<div class="grid rank">{rows}</div>'


def legend_html() -> str:
    pp = fmt.two(settings.get("warning_yellow_pp")).removesuffix(".00")
    return '<div class="legend">' + "".join(
        f'<span><span class="dot" style="background:{WARNING_COLORS[k]}"></span> '
        f'{SCREEN["legend"][k].format(pp=pp)}</span>' for k in ("blue", "yellow", "red")) + "</div>"


def more_figures_html(b: Briefing) -> str:
    """Four more figures leaders ask about, under the ranking."""
    o = b.figures
    items = [("10亿元以上项目", fmt.count(o["projects_over_10yi_count"])),
             ("新引进专精特新“小巨人”", fmt.count(o["little_giant_enterprises_new"], "家")),
             ("资金到位率", fmt.percent(o["funds_arrival_rate_pct"])),
             ("驻点招商签约额", fmt.amount(o["resident"]["signed_amount"]))]
    return '<div class="more">' + "".join(
        f'<div><span>{escape(label)}</span><b>{escape(value)}</b></div>' for label, value in items) + "</div>"


def ticker_html(b: Briefing) -> str:
    items = "".join(
        f'<span class="item"><span class="dot" style="background:{WARNING_COLORS.get(_warning(r) or "", "#7f8ea3")}">'
        f'</span> 第{r["rank"]}名 {escape(r["region"])} · 合同投资额 {fmt.amount(r["signed_amount"])}'
        + (f' · 完成 {fmt.percent(r["signed_amount_completion_pct"])}' if r["signed_amount_completion_pct"] is not None
           else "")
        + (f' · {WARNING_LABELS[_warning(r)]}色' if _warning(r) else "") + "</span>"
        for r in b.ranking) or f'<span class="item">{escape(b.text)}</span>'
    return f'<div class="ticker"><div class="track">{items}{items}</div></div>'


def screen_html(b: Briefing, images: dict[str, str], panel: int = 0) -> str:
    """The whole 大屏 for briefing ``b``; ``panel`` (0 … panel_count − 1) chooses the middle row
    (rotation), whose charts ``images`` holds (``panel_charts``)."""
    updated = b.updated_at.strftime("%Y-%m-%d %H:%M") if b.updated_at else "—"
    head = (f'<div class="head"><h1>{SCREEN["title"]}</h1><div class="meta">数据截至 <b>{escape(b.span)}</b> · '
            f'序时进度 <b>{fmt.percent(b.period.time_progress_pct)}</b> · 更新于 {updated}</div></div>')
    name = panel_name(b, panel)
    panel %= panel_count(b)
    if name == "overview":
        where = "map" if b.shapes else "regions"
        middle = (f'<div class="panel"><h2>{SCREEN["key_chains"]}</h2>{key_chains_html(b)}'
                  f'<h3>{SCREEN["trend"]}</h3><img src="{images["trend"]}" alt="trend"></div>'
                  f'<div class="panel"><h2>{SCREEN["map"] if b.shapes else region_title(b, "regions")}</h2>'
                  f'<img src="{images["map"]}" alt="{where}"></div>'
                  f'<div class="panel"><h2>{SCREEN["ranking"]}</h2>{ranking_html(b)}{legend_html()}'
                  f'{more_figures_html(b)}</div>')
    elif name == "chains":
        middle = (f'<div class="panel"><h2>{SCREEN["chains"]}</h2><img src="{images["chains"]}" alt="chains"></div>'
                  f'<div class="panel"><h2>{SCREEN["chain_table"]}</h2>{chain_table_html(b)}</div>'
                  f'<div class="panel"><h2>{SCREEN["text"]}</h2><div class="text">{escape(short_text(b))}</div></div>')
    elif name == "regions":
        middle = (f'<div class="panel"><h2>{region_title(b, "regions")}</h2>'
                  f'<img src="{images["regions"]}" alt="regions"></div>'
                  f'<div class="panel"><h2>{region_title(b, "funds")}</h2><img src="{images["funds"]}" alt="funds">'
                  f'</div><div class="panel"><h2>{SCREEN["region_table"]}</h2>{region_table_html(b)}{legend_html()}'
                  '</div>')
    else:
        middle = (f'<div class="panel"><h2>{SCREEN["activities"]}</h2>{activities_html(b)}</div>'
                  f'<div class="panel"><h2>{SCREEN["events"]}</h2>{events_html(b)}</div>'
                  f'<div class="panel"><h2>{SCREEN["problems"]}</h2>{problems_html(b)}</div>')
    return (f'<div class="screen" data-testid="big-screen" data-panel="{panel}" data-name="{name}">{head}'
            f'{cards_html(b.headlines)}<div class="main">{middle}</div>{ticker_html(b)}</div>')
