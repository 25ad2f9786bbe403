"""Mistakes as data: the stable id of what a failing check found, for the teacher's class report.

Every failure of a check carries an id `<check>.<key>` (`e_step.wrong_axis`), on `CheckFailed.mistake`:
the key a check gives `Exercise.fail(message, key)` (or the third item of a `name_mistake` entry), else
a generic key the layer knows (`wrong_shape`, `transposed`, `nan`, ... from `Exercise.array`), else
`wrong_value`. The student sees only the message; the id is for counting.

Each lesson module lists the ids its checks produce in `MISTAKES` ({id: the lesson section that explains
it, or None}); GENERIC holds the keys every check can produce (the channel's and the grader's), and
`section_of` finds the section of an id for the report.
"""

import re

# keys any check can produce, whatever the lesson: the channel's failures and the grader's
GENERIC = {
    "not_implemented": "the function still raises NotImplementedError",
    "raised": "the student's function raised an exception",
    "not_a_function": "a value was passed where the check expects the function itself",
    "unreadable_value": "the function returned something the grader cannot read",
    "record_mismatch": "the notebook's record does not match the check (an edited `checks`, a stopped cell)",
    "record_unreadable": "the notebook's record cannot be read",
    "unjudgeable": "the recorded values are of a kind no check expects",
    "not_run": "the check cell left no record: it stopped before the check or never ran",
    "timeout": "the check cell timed out",
    "dead": "the kernel died while the check cell ran",
    "wrong_value": "a wrong value that matches no known mistake",
}

_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)?$")


def mistake_id(check, key=None):
    """The id of mistake `key` of check `check` (an Exercise name such as `e_step`): `e_step.wrong_axis`."""
    return f"{check}.{key or 'wrong_value'}" if check else (key or "wrong_value")


def key_of(mistake):
    """The key part of an id: `wrong_axis` of `e_step.wrong_axis`."""
    return str(mistake).rpartition(".")[2]


def is_valid(mistake):
    return isinstance(mistake, str) and bool(_ID.match(mistake))


def channel_failure_key(text):
    """The key of a failure text the channel produced for a use of the student's object.

    The same text gives the same key in the kernel and in the judge (the record keeps only the text).
    """
    if text.startswith("not implemented yet"):
        return "not_implemented"
    if text.startswith("expected a function"):
        return "not_a_function"
    if "function raised" in text[:200]:
        return "raised"
    return "unreadable_value"


def section_of(mistake, lessons=None):
    """(lesson notebook, section) that explains `mistake`, from the lesson modules' MISTAKES; None if unknown.

    lessons : {notebook stem such as "05_e_step": its checks module}; default: every lesson module
    """
    for notebook, module in (lessons or all_lessons()).items():
        table = getattr(module, "MISTAKES", {})
        if mistake in table:
            return notebook, table[mistake]
    return None


def all_lessons():
    """{notebook stem: checks module} of the lessons whose module lists MISTAKES."""
    import importlib

    lessons = {}
    for number, notebook in NOTEBOOKS.items():
        try:
            module = importlib.import_module(f"coursepkg.checks.lesson{number}")
        except ModuleNotFoundError:  # a lesson of the syllabus not written yet
            continue
        if hasattr(module, "MISTAKES"):
            lessons[notebook] = module
    return lessons


NOTEBOOKS = {
    "01": "01_soft_clustering",
    "02": "02_mixture_generation",
    "03": "03_complete_data_likelihood",
    "04": "04_jensen_lower_bound",
    "05": "05_e_step",
    "06": "06_m_step",
    "07": "07_em_algorithm",
    "08": "08_kmeans_limit",
    "09": "09_choosing_k",
    "10": "10_mean_shift",
    "11": "11_em_general",
    "12": "12_em_at_scale",
    "13": "13_colour_quantisation",
    "14": "14_cheat_sheet",
}
