"""Writing the results: the gradebook CSV, one feedback markdown file per student and notebook, results.json.

The feedback shows each check's message, never the hidden test code.
"""

import csv
import json
import re
from dataclasses import asdict
from pathlib import Path

from .locked_cells import note_is_about


def format_points(x):
    """Points as the gradebook and the feedback show them: 3, 0.5."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def write_reports(results, out):
    """Write `out`/gradebook.csv, `out`/feedback/<student>/<notebook>.md and `out`/results.json."""
    out = Path(out)
    write_gradebook(results, out / "gradebook.csv")
    write_feedback(results, out / "feedback")
    write_json(results, out / "results.json")


def _columns(results):
    """Exercise grade_ids in the order of the notebooks (by name) and of the cells."""
    columns = []
    for name in sorted({r.notebook for r in results}):
        ids = next((r.exercises for r in results if r.notebook == name and r.exercises), [])
        columns.extend(e.grade_id for e in ids if e.grade_id not in columns)
    return columns


def write_gradebook(results, path):
    """One row per student and notebook: student, notebook, the points of each check cell, total, max, status."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = _columns(results)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "notebook", *columns, "total", "max", "status"])
        for r in results:
            points = {e.grade_id: format_points(e.points) for e in r.exercises}
            total, maximum = format_points(r.total), format_points(r.max_points) if r.exercises else ""
            writer.writerow([r.student, r.notebook, *(points.get(c, "") for c in columns), total, maximum, r.status])


def _safe(name):
    return re.sub(r"[^\w.\- ]", "_", name) or "_"


def feedback_text(r):
    """The markdown feedback for one NotebookResult."""
    lines = [f"# {r.notebook}: feedback for {r.student}", ""]
    if r.status != "graded":
        lines += [f"**This submission could not be graded: {r.status}.** It scores 0.", ""]
    lines += [
        f"**Score: {format_points(r.total)} / {format_points(r.max_points)} points**"
        + (" (written answers to be graded by hand)" if r.manual else ""),
        "",
    ]

    def score(e):
        return f"{format_points(e.points)} / {format_points(e.max_points)}"

    if r.exercises:
        lines += ["| exercise | points | result |", "|---|---|---|"]
        lines += [f"| {e.grade_id} | {score(e)} | {'pass' if e.passed else 'fail'} |" for e in r.exercises]
        lines.append("")
    for e in r.exercises:
        lines += [f"## {e.grade_id}: {score(e)}, {'pass' if e.passed else 'fail'}", ""]
        lines += ["```", e.message.strip(), "```", ""]
        lines += [f"- {note}" for note in e.notes]
        if e.notes:
            lines.append("")
    for grade_id, points in r.manual:
        lines += [f"## {grade_id}: written answer ({format_points(points)} points), graded by hand", ""]
    other = [n for n in r.notes if not any(note_is_about(n, e.grade_id) for e in r.exercises)]
    if other:
        lines += ["## Notes", ""] + [f"- {note}" for note in other] + [""]
    lines.append(f"_Graded in {r.seconds:.1f} s._")
    return "\n".join(lines) + "\n"


def write_feedback(results, folder):
    """feedback_text of each result into `folder`/<student>/<notebook>.md."""
    for r in results:
        target = Path(folder) / _safe(r.student) / f"{_safe(r.notebook)}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(feedback_text(r), encoding="utf-8")


def write_json(results, path):
    """All results, with each notebook's total and max, as JSON."""
    data = [{**asdict(r), "total": r.total, "max": r.max_points} for r in results]
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
