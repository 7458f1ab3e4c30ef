"""The briefing outputs: headline figures, the Word 月通报 (paragraph, county table with 红黄蓝
shading), the 16:9 PNG, and Chinese glyphs really drawn (not missing-glyph boxes).

Fixture, 2024年1-6月 (序时进度 50%), 合同投资额 targets 甲区 10, 乙县 10, 丙县 10, 全市 30:
甲区 6.00 (60% → +10 pp, 蓝), 乙县 4.50 (45% → −5 pp, 黄), 丙县 3.00 (30% → −20 pp, 红, 已开工);
全市 13.50 = 45% of 30, 5 pp behind; 到位资金 1.50 (甲区, May)."""
import io
from decimal import Decimal

import altair as alt
import pandas as pd
import pytest
from docx import Document
from PIL import Image, ImageChops, ImageDraw

from metrics.period import Period, Scope
from reports.content import gather
from reports.images import chart_png, font
from reports.png import briefing_png, wrap
from reports.word import briefing_docx, county_rows
from tests import builders as b

PERIOD = Period(2024, 6)


@pytest.fixture
def briefing(engine):
    with engine.begin() as conn:
        b.three_counties(conn)
    with engine.connect() as conn:
        return gather(conn, PERIOD, Scope(), "全市", with_counties=True)


def test_headlines_say_the_figures_and_their_progress(briefing):
    h = {x.label: x for x in briefing.headlines}
    assert [x.label for x in briefing.headlines] == ["新签约项目", "合同投资额", "到位资金", "制造业占比", "开工率",
                                                     "500强项目"]
    assert (h["新签约项目"].value, h["新签约项目"].status) == ("3 个", None)
    assert (h["合同投资额"].value, h["合同投资额"].note, h["合同投资额"].status) == \
        ("13.50 亿元", "完成年度任务 45.00%", "behind")
    assert (h["到位资金"].value, h["到位资金"].status) == ("1.50 亿元", None)
    assert (h["开工率"].value, h["开工率"].note) == ("33.33%", "已开工 1 个")
    assert briefing.title == "全市招商引资工作简报"
    assert briefing.subtitle == "2024年1-6月 · 全市 · 序时进度 50.00%"


def test_word_bulletin_has_the_paragraph_and_the_county_table(briefing):
    doc = Document(io.BytesIO(briefing_docx(briefing)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "全市招商引资工作月通报"
    assert texts[1] == "(2024年1-6月)"
    paragraph = next(t for t in texts if t.startswith("2024年1-6月,全市"))
    assert "新签约项目3个,合同投资额13.50亿元,完成年度任务的45.00%,低于序时进度5.00个百分点" in paragraph
    assert paragraph == briefing.text
    # each county's own paragraph follows
    assert any(t.startswith("2024年1-6月,丙县新签约项目1个,合同投资额3.00亿元,完成年度任务的30.00%") for t in texts)

    table = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["排名", "县区", "签约项目(个)", "合同投资额(亿元)", "合同额完成率(%)", "较序时(百分点)",
                       "到位资金(亿元)", "到位资金完成率(%)", "综合得分"]
    assert rows[1:] == [["1", "甲区", "1", "6.00", "60.00", "10.00", "1.50", "—", "60.00"],
                        ["2", "乙县", "1", "4.50", "45.00", "-5.00", "0.00", "—", "45.00"],
                        ["3", "丙县", "1", "3.00", "30.00", "-20.00", "0.00", "—", "30.00"]]

    def fill(cell):
        shd = cell._tc.tcPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd")
        return None if shd is None else shd.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fill")
    # the completion and gap cells carry the 红黄蓝 of 合同投资额; the others are plain
    assert [fill(table.rows[i].cells[4]) for i in (1, 2, 3)] == ["1F6FD1", "E0A800", "D32F2F"]
    assert [fill(table.rows[i].cells[5]) for i in (1, 2, 3)] == ["1F6FD1", "E0A800", "D32F2F"]
    assert fill(table.rows[1].cells[1]) is None
    assert len(doc.inline_shapes) == 2  # the two charts


def test_county_rows_follow_the_ranking(briefing):
    assert [levels[4] for _, levels in county_rows(briefing)] == ["blue", "yellow", "red"]


def test_png_is_16_9_and_at_least_1920_wide(briefing):
    img = Image.open(io.BytesIO(briefing_png(briefing)))
    assert img.size == (1920, 1080)
    big = Image.open(io.BytesIO(briefing_png(briefing, scale=2)))
    assert big.size == (3840, 2160)
    # the title is drawn: dark ink in the title band, none in the empty margin left of it
    band = img.crop((60, 40, 700, 90)).convert("L")
    assert band.getextrema()[0] < 60
    assert img.crop((0, 40, 50, 90)).convert("L").getextrema() == (255, 255)


def _glyph(ch: str) -> Image.Image:
    img = Image.new("L", (80, 80), 255)
    ImageDraw.Draw(img).text((8, 4), ch, font=font(60), fill=0)
    return img


def test_chinese_is_drawn_with_real_glyphs_not_boxes():
    """A font without CJK draws every character as the same .notdef box (or nothing): four distinct
    characters must give four distinct, non-blank pictures."""
    assert font(20).getname()[0] == "Noto Sans CJK SC"
    pictures = [_glyph(ch) for ch in "招商引资"]
    assert all(p.getextrema()[0] < 100 for p in pictures)  # ink on each
    for i in range(4):
        for j in range(i + 1, 4):
            assert ImageChops.difference(pictures[i], pictures[j]).getbbox() is not None


def test_chart_images_draw_chinese_too():
    def titled(text):
        chart = alt.Chart(pd.DataFrame({"x": [1]}), title=text, width=200, height=60).mark_point().encode(x="x:Q")
        return Image.open(io.BytesIO(chart_png(chart.configure(font="Noto Sans CJK SC"), scale=1))).convert("L")
    a, c = titled("招商"), titled("引资")
    assert a.size == c.size
    assert ImageChops.difference(a, c).getbbox() is not None


def test_wrap_never_starts_a_line_with_closing_punctuation():
    lines = wrap("甲" * 30 + "。乙", 20, 20 * 30)
    assert lines == ["甲" * 30 + "。", "乙"]


def test_big_screen_region_charts_keep_the_15_largest_regions():
    from types import SimpleNamespace

    from ui.bigscreen import region_title, top_regions
    many = SimpleNamespace(regions=[{"region": f"县{n:02d}", "signed_amount": Decimal(n),
                                     "funds_in_place": Decimal(20 - n)} for n in range(1, 18)])
    assert [r["region"] for r in top_regions(many, "signed_amount")] == [f"县{n:02d}" for n in range(17, 2, -1)]
    assert [r["region"] for r in top_regions(many, "funds_in_place")] == [f"县{n:02d}" for n in range(1, 16)]
    assert region_title(many, "regions") == "各县区合同投资额(亿元)·前15位"
    few = SimpleNamespace(regions=many.regions[:15])  # 15 or fewer: all of them, in their own order
    assert top_regions(few, "funds_in_place") == few.regions
    assert region_title(few, "funds") == "各县区到位资金(亿元)"
