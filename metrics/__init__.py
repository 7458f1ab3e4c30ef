"""Metric definitions, queries, rankings, warnings and briefing text. Never imports streamlit."""
