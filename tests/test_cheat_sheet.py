"""Lesson 14's table of the course: every lesson link points to a notebook of the course, every function exists."""

import importlib
import re
from pathlib import Path

import pytest

from coursepkg.checks._core.mistakes import NOTEBOOKS

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT / "notebooks" / "14_cheat_sheet.py").read_text()
LINKS = sorted(set(re.findall(r"\]\((\d\d_[a-z0-9_]+)\.ipynb\)", SOURCE)))
TABLE = [line for line in SOURCE.splitlines() if line.startswith("# | ") and "](" in line]
FUNCTIONS = sorted(set(re.findall(r"`([a-z_]+\.[a-z_]+)`", "\n".join(line.rsplit("|", 2)[-2] for line in TABLE))))


def test_the_table_links_every_lesson():
    linked = {stem[:2] for stem in LINKS}
    assert linked >= {f"{n:02d}" for n in range(1, 14)}, sorted(linked)


@pytest.mark.parametrize("stem", LINKS)
def test_every_link_names_a_lesson_of_the_syllabus(stem):
    assert stem == "00_start" or stem in NOTEBOOKS.values(), f"{stem} is not a notebook of the course"


@pytest.mark.parametrize("stem", LINKS)
def test_every_link_points_to_an_existing_notebook(stem):
    if stem in ("11_em_general", "12_em_at_scale") and not (ROOT / "notebooks" / f"{stem}.ipynb").exists():
        pytest.skip(f"{stem} is being written")
    assert (ROOT / "notebooks" / f"{stem}.ipynb").exists()


def test_the_table_names_functions():
    assert len(FUNCTIONS) >= 15, FUNCTIONS


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_function_in_the_table_exists(name):
    module, function = name.split(".")
    assert callable(getattr(importlib.import_module(f"coursepkg.{module}"), function))
