"""The one check of soft assignments r_nk = softmax_k(-beta/2 ||x_n - mu_k||^2), for lessons 01 and 08.

Lesson 01's `soft_assign` and lesson 08's `soft_responsibilities` ask for the same function. Each
lesson keeps its exercise name, cases and wording (`SoftAssignWords`); the judging is this one, with
every diagnosis of both: NaN from exponentiating without the max-shift, rows that do not sum to 1
(normalised over points), and the exponent without the 1/2, with the distance, with the wrong sign,
with 1/beta, or the hard one-hot table.
"""

from dataclasses import dataclass, field

import numpy as np

from .feedback import nonfinite_of_shape, normalised_over_points
from .references import softmax_rows, sqdist

# the default wording of each typical mistake; an exercise words some of them its own way
MISTAKES = {
    "no_half": "you used exp(-beta ||x - mu||^2): the exponent is -beta/2 times the squared distance",
    "sqrt": "you used the distance, not the squared distance, in the exponent",
    "sign": "the sign of the exponent is flipped: far centres get the largest weight. Use exp(-beta/2 d^2)",
    "one_hot": "you returned the hard one-hot table; the soft table is a softmax, not an argmin",
    "inverse_beta": "beta is the inverse variance: the exponent is -beta/2 d^2",
}


@dataclass(frozen=True)
class SoftAssignWords:
    """How one exercise words the feedback; the templates take {case} (and {sums}, the first row sums).

    table : what `Exercise.array` calls the result
    nan : the failure for a (n, k) or (k, n) table with NaN or infinite values
    rows_over_points, rows_other : rows not summing to 1, with the columns summing to 1 or not
    differs : the last resort, followed by the largest difference from the reference
    mistake_order : the keys of MISTAKES in the order the exercise tries them
    mistake_words : its own wording for some of them
    """

    table: str
    nan: str
    rows_over_points: str
    rows_other: str
    differs: str
    mistake_order: tuple = tuple(MISTAKES)
    mistake_words: dict = field(default_factory=dict)

    def __post_init__(self):
        if sorted(self.mistake_order) != sorted(MISTAKES):
            raise ValueError(f"mistake_order must order all of {sorted(MISTAKES)}; got {self.mistake_order}.")


def typical_mistakes(d2, beta):
    """What each typical mistake returns for the squared distances d2 (n, k) and inverse variance beta."""
    return {
        "no_half": softmax_rows(-beta * d2),
        "sqrt": softmax_rows(-0.5 * beta * np.sqrt(d2)),
        "sign": softmax_rows(0.5 * beta * d2),
        "one_hot": np.eye(d2.shape[1])[np.argmin(d2, axis=1)],
        "inverse_beta": softmax_rows(-0.5 / max(beta, 1e-300) * d2),
    }


def judge_soft_assignment(ex, raw, X, centers, beta, case, words):
    """Compare what the student returned for (X, centers, beta) with the reference; fail naming the mistake."""
    n, k = len(X), len(centers)
    if nonfinite_of_shape(raw, (n, k), (k, n)) is not None:
        ex.fail(words.nan.format(case=case), "nan")
    got = ex.array(raw, (n, k), words.table.format(case=case))
    d2 = sqdist(X, centers)
    want = softmax_rows(-0.5 * beta * d2)
    if ex.agrees(got, want, rtol=1e-7, atol=1e-10):
        return
    sums = got.sum(axis=1)
    if not np.allclose(sums, 1.0):
        over_points = normalised_over_points(got)
        template = words.rows_over_points if over_points else words.rows_other
        key = "wrong_axis" if over_points else "rows_not_normalised"
        ex.fail(template.format(case=case, sums=np.round(sums[:3], 4)), key)
    values = typical_mistakes(d2, beta)
    wrong = [(values[key], words.mistake_words.get(key, MISTAKES[key]), key) for key in words.mistake_order]
    ex.name_mistake(got, wrong, f"on {case}", rtol=1e-6, atol=1e-9)
    ex.close(got, want, words.differs.format(case=case))


def check_soft_assignment(ex, student, cases, words):
    """Run the student's function on each (X, centers, beta, description) of `cases` and judge it."""
    for X, centers, beta, case in cases:
        raw = ex.call(student, X, centers, beta, case=case)
        judge_soft_assignment(ex, raw, X, centers, beta, case, words)
