"""A page's first view in a browser session shows its headline figures alone, and the rest follows
once the browser has drawn them.

A leader opening the dashboard looks at the KPI cards first. Drawn together with the charts, the
cards wait for the browser to load and lay out everything else (the chart library alone is over a
megabyte of script); drawn alone, they show in about the time of a one-line page. ``hold`` mounts a
tiny component after the cards whose script waits until the cards are on screen and then asks for
the rest (a rerun); from then on the session's runs draw the whole page at once. A page may also
leave its filter widgets out of the first view (``pending``; ui/filters reads the URL instead).
"""
from __future__ import annotations

import streamlit as st

from ui.cards import KPI_VALUE

SHOWN_KEY = "first_paint_shown"

_JS = """
export default function ({ data, setTriggerValue }) {
  const started = performance.now();
  const wait = () => {
    // the cards are laid out, or they will not come (give up after 3 s and draw the rest anyway);
    // ask for the rest after the next frame, which paints them
    if (document.querySelector(data.selector) || performance.now() - started > 3000) {
      requestAnimationFrame(() => setTimeout(() => setTriggerValue("painted", true), 0));
    } else {
      requestAnimationFrame(wait);
    }
  };
  requestAnimationFrame(wait);
}
"""

_signal = st.components.v2.component("zsdash_first_paint", js=_JS)


def _shown() -> None:
    st.session_state[SHOWN_KEY] = True


def pending() -> bool:
    """Whether this run draws a first view: no first view has been drawn in this session yet, and
    a browser is behind it (none behind a test harness, which gets the whole page at once)."""
    return not st.session_state.get(SHOWN_KEY) and bool(st.context.headers)


def hold(selector: str = KPI_VALUE) -> bool:
    """Whether the page should stop after what it has drawn so far: in a first view (``pending``),
    until the elements matching ``selector`` are on screen. Meanwhile the component's element
    (``.st-key-first_paint``) is in the page: browser tests wait for it to go."""
    if not pending():
        return False
    _signal(key="first_paint", data={"selector": selector}, on_painted_change=_shown)
    return True

