"""The shared example workbooks give exactly the figures worked out in ../shared/examples/README.md."""
import json
from pathlib import Path

import pytest

import cli

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
CITY_FILE = EXAMPLES / "示范市_2023年5月_全市台账.xlsx"
COUNTY_FILE = EXAMPLES / "示范市_东城区_2023年5月_县区报表.xlsx"
REGIONS = ["东城区", "西城区", "南山县", "北湖县", "高新区"]


@pytest.fixture
def run(engine, monkeypatch, capsys):
    monkeypatch.setenv("ZSDASH_DATABASE_URL", engine.url.render_as_string(hide_password=False))

    def run(*argv):
        code = cli.main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err
    for name in REGIONS:
        assert run("region", "add", name)[0] == 0
    return run


def briefing(run):
    code, out, err = run("briefing", "--period", "2023-05", "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_city_ledger_gives_the_worked_out_figures(run):
    code, out, err = run("import", str(CITY_FILE), "--period", "2023-05")
    assert code == 0, err
    assert "新增项目217个" in out
    b = briefing(run)
    assert b["period"] == "2023-05" and b["region"] == "全市"
    assert b["time_progress_pct"] == 41.67
    assert b["signed_count"] == 157
    assert b["signed_amount"] == 134.00
    assert b["signed_amount_target"] == 320.00
    assert b["signed_amount_completion_pct"] == 41.88  # 134 / 320 = 41.875, half up
    assert b["signed_amount_yoy_pct"] == 101.99  # (134 - 66.34) / 66.34
    assert b["started_count"] == 154
    assert b["start_rate_pct"] == 98.09
    assert b["funds_in_place"] == 73.00
    assert b["funds_target"] == 180.00
    assert b["funds_completion_pct"] == 40.56
    assert b["funds_yoy_pct"] is None  # no funds in 2022
    assert b["funds_arrival_rate_pct"] == 54.48
    assert b["manufacturing_count"] == 117
    assert b["manufacturing_amount"] == 103.45
    assert b["manufacturing_share_pct"] == 77.20
    assert b["manufacturing_share_target_pct"] == 50.00
    assert b["manufacturing_share_diff_pp"] == 27.20
    assert b["resident"]["signed_count"] == 157  # every example row is 驻点招商
    text = b["text"]
    for phrase in ["2023年1-5月,全市新签约项目157个,合同投资额134.00亿元,完成年度任务的41.88%",
                   "比去年同期增长101.99%", "其中新引进制造业项目117个,合同投资额103.45亿元,占合同总投资额的77.20%",
                   "比年度目标高27.20个百分点", "开工项目154个,开工率98.09%", "到位资金73.00亿元,完成年度任务的40.56%",
                   "资金到位率54.48%"]:
        assert phrase in text


def test_messy_county_report_changes_no_figure(run):
    assert run("import", str(CITY_FILE), "--period", "2023-05")[0] == 0
    before = briefing(run)
    code, out, err = run("import", str(COUNTY_FILE), "--period", "2023-05")  # no --region: its rows say 东城区
    assert code == 0, err
    assert "(2023年5月,东城区):新增项目0个,更新项目0个" in out and "替代" not in out
    assert briefing(run) == before
    code, out, _ = run("briefing", "--period", "2023-05", "--region", "东城区", "--format", "json")
    dongcheng = json.loads(out)
    assert dongcheng["signed_count"] == 32  # 44 rows: 12 signed in 2022, 32 in 2023 (every 5th project)


def test_cli_writes_the_briefing_as_word_and_png(run, tmp_path):
    import io

    from docx import Document
    from PIL import Image
    assert run("import", str(CITY_FILE), "--period", "2023-05")[0] == 0
    code, out, err = run("briefing", "--period", "2023-05", "--format", "docx", "--out", str(tmp_path / "b.docx"))
    assert code == 0, err
    doc = Document(str(tmp_path / "b.docx"))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "全市招商引资工作月通报"
    assert any(t.startswith("2023年1-5月,全市新签约项目157个,合同投资额134.00亿元,完成年度任务的41.88%") for t in texts)
    assert [c.text for c in doc.tables[0].rows[0].cells][:2] == ["排名", "县区"]
    assert len(doc.tables[0].rows) == 1 + len(REGIONS)

    code, out, err = run("briefing", "--period", "2023-05", "--region", "东城区", "--format", "png",
                         "--out", str(tmp_path / "b.png"))
    assert code == 0, err
    assert Image.open(io.BytesIO((tmp_path / "b.png").read_bytes())).size == (1920, 1080)


def test_cli_image_formats_need_an_output_file(run):
    code, out, err = run("briefing", "--period", "2023-05", "--format", "png")
    assert code == 2 and "--out" in err
