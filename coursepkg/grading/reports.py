"""Writing the results: the gradebook CSV, one feedback markdown file per student and notebook, results.json.

The feedback shows each check's message, never the hidden test code. Everything a student can
influence (their folder's name, the notebook's name, their error messages and printed output)
is treated as hostile text: a message sits in a code fence longer than any run of backticks in
it, every other piece is HTML-escaped with Markdown's special characters backslash-escaped, and
each is capped in bytes with a note saying how much was cut. Every file is written atomically
(a temporary file renamed over the old one), so a reader never sees half a file and a crash
keeps the last complete version.
"""

import csv
import html
import io
import json
import os
import re
import tempfile
from dataclasses import asdict
from pathlib import Path

from .locked_cells import note_is_about

MESSAGE_BYTES = 4000  # of one check's message in the feedback
NOTE_BYTES = 600  # of one note
FEEDBACK_BYTES = 64_000  # of one feedback file
CELL_BYTES = 200  # of a name or a status in the gradebook
# what can start emphasis, code, a link, a heading, a table cell or strike-through inside a line
# (HTML is escaped first); "_" only where it is not between two letters or digits (intraword "_" is plain)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]#|~]|(?<![^\W_])_|_(?![^\W_]))")


def format_points(x):
    """Points as the gradebook and the feedback show them: 3, 0.5."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def is_graded(status):
    """Whether a row's status says its notebook was graded ("graded", "graded, unsandboxed; ...")."""
    return status.startswith("graded")


def cap(text, limit):
    """`text` cut to at most `limit` UTF-8 bytes (on a character boundary), with a note when cut."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    kept = data[:limit].decode("utf-8", errors="ignore")
    return f"{kept}\n[... {len(data) - len(kept.encode('utf-8'))} more bytes cut]"


def inline(text, limit=NOTE_BYTES):
    """Student-influenced text for a Markdown line: one line, capped, HTML-escaped, Markdown-escaped."""
    one_line = " ".join(cap(str(text), limit).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def fenced(text, limit=MESSAGE_BYTES):
    """`text` as a Markdown code block that nothing in it can close: the fence is longer than any run of
    backticks in the text (a block's content is shown as it is, so it needs no other escaping)."""
    body = cap(text.strip(), limit)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, body, fence]


def _atomic_write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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


def _cell(text):
    """A gradebook cell a spreadsheet shows as text: capped, one line, never read as a formula."""
    text = " ".join(cap(str(text), CELL_BYTES).split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_gradebook(results, path):
    """One row per student and notebook: student, notebook, path, the points of each check cell, total, max,
    status."""
    columns = _columns(results)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", "notebook", "path", *columns, "total", "max", "status"])
    for r in results:
        points = {e.grade_id: format_points(e.points) for e in r.exercises}
        total, maximum = format_points(r.total), format_points(r.max_points) if r.exercises else ""
        writer.writerow(
            [_cell(r.student), _cell(r.notebook), _cell(r.path), *(points.get(c, "") for c in columns), total,
             maximum, _cell(r.status)]
        )
    _atomic_write(path, buffer.getvalue())


def _safe(name):
    return re.sub(r"[^\w.\- ]", "_", name)[:100].lstrip(".") or "_"


def feedback_text(r):
    """The markdown feedback for one NotebookResult (at most about FEEDBACK_BYTES: sections that would go
    over are left out, and the text says so; the score table above them is always complete)."""
    head = [f"# {inline(r.notebook)}: feedback for {inline(r.student)}", ""]
    if not is_graded(r.status):
        head += [f"**This submission could not be graded: {inline(r.status)}.** It scores 0.", ""]
    head += [
        f"**Score: {format_points(r.total)} / {format_points(r.max_points)} points**"
        + (" (written answers to be graded by hand)" if r.manual else ""),
        "",
    ]

    def score(e):
        return f"{format_points(e.points)} / {format_points(e.max_points)}"

    if r.exercises:
        head += ["| exercise | points | result |", "|---|---|---|"]
        head += [f"| {inline(e.grade_id)} | {score(e)} | {'pass' if e.passed else 'fail'} |" for e in r.exercises]
        head.append("")
    sections = []
    for e in r.exercises:
        section = [f"## {inline(e.grade_id)}: {score(e)}, {'pass' if e.passed else 'fail'}", ""]
        section += fenced(e.message) + [""]
        section += [f"- {inline(note)}" for note in e.notes]
        sections.append(section + ([""] if e.notes else []))
    for grade_id, points in r.manual:
        sections.append([f"## {inline(grade_id)}: written answer ({format_points(points)} points), graded by hand", ""])
    other = [n for n in r.notes if not any(note_is_about(n, e.grade_id) for e in r.exercises)]
    if other:
        sections.append(["## Notes", ""] + [f"- {inline(note)}" for note in other] + [""])
    text = "\n".join(head) + "\n"
    for i, section in enumerate(sections):
        block = "\n".join(section) + "\n"
        if len((text + block).encode("utf-8")) > FEEDBACK_BYTES:
            left = len(sections) - i
            text += f"**The feedback was cut at {FEEDBACK_BYTES} bytes: {left} more section(s) left out.**\n\n"
            break
        text += block
    return text + f"_Graded in {r.seconds:.1f} s._\n"


def feedback_path(folder, r):
    """Where the feedback of `r` goes: `folder`/<student>/<notebook>.md, both names made file-safe."""
    return Path(folder) / _safe(r.student) / f"{_safe(r.notebook)}.md"


def write_feedback(results, folder):
    """feedback_text of each result into feedback_path(folder, result)."""
    for r in results:
        _atomic_write(feedback_path(folder, r), feedback_text(r))


def write_json(results, path):
    """All results, with each notebook's total and max, as JSON."""
    data = [{**asdict(r), "total": r.total, "max": r.max_points} for r in results]
    _atomic_write(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
