"""简报: one screen laid out to be screenshotted at 1920×1080 — title with scope and period, six
headline figures, three charts, the briefing paragraph with a copy button, source and time; the
same briefing exported as a 16:9 PNG and as a Word 月通报, every chart as PNG at 2×."""
from html import escape

import streamlit as st

from data_access.models import CITY_REGION
from labels import MSG
from reports import charts
from reports.images import chart_png, fonts_installed
from ui import auth, data
from ui.cards import cards_html
from ui.copy import copy_button
from ui.filters import sidebar_filters

auth.require_page("briefing", "简报")
f = sidebar_filters()
version = data.data_version()
b = data.briefing_content(f.period, f.scope, f.scope_text, version)

st.html("""<style>
[data-testid="stMainBlockContainer"] {padding-top: 1.2rem; padding-bottom: 0}
[data-testid="stHeading"] h1 {font-size: 2.1rem; padding: 0}
.brief-sub {color: #666; font-size: 1.05rem; margin-top: -0.6rem}
.cards {display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 14px}
.card {border: 1px solid #ddd; border-left: 6px solid #9e9e9e; border-radius: 8px; padding: 10px 14px}
.card.ahead {border-left-color: #1f6fd1} .card.behind {border-left-color: #c62828}
.card .label {color: #666; font-size: 1rem} .card .value {font-size: 1.9rem; font-weight: 700; line-height: 1.3}
.card .note {font-size: .85rem; color: #666; line-height: 1.35}
.card.ahead .note {color: #1f6fd1} .card.behind .note {color: #c62828}
.brief-text {font-size: 1.12rem; line-height: 1.75; border-top: 2px solid #eee; padding-top: 6px}
.brief-foot {color: #888; font-size: .85rem}
@media (max-width: 640px) {  /* a phone: the title below the sidebar's control, two cards a row */
  [data-testid="stMainBlockContainer"] {padding-top: 3.6rem}
  [data-testid="stHeading"] h1 {font-size: 1.45rem}
  .cards {grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px}
  .card {padding: 8px 10px; border-left-width: 4px} .card .label {font-size: .85rem; white-space: nowrap}
  .card .value {font-size: 1.3rem; white-space: nowrap} .card .note {font-size: .75rem}
}
</style>""")
st.title(b.title)
st.html(f'<div class="brief-sub">{escape(b.subtitle)}</div>')
st.html(cards_html(b.headlines))

chosen = None if f.region == CITY_REGION else f.region
HEIGHT = 320
shown = [("合同投资额累计趋势(亿元)", charts.trend_chart(b.trend, "signed_amount", height=HEIGHT)),
         ("各县区合同投资额(亿元)", charts.bar_chart(charts.region_frame(b.regions), "县区", "合同投资额",
                                                 height=HEIGHT, highlight=chosen)),
         ("各产业链合同投资额(亿元)", charts.bar_chart(charts.chain_frame(b.chains), "产业链", "合同投资额",
                                                   height=HEIGHT))]
for col, (title, chart) in zip(st.columns(3), shown):
    col.markdown(f"**{title}**")
    col.altair_chart(chart, width="stretch")

st.html(f'<div class="brief-text" data-testid="briefing-text">{escape(b.text)}</div>')
copy_col, export_col, _ = st.columns([1, 1, 6], vertical_alignment="center")
with copy_col:
    copy_button(b.text)
with export_col.popover("导出简报", icon=":material/download:"):
    if not fonts_installed():
        st.warning(MSG["font_missing"])
    else:
        name = f"招商引资简报_{b.span}_{f.scope_text.replace(' · ', '_')}"
        st.download_button("简报图片(PNG,16:9)", lambda: data.briefing_png(f.period, f.scope, f.scope_text, version),
                           file_name=f"{name}.png", mime="image/png", icon=":material/image:", width="stretch")
        st.download_button("月通报(Word)", lambda: data.briefing_docx(f.period, f.scope, f.scope_text, version),
                           file_name=f"{name}.docx", icon=":material/description:", width="stretch",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        for i, (title, chart) in enumerate(shown):
            short = title.split("(")[0]
            st.download_button(f"图表:{short}(PNG,2倍)", lambda c=chart: chart_png(
                charts.themed(c.properties(width=800), charts.LIGHT, font_size=14), scale=2),
                file_name=f"{short}.png", mime="image/png", icon=":material/bar_chart:", key=f"chart_png_{i}",
                width="stretch")
st.html(f'<div class="brief-foot">{escape(b.footer)}</div>')
