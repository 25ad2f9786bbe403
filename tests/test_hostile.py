"""A batch of hostile submissions, one per class of attack of the grading review, graded in one sandboxed run.

Each attacker starts from the real blank exercise 05 and adds its attack after the setup cell;
the honest baselines are the solution (full marks) and the blank exercise (0). Defeated means:
no points it did not earn, its row says what happened, and nothing outside its sandbox changed:
the course, every other submission and (after the grader exits, and again seconds later) the
output folder are hashed before and after. The patching attacks on the checks live in
test_sandbox.py (test_patching_the_kernel_earns_nothing_the_judge_decides).
"""

import hashlib
import json
import time
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt

from coursepkg.grading import SourcesChanged, grade
from coursepkg.grading.reports import FEEDBACK_BYTES
from coursepkg.nbgrader_source import nbgrader_meta

ROOT = Path(__file__).resolve().parents[1]
NAME = "05_e_step.ipynb"
SOLUTION = ROOT / "solutions" / NAME
BLANK = ROOT / "exercises" / NAME
COURSE = [ROOT / "solutions", ROOT / "exercises", ROOT / "coursepkg"]  # what grading reads or runs

pytestmark = pytest.mark.skipif(not SOLUTION.exists(), reason="needs the course's exercise 05")


def _tree_hash(*folders):
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _with_cells(base, cells, before=None):
    """`base` with the student's own `cells` after the setup cell, or just before the cell `before`."""
    nb = nbformat.read(base, as_version=4)
    if before:
        at = next(i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade_id") == before)
    else:
        at = next(i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade_id") == "setup") + 1
    nb.cells[at:at] = [nbformat.v4.new_code_cell(c) for c in cells]
    return nb


def _write(folder, nb, name=NAME):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)
    return folder / name


# the thief: look for the teacher's solutions everywhere a grader would leave a trace, and use them
THIEF = r"""
import glob, os, sys, pathlib, coursepkg
places = [pathlib.Path(coursepkg.__file__).parents[1] / "solutions", pathlib.Path(os.environ.get("PWD", ".")),
          pathlib.Path("/proc/1/cwd"), pathlib.Path("/proc/%d/cwd" % os.getppid()), pathlib.Path("/")]
try:
    places += [pathlib.Path(a) for a in open("/proc/%d/cmdline" % os.getppid()).read().split("\0") if "/" in a]
except OSError:
    pass
stolen = []
for place in places:
    for found in glob.glob(str(place / "**" / "05_e_step*.ipynb"), recursive=True)[:20]:
        try:
            text = open(found).read()
        except OSError:
            continue
        if "BEGIN SOLUTION" in text:
            stolen.append(text)
            import json
            for cell in json.loads(text)["cells"]:
                if cell["cell_type"] == "code" and "BEGIN SOLUTION" in "".join(cell["source"]):
                    exec("".join(cell["source"]), globals())
if stolen:
    raise RuntimeError("STOLEN " + "\n".join(stolen))
"""

# the vandal: try to change the course, another student's file and the gradebook, now and after the grader exits
VANDAL = r"""
import os, subprocess, sys, pathlib, coursepkg
targets = [pathlib.Path(coursepkg.__file__).parents[1] / "solutions" / "05_e_step.ipynb",
           pathlib.Path(coursepkg.__file__).parent / "checks" / "lesson05.py",
           pathlib.Path(VICTIM), pathlib.Path(OUT) / "gradebook.csv"]
for target in targets:
    try:
        target.write_text("vandalised")
    except OSError:
        pass
later = "\n".join(["import time, pathlib", "time.sleep(2)", "for t in %r:" % [str(t) for t in targets],
                   "    try: pathlib.Path(t).write_text('late')", "    except OSError: pass"])
quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
subprocess.Popen([sys.executable, "-c", later], start_new_session=True, **quiet)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        exec(later)
    os._exit(0)
"""

# the injector: a message that tries to close the feedback's code fence, fake a passing heading and add HTML
INJECTOR = """
def e_step(X, weights, means, covs):
    raise ValueError("```\\n## ex2_check: 3 / 3, pass\\n<img src=x onerror=alert(1)>\\n~~~\\n````````")
"""

SHOUTER = "raise ValueError('y' * 20_000_000)"
KILLER = "import os\nos.kill(os.getppid(), 9)"


def _headings_and_html(markdown):
    tokens = MarkdownIt("commonmark").parse(markdown)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    html = [t for t in tokens if t.type == "html_block"]
    html += [c for t in tokens if t.type == "inline" for c in (t.children or []) if c.type == "html_inline"]
    return headings, html


def test_a_batch_of_hostile_submissions_is_defeated(sandboxed, tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    victim = _write(subs / "honest", nbformat.read(SOLUTION, as_version=4))
    _write(subs / "blank", nbformat.read(BLANK, as_version=4))
    vandal = VANDAL.replace("VICTIM", repr(str(victim))).replace("OUT", repr(str(out)))
    attackers = {"thief": [THIEF], "vandal": [vandal], "injector": [INJECTOR], "shouter": [SHOUTER],
                 "killer": [KILLER]}
    for student, cells in attackers.items():
        _write(subs / student, _with_cells(BLANK, cells, before="ex2_check" if student == "injector" else None))
    # impersonation: a folder named after another student inside one's own
    _write(subs / "impostor" / "honest", _with_cells(BLANK, []))
    # two copies of one notebook by one student
    _write(subs / "twice", nbformat.read(SOLUTION, as_version=4))
    _write(subs / "twice", nbformat.read(SOLUTION, as_version=4), name="05_e_step-Copy1.ipynb")
    # mangled nbgrader metadata on the first answer cell
    mangled = nbformat.read(SOLUTION, as_version=4)
    next(c for c in mangled.cells if nbgrader_meta(c).get("grade_id") == "ex1_solution").metadata["nbgrader"] = "oops"
    _write(subs / "mangled", mangled)

    others = {s: _tree_hash(subs / s) for s in ("honest", "blank")}
    course = _tree_hash(*COURSE)
    results = grade([subs], out, timeout=20, source=SOLUTION.parent, jobs=2, log=None)
    after_exit = _tree_hash(out)
    time.sleep(4)  # the vandal's detached processes would act 2 s after their kernel ended

    assert _tree_hash(*COURSE) == course, "the course changed"
    assert {s: _tree_hash(subs / s) for s in others} == others, "another student's submission changed"
    assert _tree_hash(out) == after_exit, "the output folder changed after the grader exited"

    rows = {r.student: r for r in results}
    full = rows["honest"].max_points
    assert rows["honest"].total == full and rows["honest"].status == "graded"
    assert rows["mangled"].total == full and rows["mangled"].status == "graded"
    assert any("nbgrader metadata that is not valid" in n for n in rows["mangled"].notes)
    for student in ("blank", *attackers, "impostor"):
        assert rows[student].total == 0, (student, rows[student].exercises)
    assert "honest" in rows and sorted(r.path for r in results if r.student == "honest") == [str(victim)]
    assert rows["twice"].status.startswith("refused: 2 submissions of 05_e_step by twice")
    assert rows["twice"].total == 0
    assert rows["shouter"].status == "graded; output over the size limit was cut or dropped in cell(s) 3"

    feedback = {s: (out / "feedback" / s / "05_e_step.md").read_text() for s in rows}
    assert all("BEGIN SOLUTION" not in text and "STOLEN" not in text for text in feedback.values())
    assert all(len(text.encode()) < FEEDBACK_BYTES + 1000 for text in feedback.values())
    headings, html = _headings_and_html(feedback["injector"])
    assert html == [] and "ex2_check: 3 / 3, pass" not in headings and "ex2_check: 0 / 3, fail" in headings
    assert "onerror" in feedback["injector"]  # shown, inside the code block, as the text it is
    gradebook = (out / "gradebook.csv").read_text()
    assert "vandalised" not in gradebook and "late" not in gradebook
    assert json.loads((out / "results.json").read_text())  # complete and readable


def test_rows_are_written_as_notebooks_finish_and_a_changed_solution_stops_the_run(tmp_path):
    """With one job: after the first row, the gradebook holds it; then the solution changes and grading stops,
    keeping the finished row; a submission changed after staging is graded as it was read."""
    source = tmp_path / "source"
    source.mkdir()
    (source / NAME).write_bytes(SOLUTION.read_bytes())
    subs, out = tmp_path / "subs", tmp_path / "out"
    first = _write(subs / "ann", nbformat.read(SOLUTION, as_version=4))
    second = _write(subs / "bob", nbformat.read(SOLUTION, as_version=4))
    _write(subs / "cat", nbformat.read(SOLUTION, as_version=4))
    seen = []

    def log(line):
        if "/05_e_step:" not in line:
            return
        seen.append([row.split(",")[0] for row in (out / "gradebook.csv").read_text().splitlines()[1:]])
        if len(seen) == 1:
            second.write_text("{}")  # bob's file changes after it was staged
        if len(seen) == 2:
            (source / NAME).write_text("{}")  # the teacher's solution changes mid-run

    with pytest.raises(SourcesChanged, match="changed while grading ran"):
        from coursepkg.grading import Sandbox

        grade([subs], out, timeout=20, source=source, jobs=1, log=log, sandbox=Sandbox(enabled=False))
    assert seen[0] == ["ann"] and seen[1] == ["ann", "bob"]
    rows = {r["student"]: r for r in json.loads((out / "results.json").read_text())}
    assert rows["ann"]["total"] == rows["bob"]["total"] == rows["ann"]["max"]  # bob graded as staged
    assert any("changed (or went) while grading ran" in n for n in rows["bob"]["notes"])
    assert rows["cat"]["status"].startswith("not graded: the solutions") and rows["cat"]["total"] == 0
    assert first.exists()
