"""The workbook upload widget of 数据上报 and 管理: the formats the importer reads, the real size
limit (``ZSDASH_UPLOAD_MAX_MB``, not Streamlit's 200 MB) and its texts in Chinese (Streamlit's own
widget speaks English; its words are replaced by style rules)."""
import streamlit as st

from data_access import settings

FORMATS = ["xlsx", "xlsm", "xls", "xlsb", "ods"]


def workbook_uploader(label: str, key: str):
    mb = settings.get("upload_max_mb")
    st.html(f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "选择文件"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "拖放到此处或点击选择 · 每个文件不超过 {mb} MB · {'、'.join(FORMATS)}"; font-size: 0.875rem; }}
</style>""")
    return st.file_uploader(label, type=FORMATS, key=key, max_upload_size=mb)
