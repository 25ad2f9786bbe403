"""What the lessons' checks share; a lesson's file (lessonNN.py) holds only what is specific to it.

- `exercise`: the machinery. `Exercise` calls the student's function, compares (every passed comparison
  counts itself), names the likely mistake and raises `CheckFailed` (from `failure`, which also finds the
  student's line in a traceback); `cases_for` is the one convention for teacher-only cases;
  `match_components` (from `coursepkg.mixture`) undoes label switching.
- `channel`: the one way a check touches the student's objects (`@exercise_check`, the uses behind
  `ex.call`, `forbid`, `ex.is_callable`, `ex.read`, `ex.given`), recorded in the grader's kernel and
  replayed by the grader's judge; `plain`: the plain data (JSON) a record carries.
- `feedback`: refusing the reference (`forbid`), reading the student's value (`finite_array`,
  `finite_number`, `nonfinite_of_shape`, `labels_array`), numeric answers (`answer_value`, `judge_answer`)
  and the axis=0 diagnosis (`normalised_over_points`).
- `data`: trusted inputs shared by lessons (the mixtures WEIGHTS/MEANS/COVS, GMM3, ZERO_W, GMM_A).
- `references`: reference computations shared by lessons (`sqdist`, `softmax_rows`, `log_joint`, ...).
- `soft_assign`: the soft-assignment check that lessons 01 and 08 both ask for.

A new exercise check is a function `check_<name>(student, hidden=False)` in its lesson's file, decorated
with `@exercise_check`: its cases (`cases_for(visible, hidden_extra, hidden)`), a loop calling `ex.call`,
a comparison (`ex.agrees` / `ex.close` / `ex.expect`), the typical mistakes for `ex.name_mistake`, and
`ex.passed()`. The notebook's check cell calls it as `checks.check_<name>(<student's name>)` and, between
the hidden-test markers, `checks.check_<name>(<student's name>, hidden=True)`.

How a check is graded: three parts, so that the verdict is not reached in the student's interpreter.

1. The inputs. The check builds every input itself, as a pure function of its arguments: from constants,
   from data built when the lesson is imported, or from a generator it seeds itself
   (`np.random.default_rng(7)` inside the check). The grader's judge builds them again and must get the
   same ones.
2. The evaluation, in the student's kernel. Every use of a student's object goes through the channel;
   when grading, the kernel records each outcome as plain data (what the function returned, or the
   failure text: their exception at their line, "not implemented yet", ...) with a fingerprint of the
   inputs, and the check displays that record when it ends.
3. The judge, in the grader's process (`coursepkg.grading.judge`). It runs the same check function with
   stubs in place of the student's objects: each use returns the next recorded outcome. So the
   comparisons, the mistake found and the words printed are the grader's own; what a student can change
   in their kernel (numpy, builtins, `checks`, IPython) only changes the outputs, which their function
   could have returned anyway.

So that a check works when graded, it must:
- be decorated with `@exercise_check`; every parameter but `hidden` is a student's object (a function, or
  a numeric answer), and `hidden` is the only other one (a constant in the cell);
- use the student's objects only through the channel: `ex.call(f, ...)` to call one, `forbid(ex, f, [...])`
  to refuse a reference, `ex.is_callable(a)` / `ex.read(a)` for an answer given as a function or a number
  (`answer_value` does both), `ex.given(a)` for an optional argument (not `a is not None`);
- build its inputs as in 1. and compute everything else from them and from what `ex.call` returned;
- expect only plain data back: numbers, strings, None, numeric or boolean numpy arrays and scalars, tuples,
  lists, dicts with str keys, a `coursepkg.mixture.GMM` (add a type to `plain` if an exercise needs one);
- speak through `ex.passed` (the ✓ line) and `ex.fail` / `CheckFailed` (the ✗ text).
It must not: draw from a module-level generator or keep a cache between calls (the kernel and the judge
would see different inputs); call, inspect or compare the student's objects directly (`callable(f)`,
`f.__code__`, `f is None`, passing `f` to numpy or to another helper that calls it); call methods of what
the student returned beyond those plain types; print anything else that the verdict depends on.
`tests/test_judge.py` checks every public check for the decorator, and `tests/checks_helpers.py` runs every
check test case a second time, recorded and judged, and asserts the same verdict and words.
"""

from ...mixture import match_components
from .channel import RECORD_MIME, capture_records, exercise_check, is_exercise_check
from .data import COVS, GMM3, GMM_A, MEANS, WEIGHTS, ZERO_W, draw_points
from .exercise import FAIL_MARK, PASS_MARK, CheckFailed, Exercise, cases_for
from .feedback import (
    answer_value,
    finite_array,
    finite_number,
    forbid,
    judge_answer,
    labels_array,
    nonfinite_of_shape,
    normalised_over_points,
    uses_reference,
)
from .references import log_gauss, log_joint, reference_e_step, softmax_rows, sqdist
from .soft_assign import SoftAssignWords, check_soft_assignment, judge_soft_assignment

__all__ = [
    "COVS",
    "FAIL_MARK",
    "GMM3",
    "GMM_A",
    "MEANS",
    "PASS_MARK",
    "RECORD_MIME",
    "WEIGHTS",
    "ZERO_W",
    "CheckFailed",
    "Exercise",
    "SoftAssignWords",
    "answer_value",
    "capture_records",
    "cases_for",
    "check_soft_assignment",
    "draw_points",
    "exercise_check",
    "finite_array",
    "finite_number",
    "is_exercise_check",
    "forbid",
    "judge_answer",
    "judge_soft_assignment",
    "labels_array",
    "log_gauss",
    "log_joint",
    "nonfinite_of_shape",
    "match_components",
    "normalised_over_points",
    "reference_e_step",
    "softmax_rows",
    "sqdist",
    "uses_reference",
]
