"""The page bench at a small size, in its own process: every registered page runs cold and warm
without an exception, and the browser comparison runs (Debian Chromium)."""
import subprocess
import sys
from pathlib import Path

import pytest

from bench import page_bench
from tests.e2e.conftest import require_chromium

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_page_bench_small(tmp_path):
    require_chromium()
    done = subprocess.run([sys.executable, "-m", "bench.page_bench", "--projects", "300", "--funds", "1500",
                           "--regions", "5", "--runs", "1", "--browser-runs", "1",
                           "--sqlite-path", str(tmp_path / "pages.db")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for _, title in page_bench.pages():
        assert f"\n{title}" in out
    assert "browser (cold cache): 总览 KPI cards visible" in out
    assert "browser (warm cache): 总览 KPI cards visible" in out
    assert "数据上报" not in out.split("pages measured:")[1]
