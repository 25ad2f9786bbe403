"""What the lessons' checks share; a lesson's file (lessonNN.py) holds only what is specific to it.

- `exercise`: the machinery. `Exercise` calls the student's function, compares (every passed comparison
  counts itself), names the likely mistake and raises `CheckFailed`; `cases_for` is the one convention
  for teacher-only cases; `match_components` (from `coursepkg.mixture`) undoes label switching.
- `feedback`: refusing the reference (`forbid`), reading the student's value (`finite_array`,
  `finite_number`, `nonfinite_of_shape`, `labels_array`), numeric answers (`answer_value`, `judge_answer`)
  and the axis=0 diagnosis (`normalised_over_points`).
- `data`: trusted inputs shared by lessons (the mixtures WEIGHTS/MEANS/COVS, GMM3, ZERO_W, GMM_A).
- `references`: reference computations shared by lessons (`sqdist`, `softmax_rows`, `log_joint`, ...).
- `soft_assign`: the soft-assignment check that lessons 01 and 08 both ask for.

A new exercise check is a function `check_<name>(student, hidden=False)` in its lesson's file: its
cases (`cases_for(visible, hidden_extra, hidden)`), a loop calling `ex.call`, a comparison
(`ex.agrees` / `ex.close` / `ex.expect`), the typical mistakes for `ex.name_mistake`, and `ex.passed()`.
"""

from ...mixture import match_components
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
    "WEIGHTS",
    "ZERO_W",
    "CheckFailed",
    "Exercise",
    "SoftAssignWords",
    "answer_value",
    "cases_for",
    "check_soft_assignment",
    "draw_points",
    "finite_array",
    "finite_number",
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
