"""Every notebook is stored clean and in sync with its py:percent twin.

Regenerating the text file from the .ipynb must give the committed .py
(up to the jupytext version stamp), so an edit to one without the other fails.
"""

import json
import re
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("notebooks", "solutions", "exercises") for p in (ROOT / folder).glob("*.ipynb"))


def _strip_version(text):
    return re.sub(r"^#\s+jupytext_version: .*\n", "", text, flags=re.MULTILINE)


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_there_are_lessons():
    lessons = [p.name for p in NOTEBOOKS if p.parent.name == "notebooks"]
    assert "00_start.ipynb" in lessons


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_paired_text_file_in_sync(path):
    twin = path.with_suffix(".py")
    assert twin.exists(), f"{path.name} has no paired py:percent file; run: jupytext --sync {path}"
    regenerated = jupytext.writes(jupytext.read(path), fmt="py:percent")
    assert _strip_version(regenerated) == _strip_version(twin.read_text()), (
        f"{twin.relative_to(ROOT)} is out of sync with {path.name}; run: jupytext --sync {twin.relative_to(ROOT)}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_stored_clean(path):
    data = json.loads(path.read_text())
    outputs = sum(len(c.get("outputs", [])) for c in data["cells"] if c["cell_type"] == "code")
    assert outputs == 0, f"{path.name} is stored with {outputs} outputs; clear them"
    assert all(c.get("execution_count") is None for c in data["cells"] if c["cell_type"] == "code")
    assert "widgets" not in data["metadata"], f"{path.name} stores widget state"
    assert data["metadata"]["kernelspec"]["name"] == "python3"


LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_relative_links_resolve_inside_the_course(path):
    """Every relative link in a markdown cell points at a file of the course folder (the server's root)."""
    data = json.loads(path.read_text())
    for cell in data["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for target in LINK.findall("".join(cell["source"])):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue  # web address or anchor
            resolved = (path.parent / target.split("#")[0]).resolve()
            assert resolved.is_relative_to(ROOT), f"{path.name}: link {target} leaves the course folder"
            assert resolved.exists(), f"{path.name}: link {target} points at nothing"


def test_make_course_serves_the_course_folder_and_opens_the_start_page():
    """Links from lessons to exercises need the server rooted at the course folder, not notebooks/."""
    makefile = (ROOT / "Makefile").read_text()
    assert "--ServerApp.root_dir=." in makefile and "--LabApp.default_url=$(START_PAGE)" in makefile
    start = re.search(r"^START_PAGE := /lab/tree/(\S+)$", makefile, flags=re.MULTILINE)
    assert start and (ROOT / start.group(1)).exists()
