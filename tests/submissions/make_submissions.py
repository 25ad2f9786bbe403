"""Build the deliberately wrong submissions used by tests/test_grading.py.

    python tests/submissions/make_submissions.py          # (re)write tests/submissions/<student>/*.ipynb

Each "student" is the E-step solution notebook as a student would hand it in (hidden tests
stripped, outputs cleared) with one thing changed: a solution region replaced by a typical
mistake, or a check cell deleted or edited. Deriving them from the solution keeps them in
sync with it; the test suite checks that the committed files equal a fresh build.
"""

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from coursepkg.generate import find_regions, nbgrader_meta, render, strip_hidden_tests  # noqa: E402

REAL_SOURCE = ROOT / "solutions" / "05_e_step.ipynb"
FIXTURE_SOURCE = ROOT / "tests" / "fixtures" / "solutions" / "05_e_step.ipynb"


def source_notebook():
    """The solution the submissions derive from: the course's 05_e_step once TARGETS says where its
    E-step exercise is, else the test fixture."""
    return REAL_SOURCE if REAL_SOURCE.exists() and REAL_SOURCE in TARGETS else FIXTURE_SOURCE


# Where the E-step exercise lives in each source, and the body of each mistake (indented by
# the region's own indentation). Variables available in the fixture's region: X, gmm, np,
# weighted_log_prob, log_sum_exp.
TARGETS = {
    FIXTURE_SOURCE: {
        "solution": "ex2_solution",
        "check": "ex2_check",
        "mistakes": {
            "wrong_axis": [
                "log_joint = weighted_log_prob(X, gmm)",
                "joint = np.exp(log_joint - log_joint.max())",
                "return joint / joint.sum(axis=0, keepdims=True)",
            ],
            "pdf_underflow": [
                "joint = np.exp(weighted_log_prob(X, gmm))",
                "return joint / joint.sum(axis=1, keepdims=True)",
            ],
            "infinite_loop": [
                "while True:",
                "    pass",
            ],
            "student_exception": [
                "log_joint = weighted_log_prob(X, gmm)",
                "return np.exp(log_joint - log_norm[:, None])",
            ],
            "transposed": [
                "log_joint = weighted_log_prob(X, gmm)",
                "return np.exp(log_joint - log_sum_exp(log_joint)[:, None]).T",
            ],
        },
    },
}

FAKE_PASS = 'print("✓ e_step: 6 checks passed (including points 1000 standard deviations away).")'

# student -> (what was done, exercise expected to score 0 or None, words the feedback must contain)
STUDENTS = {
    "wrong_axis": ("responsibilities normalised over points (axis=0)", "check", ["axis"]),
    "pdf_underflow": ("naive pdf ratio: 0/0 = NaN for far points", "check", ["NaN"]),
    "infinite_loop": ("`while True: pass` in the E-step", "check", ["timed out after"]),
    "deleted_check": ("the E-step check cell deleted (solution correct)", None, ["was missing", "restored"]),
    "fake_pass": (
        "check cell replaced by a printed fake pass (and the axis mistake)",
        "check",
        ["was edited", "restored", "axis"],
    ),
    "student_exception": ("the E-step uses an undefined name", "check", ["NameError", "log_norm"]),
    "transposed": ("responsibilities returned as (k, n)", "check", ["transposed"]),
    "garbage": ("not a notebook at all (not JSON)", "all", ["could not be read"]),
}

GARBAGE = "this is not a notebook: I pasted my answers here instead.\n{ e_step = ???\n"


def target():
    return TARGETS[source_notebook()]


def student_copy(solution):
    """The solution as a perfect student would hand it in: no hidden tests, no outputs."""
    nb = nbformat.reads(nbformat.writes(solution), as_version=4)
    for cell in nb.cells:
        cell.source = strip_hidden_tests(cell.source)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def replace_region(nb, grade_id, body):
    """Replace the (first) solution region of cell `grade_id` by `body`, at the region's indentation."""
    cell = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)
    region = next(r for r in find_regions(cell.source) if r.kind == "SOLUTION")
    lines = cell.source.splitlines()
    lines[region.begin + 1 : region.end] = [region.indent + line for line in body]
    cell.source = "\n".join(lines)


def build():
    """{relative path: text} of every wrong submission."""
    spec = target()
    solution = nbformat.read(source_notebook(), as_version=4)
    name = source_notebook().name
    files = {}
    for student in STUDENTS:
        if student == "garbage":
            files[f"{student}/{name}"] = GARBAGE
            continue
        nb = student_copy(solution)
        if student in spec["mistakes"]:
            replace_region(nb, spec["solution"], spec["mistakes"][student])
        elif student == "deleted_check":
            nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") != spec["check"]]
        elif student == "fake_pass":
            replace_region(nb, spec["solution"], spec["mistakes"]["wrong_axis"])
            check = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == spec["check"])
            check.source = FAKE_PASS
        files[f"{student}/{name}"] = render(nb)[0]
    return files


def main():
    files = build()
    for relative, text in files.items():
        path = HERE / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    for path in HERE.glob("*/*.ipynb"):
        if str(path.relative_to(HERE)) not in files:
            path.unlink()
            print(f"removed {path.relative_to(ROOT)} (no longer built)")


if __name__ == "__main__":
    main()
