"""The 项目库 search bench at a small size (SQLite): it runs end to end."""
from bench import projects_bench


def test_projects_bench_small(tmp_path, capsys):
    code = projects_bench.main(["--projects", "2000", "--funds", "5000", "--regions", "6", "--engines", "sqlite",
                                "--runs", "1", "--sqlite-path", str(tmp_path / "projects.db")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "search with no match" in out and "target: < 200 ms per page (median)" in out
