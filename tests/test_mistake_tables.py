"""The class report's tables of mistakes: every lesson lists its checks' ids with the section explaining each.

A lesson module's MISTAKES maps each id its checks produce (besides the generic ones) to the heading of the
lesson notebook section that explains it; the heading must exist, so the report never points nowhere.
Each lesson's ids are produced by wrong answers in tests/test_mistakes*.py.
"""

import importlib
import re
from pathlib import Path

import pytest

from coursepkg.checks._core.mistakes import GENERIC, NOTEBOOKS, is_valid, key_of

ROOT = Path(__file__).parents[1]
WRITTEN = [
    n
    for n, stem in NOTEBOOKS.items()
    if (ROOT / "notebooks" / f"{stem}.py").exists() and (ROOT / "coursepkg" / "checks" / f"lesson{n}.py").exists()
]


def _headings(stem):
    text = (ROOT / "notebooks" / f"{stem}.py").read_text()
    return {m[1].strip() for m in re.finditer(r"^# #{2,3} (.+)$", text, flags=re.M)}


@pytest.mark.parametrize("number", WRITTEN)
def test_every_lesson_lists_its_mistakes_with_a_section_that_exists(number):
    module = importlib.import_module(f"coursepkg.checks.lesson{number}")
    table = getattr(module, "MISTAKES", None)
    assert table, f"coursepkg.checks.lesson{number} has no MISTAKES table"
    headings = _headings(NOTEBOOKS[number])
    for mistake, section in table.items():
        assert is_valid(mistake) and "." in mistake, f"{mistake!r} is not '<check>.<key>'"
        assert key_of(mistake) not in GENERIC or key_of(mistake) == "wrong_value", (
            f"{mistake}: generic keys are listed in GENERIC, not per lesson"
        )
        assert section in headings, f"{mistake}: section {section!r} is not a heading of notebooks/{NOTEBOOKS[number]}"
