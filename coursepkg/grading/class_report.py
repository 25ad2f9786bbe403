"""The class report for teachers: which mistakes the class made, and how often.

    python -m coursepkg report DIR        # rebuild it from DIR/results.json alone

`grade(..., out=DIR)` writes it after the gradebook, from the results.json it wrote, so the report
`coursepkg report DIR` rebuilds is the same:

- `DIR/class_report.md` (and `DIR/class_report.html`, the same rendered with markdown-it, raw HTML off):
  per notebook the distribution of scores; per exercise its pass rate and the mistakes ranked by how
  many students made them, each with the lesson section that explains it (from the lesson module's
  MISTAKES, see `coursepkg.checks._core.mistakes`);
- `DIR/class_report_<notebook>.png`: per notebook, the pass rate of each exercise and the top mistakes;
- `DIR/mistakes.csv`: one row per student, notebook, exercise and mistake id, with the check's message.

Student names and texts are escaped as in the feedback files (`reports.inline`); every file is written
atomically.
"""

import csv
import html
import io
import json
import os
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from ..checks._core.mistakes import GENERIC, key_of
from .reports import _atomic_write, _cell, _safe, cap, format_points, inline, is_graded

REPORT_MD = "class_report.md"
REPORT_HTML = "class_report.html"
MISTAKES_CSV = "mistakes.csv"
TOP_MISTAKES = 8  # in each figure
NAMES_SHOWN = 12  # students named per mistake in the report
MESSAGE_BYTES = 300  # of a message in the report; mistakes.csv keeps CSV_MESSAGE_BYTES
CSV_MESSAGE_BYTES = 2000
_NOT_ATTEMPTED = ("not_implemented", "not_run")


def read_results(folder):
    """The rows of `folder`/results.json (as grading wrote them)."""
    path = Path(folder) / "results.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path} is not a list of results")
    return data


def _sections(notebook):
    """{mistake id: section} of the lesson module of `notebook` (empty when none is known)."""
    from .judge import checks_module_for

    try:
        return dict(getattr(checks_module_for(notebook), "MISTAKES", {}))
    except (ValueError, ImportError):
        return {}


def explained_in(notebook, mistake, sections):
    """Where the lesson explains `mistake`: "05_e_step, § 2. ...", or what the generic id means."""
    if mistake in sections:
        section = sections[mistake]
        return f"{notebook}, § {section}" if section else notebook
    key = key_of(mistake)
    if key in GENERIC:
        return GENERIC[key]
    return notebook


# ---------------------------------------------------------------- the numbers


def summarise(data):
    """{notebook: summary} from the rows of results.json; every count counts students, not calls."""
    notebooks = {}
    for row in sorted(data, key=lambda r: (str(r.get("notebook")), str(r.get("student")))):
        nb = notebooks.setdefault(
            str(row.get("notebook")),
            {"rows": [], "ungraded": [], "exercises": {}, "order": []},
        )
        if not is_graded(str(row.get("status", ""))):
            nb["ungraded"].append(row)
            continue
        nb["rows"].append(row)
        for e in row.get("exercises", []):
            gid = str(e["grade_id"])
            if gid not in nb["exercises"]:
                nb["order"].append(gid)
                nb["exercises"][gid] = {"passed": [], "failed": [], "mistakes": defaultdict(list), "messages": {}}
            ex = nb["exercises"][gid]
            (ex["passed"] if e.get("passed") else ex["failed"]).append(row["student"])
            for mistake in dict.fromkeys(e.get("mistakes") or []):  # once per student
                ex["mistakes"][mistake].append(row["student"])
                ex["messages"].setdefault(mistake, str(e.get("message", "")))
    return notebooks


def _ranked(ex):
    return sorted(ex["mistakes"].items(), key=lambda item: (-len(item[1]), item[0]))


def _nobody_attempted(ex):
    """Every student failed it only with not_implemented / not_run (nobody wrote anything that ran)."""
    if ex["passed"] or not ex["failed"]:
        return False
    attempted = {s for m, students in ex["mistakes"].items() if key_of(m) not in _NOT_ATTEMPTED for s in students}
    return not attempted


def _all_timed_out(nb):
    if not nb["rows"] or not nb["exercises"]:
        return False
    for ex in nb["exercises"].values():
        if ex["passed"] or not ex["failed"]:
            return False
        timed = {s for m, students in ex["mistakes"].items() if key_of(m) == "timeout" for s in students}
        if set(ex["failed"]) - timed:
            return False
    return True


# ---------------------------------------------------------------- the markdown


def _percent(part, whole):
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _names(students):
    shown = ", ".join(inline(s, 100) for s in students[:NAMES_SHOWN])
    return shown + (f" and {len(students) - NAMES_SHOWN} more" if len(students) > NAMES_SHOWN else "")


def _trusted(text):
    """The course's own words (a lesson section) for a table cell: HTML and the cell separator escaped."""
    return html.escape(str(text), quote=False).replace("|", "\\|")


def figure_name(notebook):
    return f"class_report_{_safe(notebook)}.png"


def report_text(data):
    """The class report (markdown) for the rows of results.json."""
    notebooks = summarise(data)
    students = sorted({str(r.get("student")) for r in data})
    lines = ["# Class report: which mistakes, how often", ""]
    if not data:
        return "\n".join(lines + ["**No submissions were found: there is nothing to report.**", ""])
    graded = sum(len(nb["rows"]) for nb in notebooks.values())
    lines += [
        f"{len(data)} submitted notebook(s) from {len(students)} student(s); {graded} graded, "
        f"{len(data) - graded} could not be graded.",
        "",
        "Counts are of students: a student who makes a mistake twice in one exercise counts once. "
        "The mistake ids are in `mistakes.csv`, one row per student, exercise and mistake.",
        "",
    ]
    for name, nb in notebooks.items():
        lines += _notebook_section(name, nb)
    return "\n".join(lines)


def _notebook_section(name, nb):
    lines = [f"## {inline(name)}", ""]
    rows, ungraded = nb["rows"], nb["ungraded"]
    if ungraded:
        lines += [f"{len(ungraded)} submission(s) could not be graded (they score 0 and are left out below):", ""]
        lines += [f"- {inline(r.get('student'), 100)}: {inline(r.get('status'), 300)}" for r in ungraded]
        lines.append("")
    if not rows:
        return lines + ["**No submission of this notebook could be graded: there are no scores or mistakes.**", ""]
    if _all_timed_out(nb):
        lines += [
            "**Every check of this notebook timed out in every graded submission**: the scores below say nothing "
            "about the students' answers. Look for a slow setup cell, or grade again with a longer --timeout.",
            "",
        ]
    maximum = rows[0].get("max", 0)
    scores = Counter(float(r.get("total", 0)) for r in rows)
    mean = sum(float(r.get("total", 0)) for r in rows) / len(rows)
    lines += [
        f"### Scores of the {len(rows)} graded submission(s)",
        "",
        f"Mean {mean:.2f} / {format_points(maximum)} points.",
        "",
        "| score | students |",
        "|---|---|",
    ]
    lines += [
        f"| {format_points(s)} / {format_points(maximum)} | {n} |" for s, n in sorted(scores.items(), reverse=True)
    ]
    lines += ["", f"![pass rate and top mistakes of {inline(name)}]({figure_name(name)})", ""]
    lines += ["### Exercises", "", "| exercise | passed | pass rate | top mistake |", "|---|---|---|---|"]
    for gid in nb["order"]:
        ex = nb["exercises"][gid]
        total = len(ex["passed"]) + len(ex["failed"])
        ranked = _ranked(ex)
        top = f"`{ranked[0][0]}` ({len(ranked[0][1])})" if ranked else "–"
        lines.append(
            f"| {inline(gid)} | {len(ex['passed'])} of {total} | {_percent(len(ex['passed']), total)} | {top} |"
        )
    lines.append("")
    sections = _sections(name)
    for gid in nb["order"]:
        lines += _exercise_section(name, gid, nb["exercises"][gid], sections)
    return lines


def _exercise_section(notebook, gid, ex, sections):
    total = len(ex["passed"]) + len(ex["failed"])
    lines = [f"#### {inline(gid)}: {len(ex['passed'])} of {total} passed ({_percent(len(ex['passed']), total)})", ""]
    if _nobody_attempted(ex):
        lines += [
            "**Nobody attempted this exercise**: every submission still raises NotImplementedError there "
            "(or its check never ran).",
            "",
        ]
    if not ex["failed"]:
        return lines + ["Every student passed.", ""]
    ranked = _ranked(ex)
    if not ranked:
        return lines + ["The failures name no mistake (a check cell graded in the student's kernel).", ""]
    lines += [
        "| mistake | students | explained in | students who made it | the check said (first) |",
        "|---|---|---|---|---|",
    ]
    for mistake, who in ranked:
        message = inline(ex["messages"].get(mistake, ""), MESSAGE_BYTES)
        lines.append(
            f"| `{mistake}` | {len(who)} | {_trusted(explained_in(notebook, mistake, sections))} | {_names(who)} | "
            f"{message} |"
        )
    return lines + [""]


# ---------------------------------------------------------------- mistakes.csv


def mistakes_csv(data):
    """student, notebook, exercise, mistake, message: one row per mistake id of each failed exercise."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["student", "notebook", "exercise", "mistake", "message"])
    for row in sorted(data, key=lambda r: (str(r.get("student")), str(r.get("notebook")))):
        if not is_graded(str(row.get("status", ""))):
            continue
        for e in row.get("exercises", []):
            for mistake in dict.fromkeys(e.get("mistakes") or []):
                message = " ".join(cap(str(e.get("message", "")), CSV_MESSAGE_BYTES).split())
                writer.writerow(
                    [
                        _cell(row.get("student")),
                        _cell(row.get("notebook")),
                        _cell(e["grade_id"]),
                        _cell(mistake),
                        "'" + message if message[:1] in ("=", "+", "-", "@") else message,
                    ]
                )
    return buffer.getvalue()


# ---------------------------------------------------------------- the figures and the HTML


def figure_png(name, nb):
    """The PNG (bytes) of one notebook: pass rate per exercise, and its most frequent mistakes."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    order = nb["order"]
    rates = []
    for gid in order:
        ex = nb["exercises"][gid]
        total = len(ex["passed"]) + len(ex["failed"])
        rates.append(100 * len(ex["passed"]) / total if total else 0)
    counts = Counter()
    for ex in nb["exercises"].values():
        for mistake, who in ex["mistakes"].items():
            counts[mistake] += len(who)
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_MISTAKES]
    fig = Figure(figsize=(10, max(2.5, 0.45 * max(len(order), len(top), 1) + 1.2)))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.4]})
    left.barh(range(len(order)), rates, color="tab:green")
    left.set_yticks(range(len(order)), [str(g)[:30] for g in order])
    left.set_xlim(0, 100)
    left.invert_yaxis()
    left.set_xlabel("students who passed (%)")
    left.set_title(f"{name[:40]}: pass rate")
    if top:
        right.barh(range(len(top)), [n for _, n in top], color="tab:red")
        right.set_yticks(range(len(top)), [m[:40] for m, _ in top])
        right.invert_yaxis()
        right.set_xlabel("students")
        right.xaxis.get_major_locator().set_params(integer=True)
    else:
        right.text(0.5, 0.5, "no mistakes named", ha="center", va="center", transform=right.transAxes)
        right.set_yticks([])
    right.set_title("top mistakes")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    return buffer.getvalue()


def _atomic_write_bytes(path, data):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def html_text(markdown):
    """The report as a standalone HTML page; raw HTML in the markdown stays text (html disabled)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    style = (
        "body{font-family:sans-serif;max-width:75em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
        "img{max-width:100%}code{background:#f4f4f4}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Class report</title>\n'
        f"<style>{style}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def write_class_report(data, out):
    """Write class_report.md, class_report.html, mistakes.csv and one figure per notebook into `out`;
    returns the path of the markdown report."""
    out = Path(out)
    text = report_text(data)
    for name, nb in summarise(data).items():
        if nb["rows"]:
            _atomic_write_bytes(out / figure_name(name), figure_png(name, nb))
    _atomic_write(out / MISTAKES_CSV, mistakes_csv(data))
    _atomic_write(out / REPORT_HTML, html_text(text))
    _atomic_write(out / REPORT_MD, text)
    return out / REPORT_MD


def rebuild(folder):
    """`coursepkg report DIR`: the class report of DIR rebuilt from DIR/results.json alone."""
    return write_class_report(read_results(folder), folder)
