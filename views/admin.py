"""管理 (admins only)."""
import streamlit as st

from ui import auth

who = auth.require_page("admin", "管理")
st.title("管理")
