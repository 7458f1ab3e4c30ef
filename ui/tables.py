"""Tables on the pages leaders carry: ``st.dataframe`` with the first column pinned, so that on a phone a
wide table scrolls inside itself while its first column (the region, chain, team or project) stays in
view."""
import pandas as pd
import streamlit as st


def table(data, *, column_config: dict | None = None, **kwargs):
    """``st.dataframe(data, …)`` (a frame or a Styler) with its first column pinned; returns what
    ``st.dataframe`` returns (the selection event when ``on_select`` is given)."""
    frame = data.data if hasattr(data, "data") and isinstance(data.data, pd.DataFrame) else data
    config = dict(column_config or {})
    if len(frame.columns):
        first = frame.columns[0]
        current = config.get(first) or {}
        config[first] = {**({"label": current} if isinstance(current, str) else current), "pinned": True}
    return st.dataframe(data, column_config=config, **kwargs)
