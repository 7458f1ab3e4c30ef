"""The upload widgets of 数据上报 and 管理: the formats accepted, the real size limit (not Streamlit's
200 MB) and their texts in Chinese (Streamlit's own widget speaks English; its words are replaced by
style rules, scoped to the one widget)."""
import streamlit as st

from data_access import settings

FORMATS = ["xlsx", "xlsm", "xls", "xlsb", "ods"]


def uploader(label: str, key: str, formats: list[str], mb: int):
    box = f".st-key-{key} [data-testid=\"stFileUploaderDropzone\"]"
    st.html(f"""<style>
{box} button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
{box} button [data-testid="stMarkdownContainer"] p::after {{ content: "选择文件"; font-size: 0.875rem; }}
{box} [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
{box} [data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "拖放到此处或点击选择 · 每个文件不超过 {mb} MB · {'、'.join(formats)}"; font-size: 0.875rem; }}
</style>""")
    return st.file_uploader(label, type=formats, key=key, max_upload_size=mb)


def workbook_uploader(label: str, key: str):
    return uploader(label, key, FORMATS, settings.get("upload_max_mb"))


def boundary_uploader(label: str, key: str):
    return uploader(label, key, ["geojson", "json"], settings.get("map_max_mb"))
