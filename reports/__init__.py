"""Briefing outputs: the 简报 content gathered once, its charts, and the PNG and Word exports.

Used by the 简报 and 大屏 pages and by ``cli.py briefing``; never imports streamlit.
"""
