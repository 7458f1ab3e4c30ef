"""Every setting is documented in the README's configuration table."""
from pathlib import Path

import pytest

from data_access.settings import SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_setting_is_in_readme_table(setting):
    assert f"| `{setting.env}` | `{setting.default}` |" in README
