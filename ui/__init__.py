"""Shared Streamlit widgets, cached data access and chart builders for views/."""
