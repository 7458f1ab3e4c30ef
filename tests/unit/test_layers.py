"""The layers go one way (STYLE.md): data_access/, metrics/ and reports/ never reach ui/, views/ or
streamlit, so the command line, the tests and any other program use them without a page."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("streamlit", "ui", "views")


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", ["data_access", "metrics", "reports"])
def test_lower_layers_do_not_reach_the_pages(layer):
    offenders = {str(p.relative_to(ROOT)): sorted(imported(p) & set(FORBIDDEN))
                 for p in (ROOT / layer).rglob("*.py")}
    assert {p: names for p, names in offenders.items() if names} == {}
