"""Server-side images: the CJK font from the system's packages (fonts-noto-cjk) and charts rendered
by vl-convert, so an exported picture has its Chinese glyphs embedded, not missing-glyph boxes."""
from __future__ import annotations

import functools
import threading
from pathlib import Path

import vl_convert as vlc
from PIL import ImageFont

from data_access import settings
from labels import MSG

# Debian's fonts-noto-cjk; the .ttc holds JP, KR, SC, … faces: index 2 is Simplified Chinese
FONT_DIRS = [Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk")]
SC_FACE = 2


class FontMissing(RuntimeError):
    """No CJK font on the server: exports would draw boxes instead of Chinese."""


@functools.cache
def font_file(bold: bool = False) -> Path:
    configured = settings.get("cjk_font_dir")
    for folder in ([Path(configured)] if configured else []) + FONT_DIRS:
        found = folder / ("NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc")
        if found.exists():
            return found
    raise FontMissing(MSG["font_missing"])


def fonts_installed() -> bool:
    try:
        font_file()
        font_file(bold=True)
    except FontMissing:
        return False
    return True


@functools.cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file(bold)), size, index=SC_FACE)


@functools.cache
def _register_fonts() -> None:
    vlc.register_font_directory(str(font_file().parent))


def chart_png(chart, scale: float = 2) -> bytes:
    """A themed altair chart as PNG at ``scale`` × its CSS pixel size."""
    _register_fonts()
    return vlc.vegalite_to_png(chart.to_dict(), scale=scale)


def chart_svg(chart) -> str:
    _register_fonts()
    return vlc.vegalite_to_svg(chart.to_dict())


def warm_up() -> None:
    """Start vl-convert's JavaScript runtime in the background (about 0.3 s, once per process), so
    the first 大屏 or chart export after the server starts does not wait for it."""
    def run():
        try:
            _register_fonts()
        except FontMissing:
            return  # the pages that need the font say so themselves
        vlc.vegalite_to_svg({"data": {"values": [{"x": "一", "y": 1}]}, "mark": "bar",
                             "encoding": {"x": {"field": "x", "type": "nominal"},
                                          "y": {"field": "y", "type": "quantitative"}}})

    threading.Thread(target=run, name="vl-convert-warm-up", daemon=True).start()
