"""The lesson 04 exercise checks: the reference passes, each typical mistake gets its own message."""

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)
from scipy.special import logsumexp

from coursepkg.checks import lesson04 as checks
from coursepkg.em import e_step, m_step
from coursepkg.em import lower_bound as ref_lower_bound
from coursepkg.gaussian import log_pdf
from coursepkg.mixture import log_likelihood

# ---------------------------------------------------------------- reference solutions


def log_joint(X, gmm):
    with np.errstate(divide="ignore"):
        logw = np.log(gmm.weights)
    return np.stack([logw[j] + log_pdf(X, gmm.means[j], gmm.covariances[j]) for j in range(gmm.k)], axis=1)


def log_post(X, gmm):
    a = log_joint(X, gmm)
    return a - logsumexp(a, axis=1, keepdims=True)


def jensen_gap(w, x):
    w, x = np.asarray(w, float), np.asarray(x, float)
    pos = w > 0
    return float(np.log(w[pos] @ x[pos]) - w[pos] @ np.log(x[pos]))


def zero_gap_case():
    return np.array([0.5, 0.5, 0.0]), np.array([2.0, 2.0, 7.0])


def worst_weight(a, b):
    log_mean = (a - b) / (np.log(a) - np.log(b))
    return (log_mean - b) / (a - b)


def lower_bound(X, q, gmm):
    a = log_joint(X, gmm)
    pos = q > 0
    return float(np.sum(q[pos] * (a[pos] - np.log(q[pos]))))


def kl_gap(X, q, gmm):
    lp = log_post(X, gmm)
    pos = q > 0
    return float(np.sum(q[pos] * (np.log(q[pos]) - lp[pos])))


def em_chain(X, gmm):
    r, ell_old = e_step(X, gmm)
    new = m_step(X, r, reg_covar=0.0)
    return ell_old, lower_bound(X, r, gmm), lower_bound(X, r, new), log_likelihood(X, new)


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_jensen_gap, jensen_gap),
        (checks.check_worst_weight, worst_weight),
        (checks.check_lower_bound, lower_bound),
        (checks.check_kl_gap, kl_gap),
        (checks.check_em_chain, em_chain),
    ]
    answers = [(checks.check_zero_gap, zero_gap_case)]


def test_the_closed_form_is_the_numerical_maximum():
    for a, b in checks.WORST_CASES + checks.WORST_HIDDEN:
        assert worst_weight(a, b) == pytest.approx(checks._argmax_gap(a, b), abs=1e-7)


@pytest.mark.parametrize("hidden", [False, True])
def test_identity_with_both_functions(hidden, capsys):
    checks.check_kl_gap(kl_gap, student_lower_bound=lower_bound, hidden=hidden)
    assert "log p(X) = L + KL with your two functions" in capsys.readouterr().out


def test_identity_catches_a_wrong_lower_bound():
    with pytest.raises(AssertionError, match=r"log p\(X\) - \(L \+ KL\)"):
        checks.check_kl_gap(kl_gap, student_lower_bound=lambda X, q, g: lower_bound(X, q, g) + 0.1)


def test_calling_the_reference_is_refused():
    with pytest.raises(AssertionError, match="coursepkg.em.lower_bound"):
        checks.check_lower_bound(lambda X, q, g: ref_lower_bound(X, q, g))
    with pytest.raises(AssertionError, match="coursepkg.em.e_step"):
        checks.check_kl_gap(lambda X, q, g: float(np.sum(q * (np.log(q) - np.log(e_step(X, g)[0])))))


def lower_bound_imported_at_call_time(X, q, gmm):
    from coursepkg.em import lower_bound as reference  # invisible among the notebook's globals

    return reference(X, q, gmm)


def lower_bound_through_the_package(X, q, gmm):
    import coursepkg.em

    return coursepkg.em.lower_bound(X, q, gmm)


def kl_gap_imported_at_call_time(X, q, gmm):
    from coursepkg.mixture import log_likelihood as log_p

    return float(log_p(X, gmm)) - lower_bound(X, q, gmm)


def kl_gap_with_the_e_step_imported_at_call_time(X, q, gmm):
    from coursepkg import e_step as reference_e_step  # the package's re-export

    post = reference_e_step(X, gmm)[0]
    pos = q > 0
    return float(np.sum(q[pos] * (np.log(q[pos]) - np.log(post[pos]))))


def kl_gap_with_log_density_imported_at_call_time(X, q, gmm):
    from coursepkg.mixture import log_density

    post = log_joint(X, gmm) - log_density(X, gmm)[:, None]
    pos = q > 0
    return float(np.sum(q[pos] * (np.log(q[pos]) - post[pos])))


def lower_bound_as_log_p_through_coursepkg(X, q, gmm):
    from coursepkg.mixture import log_density  # not refused; inside, it calls the refused weighted_log_prob

    return float(log_density(X, gmm).sum())


def em_chain_with_the_reference_bound_imported_at_call_time(X, gmm):
    from coursepkg.em import lower_bound as reference

    r, ell_old = e_step(X, gmm)
    new = m_step(X, r, reg_covar=0.0)
    return ell_old, reference(X, r, gmm), reference(X, r, new), log_likelihood(X, new)


@pytest.mark.parametrize(
    "check, wrong, message",
    [
        (checks.check_lower_bound, lower_bound_imported_at_call_time, "calls coursepkg.em.lower_bound, which"),
        (checks.check_lower_bound, lower_bound_through_the_package, "calls coursepkg.em.lower_bound, which"),
        (checks.check_kl_gap, kl_gap_imported_at_call_time, "calls coursepkg.mixture.log_likelihood: .* subtraction"),
        (checks.check_kl_gap, kl_gap_with_the_e_step_imported_at_call_time, "calls coursepkg.em.e_step; the posterior"),
        (checks.check_kl_gap, kl_gap_with_log_density_imported_at_call_time, "calls coursepkg.mixture.log_density;"),
        (checks.check_em_chain, em_chain_with_the_reference_bound_imported_at_call_time, "your own bound"),
        (checks.check_lower_bound, lower_bound_as_log_p_through_coursepkg, r"that is log p\(X\) itself"),
    ],
)
def test_a_reference_imported_inside_the_function_is_refused_too(check, wrong, message):
    with pytest.raises(AssertionError, match=message):
        check(wrong)


def test_the_references_are_restored_after_a_check():
    import coursepkg
    from coursepkg import em, mixture

    before = (coursepkg.lower_bound, em.lower_bound, em.e_step, mixture.log_likelihood)
    with pytest.raises(AssertionError):
        checks.check_kl_gap(kl_gap_imported_at_call_time)
    checks.check_lower_bound(lower_bound)
    assert (coursepkg.lower_bound, em.lower_bound, em.e_step, mixture.log_likelihood) == before
    assert em.lower_bound is ref_lower_bound


def test_subtracting_the_reference_log_likelihood_is_named():
    with pytest.raises(AssertionError, match=r"by subtraction, log p\(X\) - L"):
        checks.check_kl_gap(lambda X, q, g: float(log_likelihood(X, g)) - lower_bound(X, q, g))


def test_the_chain_reports_the_two_rises(capsys):
    checks.check_em_chain(em_chain)
    out = capsys.readouterr().out
    assert "the bound climbed" in out and "the gap reopened by" in out


# ---------------------------------------------------------------- typical mistakes (messages)


def _q_term(X, q, g):
    a = log_joint(X, g)
    pos = q > 0
    return float(np.sum(q[pos] * a[pos]))


def _entropy(q):
    pos = q > 0
    return -float(np.sum(q[pos] * np.log(q[pos])))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda w, x: float(np.log(np.sum(w * x)) - np.sum(w * np.log(x))), r"0 \* log 0"),
        (lambda w, x: -jensen_gap(w, x), "sign is flipped"),
        (lambda w, x: float(np.log(np.mean(x)) - np.mean(np.log(x))), "without the weights"),
        (lambda w, x: jensen_gap(w, x) / np.log(2), "log base 2"),
        (lambda w, x: jensen_gap(w, x) + 0.01, r"log\(sum w x\) - sum w log x is"),
    ],
)
def test_jensen_gap_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_jensen_gap(wrong)


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda: (np.array([0.5, 0.5]), np.array([3.0, 3.0])), "too easy"),
        (lambda: (np.array([0.5, 0.5]), np.array([1.0, 3.0])), "not 0"),
        (lambda: (np.array([0.7, 0.5]), np.array([1.0, 3.0])), "sum to 1"),
        (lambda: (np.array([1.5, -0.5]), np.array([1.0, 3.0])), "never negative"),
        (lambda: (np.array([1.0, 0.0]), np.array([1.0, 0.0])), "positive values"),
        (lambda: (np.array([1.0, 0.0]), np.array([1.0, 2.0, 3.0])), "same length"),
        (lambda: (np.array([0.5, 0.5]), np.array([2.0, 2.0 + 1e-9])), "differ only by 1.0e-09: the gap is not 0"),
        (lambda: (np.array([1.0, 0.0]), np.array([2.0, 2.0 + 1e-9])), "a rounding error rather than a distinct"),
        (lambda: np.array([1.0, 0.0]), "pair"),
    ],
)
def test_zero_gap_mistakes(answer, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_zero_gap(answer)


@pytest.mark.parametrize(
    "answer, values",
    [
        (lambda: (np.array([0.5, 0.5, 0.0]), np.array([2.0, 2.0, 7.0])), "the value 2; the values with weight 0, (7)"),
        (lambda: (np.array([1.0, 0.0]), np.array([3.0, 1.0])), "the value 3; the values with weight 0, (1)"),
    ],
)
def test_zero_gap_says_why_the_gap_vanishes(answer, values, capsys):
    checks.check_zero_gap(answer)
    out = capsys.readouterr().out
    assert values in out and "exactly 0" in out and "distinct" not in out


def _numerical_search(a, b):
    """A maximiser found by a tight numerical search on the gap itself, not by a derivation."""
    from scipy.optimize import minimize_scalar

    gap = lambda w: np.log(w * a + (1 - w) * b) - w * np.log(a) - (1 - w) * np.log(b)  # noqa: E731
    return float(minimize_scalar(lambda w: -gap(w), bounds=(0, 1), method="bounded", options={"xatol": 1e-12}).x)


@pytest.mark.parametrize(
    "form",
    [
        lambda a, b: b / (b - a) - 1 / np.log(b / a),
        lambda a, b: 1 / np.log(a / b) - b / (a - b),
    ],
)
def test_other_algebraic_forms_of_the_closed_form_pass(form):
    checks.check_worst_weight(form, hidden=True)


def _from_mean(mean_of):
    return lambda a, b: (mean_of(a, b) - b) / (a - b)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda a, b: 0.5, "not symmetric"),
        (lambda a, b: 1 - worst_weight(a, b), "weight of b"),
        (_from_mean(lambda a, b: np.sqrt(a * b)), "geometric mean"),
        (_from_mean(lambda a, b: -(a - b) / np.log(a / b)), "sign slipped"),
        (_from_mean(lambda a, b: (a - b) / np.log10(a / b)), "log base 10"),
        (lambda a, b: 1.7, r"outside \[0, 1\]"),
        (lambda a, b: worst_weight(a, b) + 0.01, "found numerically"),
        (_numerical_search, "close, but not on it"),
        (lambda a, b: worst_weight(a, b) + 2e-6, "close, but not on it"),
    ],
)
def test_worst_weight_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_worst_weight(wrong)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, q, g: float(np.sum(q * (log_joint(X, g) - np.log(q)))), r"0 \* log 0"),
        (_q_term, "forgot the entropy term"),
        (lambda X, q, g: _q_term(X, q, g) - _entropy(q), "wrong sign"),
        (
            lambda X, q, g: lower_bound(X, q, g) - float(np.sum(q * np.log(np.maximum(g.weights, 1e-300)))),
            "forgot log pi_k",
        ),
        (lambda X, q, g: float(logsumexp(log_joint(X, g), axis=1).sum()), "log p\\(X\\) itself"),
        (lambda X, q, g: lower_bound(X, q, g) / len(X), "averaged over points"),
    ],
)
def test_lower_bound_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_lower_bound(wrong)


def _reverse_kl(X, q, g):
    p = np.exp(log_post(X, g))
    pos = p > 0
    return float(np.sum(p[pos] * (np.log(p[pos]) - np.log(q[pos]))))


def _posterior_over_points_kl(X, q, g):
    a = log_joint(X, g)
    post = a - logsumexp(a, axis=0, keepdims=True)
    pos = q > 0
    return float(np.sum(q[pos] * (np.log(q[pos]) - post[pos])))


def _column_shift_kl(X, q, g):
    a = log_joint(X, g)
    shift = a.max(axis=0, keepdims=True)  # the largest of each column, not of each row
    post = a - (shift + np.log(np.exp(a - shift).sum(axis=1, keepdims=True)))
    pos = q > 0
    return float(np.sum(q[pos] * (np.log(q[pos]) - post[pos])))


def _naive_posterior_kl(X, q, g):
    joint = np.exp(log_joint(X, g))
    post = joint / joint.sum(axis=1, keepdims=True)
    pos = q > 0
    return float(np.sum(q[pos] * (np.log(q[pos]) - np.log(post[pos]))))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, q, g: float(np.sum(q * (np.log(q) - log_post(X, g)))), r"0 \* log 0"),
        (_reverse_kl, r"KL\(posterior \|\| q\)"),
        (lambda X, q, g: -kl_gap(X, q, g), "sign is flipped"),
        (lambda X, q, g: -lower_bound(X, q, g), "joint p\\(x, z\\) instead of the posterior"),
        (lambda X, q, g: kl_gap(X, q, g) / len(X), "averaged over points"),
        (_naive_posterior_kl, "log-sum-exp|in log space"),
        (_posterior_over_points_kl, r"over the points \(axis 0\).*over axis 1"),
        (_column_shift_kl, "the shift cancels only if it is the same"),
    ],
)
def test_kl_gap_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message), np.errstate(all="ignore"):
        checks.check_kl_gap(wrong)


def chain_variant(kind):
    def em_chain(X, gmm):
        r, ell_old = e_step(X, gmm)
        new = m_step(X, r) if kind == "reg" else m_step(X, r, reg_covar=0.0)
        r_new = e_step(X, new)[0]
        terms = [ell_old, lower_bound(X, r, gmm), lower_bound(X, r, new), log_likelihood(X, new)]
        if kind == "new_q":
            terms[2] = lower_bound(X, r_new, new)
        elif kind == "old_uniform":
            terms[1] = lower_bound(X, np.full_like(r, 1 / gmm.k), gmm)
        elif kind == "reversed":
            terms = terms[::-1]
        elif kind == "per_point":
            terms = [t / len(X) for t in terms]
        elif kind == "ell_old":
            terms[0] += 1.0
        elif kind == "L_new":
            terms[2] += 1.0
        elif kind == "ell_new":
            terms[3] += 1.0
        elif kind == "L_new_at_old":
            terms[2] = terms[1]
        elif kind == "ell_new_at_old":
            terms[3] = log_likelihood(X, gmm)
        return tuple(terms)

    return em_chain


@pytest.mark.parametrize(
    "kind, message",
    [
        ("new_q", "posterior at theta_new"),
        ("old_uniform", "the bound touches the log-likelihood"),
        ("reg", "reg_covar=0"),
        ("reversed", r"reverse order; the expected order is \(ell_old, L_old, L_new, ell_new\)"),
        ("L_new_at_old", "your L_new equals L_old: you evaluated the bound at theta_old"),
        ("ell_new_at_old", "your ell_new equals ell_old"),
        ("per_point", "per point"),
        ("ell_old", "log p\\(X \\| theta_old\\)"),
        ("L_new", "with q from the E-step"),
        ("ell_new", "log p\\(X \\| theta_new\\)"),
    ],
)
def test_em_chain_mistakes(kind, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_em_chain(chain_variant(kind))
