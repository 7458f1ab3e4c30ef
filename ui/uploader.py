"""The upload widgets of 数据上报 and 管理: the formats accepted, the real size limit (not Streamlit's
200 MB) and their texts in Chinese (Streamlit's own widget speaks English; its words are replaced by
style rules, scoped to the one widget)."""
import streamlit as st

from data_access import settings

FORMATS = ["xlsx", "xlsm", "xls", "xlsb", "ods"]


# Streamlit's own messages for a file it refuses before uploading it, in Chinese (it has no setting for them)
TRANSLATE = """<script>
(() => {
  if (window.__zsdashUploaderWords) return;
  window.__zsdashUploaderWords = true;
  const words = [[/^File must be (.+) or smaller\\.$/, "文件不能超过 $1,请删去多余内容或拆分后重新上传"],
                 [/^(.+) files are not allowed\\.$/, "不支持 $1 文件,请按提示的格式上传"]];
  const translate = node => {
    const text = node.nodeValue && node.nodeValue.trim();
    for (const [from, to] of words) if (text && from.test(text)) node.nodeValue = text.replace(from, to);
  };
  const walk = root => { const it = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = it.nextNode(); n; n = it.nextNode()) translate(n); };
  new MutationObserver(changes => changes.forEach(c => c.type === "characterData" ? translate(c.target)
      : c.addedNodes.forEach(n => n.nodeType === 3 ? translate(n) : walk(n))))
    .observe(document.body, {subtree: true, childList: true, characterData: true});
})();
</script>"""


def uploader(label: str, key: str, formats: list[str], mb: int):
    box = f".st-key-{key} [data-testid=\"stFileUploaderDropzone\"]"
    st.html(f"""<style>
{box} button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
{box} button [data-testid="stMarkdownContainer"] p::after {{ content: "选择文件"; font-size: 0.875rem; }}
{box} [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
{box} [data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "拖放到此处或点击选择 · 每个文件不超过 {mb} MB · {'、'.join(formats)}"; font-size: 0.875rem; }}
</style>""")
    st.html(TRANSLATE, unsafe_allow_javascript=True)
    return st.file_uploader(label, type=formats, key=key, max_upload_size=mb)


def workbook_uploader(label: str, key: str):
    return uploader(label, key, FORMATS, settings.get("upload_max_mb"))


def boundary_uploader(label: str, key: str):
    return uploader(label, key, ["geojson", "json"], settings.get("map_max_mb"))
