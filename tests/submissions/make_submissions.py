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

from coursepkg.generate import render  # noqa: E402
from coursepkg.nbgrader_source import find_regions, nbgrader_meta, strip_hidden_tests  # noqa: E402

SOURCE = ROOT / "solutions" / "05_e_step.ipynb"


def source_notebook():
    """The solution the submissions derive from: the course's own 05_e_step exercise notebook."""
    return SOURCE


# Where the E-step exercise lives in the source, and the body of each mistake (indented by the
# region's own indentation). Names available in the region of e_step(X, weights, means, covs):
# X, weights, means, covs, np, log_pdf and the student's logsumexp(a, axis) from exercise 1.
LOG_JOINT = [
    "log_joint = np.column_stack([np.log(weights[k]) + log_pdf(X, means[k], covs[k]) for k in range(len(weights))])",
]
TARGETS = {
    SOURCE: {
        "solution": "ex2_solution",
        "check": "ex2_check",
        "mistakes": {
            "wrong_axis": LOG_JOINT
            + [
                "resp = np.exp(log_joint - logsumexp(log_joint, axis=0))  # normalised over points",
                "return resp, float(np.sum(logsumexp(log_joint, axis=1)))",
            ],
            "pdf_underflow": [
                "pdfs = [np.exp(log_pdf(X, means[k], covs[k])) for k in range(len(weights))]  # underflow to 0",
                "joint = np.column_stack(pdfs) * weights",
                "p_x = joint.sum(axis=1)",
                "return joint / p_x[:, None], float(np.sum(np.log(p_x)))",
            ],
            "infinite_loop": [
                "while True:",
                "    pass",
            ],
            "student_exception": LOG_JOINT
            + [
                "return np.exp(log_joint - log_norm[:, None]), float(np.sum(log_norm))",
            ],
            "transposed": LOG_JOINT
            + [
                "log_px = logsumexp(log_joint, axis=1)",
                "return np.exp(log_joint - log_px[:, None]).T, float(np.sum(log_px))",
            ],
        },
    },
}

FAKE_PASS = 'print("✓ e_step: 9 checks passed (including points 1000 standard deviations away).")'

# student -> (what was done, exercise expected to score 0 or None, phrases the feedback must contain;
# the phrases are the messages of coursepkg.checks.lesson05 and of the grader)
STUDENTS = {
    "wrong_axis": (
        "responsibilities normalised over points (axis=0)",
        "check",
        ["each column sums to 1: you normalised over points (axis=0) instead of over components", "axis=1"],
    ),
    "pdf_underflow": (
        "naive pdf ratio: 0/0 = NaN for far points",
        "check",
        ["your responsibilities on points 1000 standard deviations away contain NaN", "0/0 = NaN", "log-sum-exp"],
    ),
    "infinite_loop": ("`while True: pass` in the E-step", "check", ["timed out after 5 s", "infinite loop"]),
    "deleted_check": (
        "the E-step check cell deleted (solution correct)",
        None,
        ["check cell ex2_check was missing", "restored", "✓ e_step:"],
    ),
    "fake_pass": (
        "check cell replaced by a printed fake pass (and the axis mistake)",
        "check",
        ["check cell ex2_check was edited; the original was restored.", "you normalised over points (axis=0)"],
    ),
    "student_exception": (
        "the E-step uses an undefined name",
        "check",
        ["your function raised NameError: name 'log_norm' is not defined", "at line 5 of your code"],
    ),
    "transposed": (
        "responsibilities returned as (k, n)",
        "check",
        ["came back with shape (3, 40); expected (40, 3). It looks transposed"],
    ),
    "garbage": ("not a notebook at all (not JSON)", "all", ["could not be read as a notebook", "It scores 0"]),
}

GARBAGE = "this is not a notebook: I pasted my answers here instead.\n{ e_step = ???\n"


def target():
    return TARGETS[SOURCE]


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
