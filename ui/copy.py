"""A visible “复制” button for a paragraph: works on plain-http intranet addresses too, where the
async Clipboard API is unavailable (falls back to selecting a hidden textarea and execCommand)."""
from __future__ import annotations

import json
from html import escape

import streamlit as st

from labels import COPY

_SCRIPT = """<script>
(() => {
  const button = document.getElementById(%(button)s);
  if (!button || button.dataset.bound) return;
  button.dataset.bound = "1";
  button.addEventListener("click", async () => {
    const text = document.getElementById(%(source)s).value;
    let done = false;
    try { await navigator.clipboard.writeText(text); done = true; } catch (e) {}
    if (!done) {
      const area = document.getElementById(%(source)s);
      area.style.display = "block"; area.select(); done = document.execCommand("copy"); area.style.display = "none";
    }
    button.textContent = done ? %(done)s : %(failed)s;
  });
})();
</script>"""


def copy_button(text: str, key: str = "brief") -> None:
    button, source = f"copy-{key}", f"copy-src-{key}"
    script = _SCRIPT % {"button": json.dumps(button), "source": json.dumps(source),
                        "done": json.dumps(COPY["done"]), "failed": json.dumps(COPY["failed"])}
    st.html(f'<button id="{button}" class="copy-button" data-testid="copy-button">{escape(COPY["button"])}</button>'
            f'<textarea id="{source}" style="display:none" readonly>{escape(text)}</textarea>'
            f'<style>.copy-button {{border:1px solid #c62828;color:#c62828;background:#fff;border-radius:6px;'
            f'padding:4px 14px;cursor:pointer;font-size:.95rem}}</style>' + script,
            unsafe_allow_javascript=True)
