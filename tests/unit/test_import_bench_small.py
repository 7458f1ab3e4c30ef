"""The import bench (bench/import_bench.py) at a small size on SQLite: it runs end to end, the import
writes every row of the workbook, ``python cli.py import`` does too (the database then holds its
batch and the workbook's projects), and the table has every row."""
from __future__ import annotations

import sqlite3
from contextlib import closing

from bench import import_bench

LABELS = ["read (read_workbook)", "validate (_Plan.check)", "write rows (_Plan.write)", "rebuild monthly_fact",
          "of which in the background", "rest (names, archive, waiting, commit)", "total import_workbook",
          "total / fastest plain read",
          "dry run (preview), total", "python cli.py import (whole process)", "less total import_workbook",
          "start-up: python cli.py batches", 'of which python -c "import cli"', "of which python -c pass",
          "peak memory, importing process", "peak memory, reader worker",
          "memory before the imports (baseline)", "python-calamine, all sheets to_python",
          "openpyxl read_only iter_rows", "read_workbook, .xlsx", "read_workbook, .xls", "read_workbook, .ods"]


def test_import_bench_small_sqlite(tmp_path, capsys):
    code = import_bench.main(["--rows", "300", "--funds", "2000", "--engines", "sqlite", "--plain-runs", "1",
                              "--cli-runs", "1",
                              "--sqlite-path", str(tmp_path / "import_bench.db"), "--out-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert (tmp_path / "import_bench_300x2000.xlsx").is_file()
    assert "sqlite: imported 300 projects" in out
    assert "sqlite: python cli.py import wrote 300 projects" in out
    with closing(sqlite3.connect(tmp_path / "import_bench.db")) as conn:  # the last import was the CLI's
        assert conn.execute("SELECT uploaded_by, year, month, status FROM import_batch").fetchall() == \
            [("cli", 2026, 10, "active")]
        assert conn.execute("SELECT count(*) FROM project").fetchone() == (300,)
    assert "WRONG" not in out
    lines = out.splitlines()
    for label in LABELS:
        assert any(line.lstrip().startswith(label) for line in lines), label
    assert "targets: total < 5 s on SQLite, ≤ 3× plain read, peak memory < 500 MB" in out
    total = next(line for line in lines if line.startswith("total import_workbook"))
    assert " OK " in total or " SLOW " in total  # marked against the target
