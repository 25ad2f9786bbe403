"""The lesson 07 exercise checks: the reference passes, each typical mistake gets its own message."""

from itertools import permutations

import numpy as np
import pytest
from checks_helpers import CheckContract, judged_in_the_grader_too  # noqa: F401 (autouse)

from coursepkg import em
from coursepkg.checks import lesson07 as checks
from coursepkg.em import e_step, m_step
from coursepkg.mixture import expected_complete_log_likelihood

# ---------------------------------------------------------------- reference solutions


def run_em(X, init, max_iter, reg_covar=1e-6):
    gmm = init
    resp, ll = e_step(X, gmm)
    history = [ll]
    for _ in range(max_iter):
        gmm = m_step(X, resp, reg_covar)
        resp, ll = e_step(X, gmm)
        history.append(ll)
    return gmm, history


def make_until(scale=True, extra=0, start_check=False, strict_tol_sign=1):
    def em_until_converged(X, init, tol, max_iter, reg_covar=1e-6):
        n = len(X) if scale else 1
        gmm = init
        resp, ll = e_step(X, gmm)
        history = [ll]
        converged = False
        pending = None
        for _ in range(max_iter):
            gmm = m_step(X, resp, reg_covar)
            resp, ll = e_step(X, gmm)
            history.append(ll)
            if pending is not None:
                pending -= 1
                if pending < 0:
                    converged = True
                    break
            if strict_tol_sign * (history[-1] - history[-2]) / n < tol:
                if extra:
                    pending = extra - 1
                    continue
                converged = True
                break
        return gmm, history, converged

    return em_until_converged


em_until_converged = make_until()


def best_of(X, starts, tol, max_iter, pick=np.argmax, by_start=False, start_best=-np.inf):
    runs = [em_until_converged(X, s, tol, max_iter) for s in starts]
    if start_best != -np.inf:  # a running best that starts at start_best: None if no run beats it
        best_gmm, best_ll = None, start_best
        for gmm, history, _ in runs:
            if history[-1] > best_ll:
                best_gmm, best_ll = gmm, history[-1]
        return best_gmm, float(best_ll)
    if by_start:
        i = int(np.argmax([e_step(X, s)[1] for s in starts]))
    else:
        i = int(pick([r[1][-1] for r in runs]))
    return runs[i][0], float(runs[i][1][-1])


def em_gain_parts(X, gmm, reg_covar=0.0):
    resp, ll = e_step(X, gmm)
    new = m_step(X, resp, reg_covar)
    resp_new, ll_new = e_step(X, new)
    dq = expected_complete_log_likelihood(X, resp, new) - expected_complete_log_likelihood(X, resp, gmm)
    return ll_new - ll, dq, float(np.sum(resp * (np.log(resp) - np.log(resp_new))))


def stopping_tol():
    return 3e-6


def predicted_stop(tight=1e-8, rate_power=1.0, log_factor=1.0):
    """The stop at tol=tight predicted from the tol=1e-5 run; rate_power and log_factor make the typical slips."""
    X, start = checks._slow_problem()
    _, history, _ = em_until_converged(X, start, 1e-5, 500, reg_covar=0.0)
    gains = np.diff(history) / len(X)
    rate = (gains[-1] / gains[-2]) ** rate_power
    return (len(history) - 1) + log_factor * float(np.log(tight / gains[-1]) / np.log(rate))


def largest_difference(gmm_a, gmm_b, pick=min, what=("weights", "means", "covariances"), match=True, l2=False):
    orders = [list(o) for o in permutations(range(gmm_a.k))] if match else [list(range(gmm_a.k))]

    def term(name, order):
        d = getattr(gmm_a, name) - getattr(gmm_b, name)[order]
        return np.max(np.linalg.norm(d, axis=1)) if (l2 and name == "means") else np.max(np.abs(d))

    def diff(order):
        return max(term(name, order) for name in what)

    return float(pick(diff(o) for o in orders))


class TestEveryCheck(CheckContract):
    good = [
        (checks.check_run_em, run_em),
        (checks.check_em_until_converged, em_until_converged),
        (checks.check_best_of, best_of),
        (checks.check_gain_parts, em_gain_parts),
        (checks.check_largest_difference, largest_difference),
    ]
    answers = [(checks.check_stopping_tol, stopping_tol), (checks.check_stop_prediction, predicted_stop)]


def test_calling_fit_em_is_refused():
    def uses_fit_em(X, init, max_iter, reg_covar=1e-6):
        r = em.fit_em(X, init, max_iter=max_iter, tol=0.0, reg_covar=reg_covar)
        return r.gmm, r.history

    with pytest.raises(AssertionError, match="calls coursepkg.em.fit_em"):
        checks.check_run_em(uses_fit_em)


# ---------------------------------------------------------------- the loop


def _run_variant(kind):
    def student(X, init, max_iter, reg_covar=1e-6):
        gmm = init
        resp, ll = e_step(X, gmm)
        history = [] if kind == "no_start" else [ll]
        for t in range(max_iter):
            if kind == "no_last" and t > 0:
                history.append(ll)
            gmm = m_step(X, resp, 1e-6 if kind == "ignore_reg" else reg_covar)
            new_resp, ll = e_step(X, gmm)
            if kind != "stale":
                resp = new_resp
            if kind in ("no_start", "ignore_reg", "stale"):
                history.append(ll)
            if kind == "per_point":
                history.append(ll)
        if kind == "per_point":
            history = [h / len(X) for h in history]
        if kind == "extra":
            gmm = m_step(X, resp, reg_covar)
        return gmm, history

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_run_variant("no_start"), "history\\[0\\] must be the log-likelihood of the starting parameters"),
        (_run_variant("no_last"), "misses the last value"),
        (_run_variant("per_point"), "per point"),
        (_run_variant("ignore_reg"), "ignored the reg_covar argument"),
        (_run_variant("stale"), "agrees with the reference up to step 1 and then differs"),
        (lambda X, init, max_iter, reg=1e-6: run_em(X, init, max_iter + 1, reg), "should have 13"),
        (lambda X, init, max_iter, reg=1e-6: (init, run_em(X, init, max_iter, reg)[1]), "final weights differ"),
        (lambda X, init, max_iter, reg=1e-6: run_em(X, init, max_iter, reg)[1], "should return a pair"),
        (lambda X, init, max_iter, reg=1e-6: (run_em(X, init, max_iter, reg)[0], None), "history is None"),
        (lambda X, init, max_iter, reg=1e-6: (run_em(X, init, max_iter, reg)[0], "rising"), "flat list of numbers"),
        (lambda X, init, max_iter, reg=1e-6: ("gmm", run_em(X, init, max_iter, reg)[1]), "should be a GMM"),
    ],
)
def test_run_em_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_run_em(wrong)


def test_run_em_a_history_that_dips_is_named():
    def dipping_history(X, init, max_iter, reg_covar=1e-6):
        gmm, h = run_em(X, init, max_iter, reg_covar)
        h = list(h)
        h[3] = h[3] - 50.0
        return gmm, h

    with pytest.raises(AssertionError, match="then differs"):
        checks.check_run_em(dipping_history)


# ---------------------------------------------------------------- the stopping rule


@pytest.mark.parametrize(
    "wrong, message",
    [
        (make_until(scale=False), "you compared the total gain with tol"),
        (make_until(extra=1), "one iteration too many"),
        (make_until(strict_tol_sign=-1), "stopped after the first iteration"),
        (lambda X, init, tol, max_iter, reg=1e-6: (*run_em(X, init, max_iter, reg), False), "never stopped early"),
        (lambda X, init, tol, max_iter, reg=1e-6: em_until_converged(X, init, tol, max_iter, reg)[:2], "triple"),
        (
            lambda X, init, tol, max_iter, reg=1e-6: (*em_until_converged(X, init, tol, max_iter, reg)[:2], True),
            "used up max_iter",
        ),
        (
            lambda X, init, tol, max_iter, reg=1e-6: (*em_until_converged(X, init, tol, max_iter, reg)[:2], "yes"),
            "True or False",
        ),
    ],
)
def test_em_until_converged_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_em_until_converged(wrong)


@pytest.mark.parametrize(
    "prediction, message",
    [
        (lambda: predicted_stop(rate_power=0.5), "twice the iterations needed"),
        (lambda: predicted_stop(log_factor=1 / np.log(10)), "too small by a factor ln 10"),
        (lambda: predicted_stop(log_factor=np.log(10)), "too large by a factor ln 10"),
        (lambda: predicted_stop(tight=np.sqrt(1e-8 * 1e-5)), "half the iterations needed"),
        (33, "that is where the run with tol = 1e-05 stops"),
        (20, "it cannot stop earlier"),
        (120, "EM stops at iteration 97"),
        (lambda: "soon", "should be a number"),
    ],
)
def test_stop_prediction_mistakes(prediction, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_stop_prediction(prediction)


@pytest.mark.parametrize("prediction", [93.5, 97, 100.9])
def test_stop_prediction_accepts_four_iterations_either_side(prediction, capsys):
    checks.check_stop_prediction(prediction)
    assert "✓ predicted_stop" in capsys.readouterr().out


def test_stopping_one_iteration_early_is_named():
    def early(X, init, tol, max_iter, reg_covar=1e-6):
        _, history, converged = em_until_converged(X, init, tol, max_iter, reg_covar)
        return run_em(X, init, max(len(history) - 2, 1), reg_covar) + (converged,)

    with pytest.raises(AssertionError, match="one iteration early"):
        checks.check_em_until_converged(early)


# ---------------------------------------------------------------- restarts


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda X, s, tol, it: best_of(X, s, tol, it, pick=np.argmin), "kept the worst run"),
        (lambda X, s, tol, it: best_of(X, s, tol, it, pick=lambda v: len(v) - 1), "returned the last run"),
        (lambda X, s, tol, it: best_of(X, s, tol, it, by_start=True), "whose \\*start\\* had the highest"),
        (lambda X, s, tol, it: (best_of(X, s, tol, it)[0], -1.0), "is not that of the mixture you return"),
        (lambda X, s, tol, it: (best_of(X, s, tol, it)[0], "best"), "should be a number"),
        (lambda X, s, tol, it: best_of(X, s, tol, it)[0], "should return a pair"),
        (lambda X, s, tol, it: best_of(X, s, tol, it, start_best=0.0), "no run beat the value your running best"),
    ],
)
def test_best_of_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_best_of(wrong)


def test_best_of_accepts_permuted_components(capsys):
    def permuted(X, s, tol, it):
        gmm, ll = best_of(X, s, tol, it)
        return gmm.permuted(list(range(gmm.k))[::-1]), ll

    checks.check_best_of(permuted)
    assert "✓ best_of" in capsys.readouterr().out


# ---------------------------------------------------------------- the gain decomposition


def _parts(kind):
    def student(X, gmm):
        resp, ll = e_step(X, gmm)
        new = m_step(X, resp, 0.0)
        resp_new, ll_new = e_step(X, new)
        Q = expected_complete_log_likelihood
        dq = Q(X, resp, new) - Q(X, resp, gmm)
        kl = float(np.sum(resp * (np.log(resp) - np.log(resp_new))))
        d_ll = ll_new - ll
        if kind == "per_point":
            d_ll /= len(X)
        elif kind == "sign":
            d_ll = -d_ll
        elif kind == "new_resp":
            dq = Q(X, resp_new, new) - Q(X, resp_new, gmm)
        elif kind == "reverse":
            kl = float(np.sum(resp_new * (np.log(resp_new) - np.log(resp))))
        elif kind == "negative":
            kl = -kl
        elif kind == "inconsistent":
            return d_ll, dq, kl + 0.0
        return d_ll, dq, kl

    return student


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_parts("per_point"), "delta_ll is per point"),
        (_parts("sign"), "wrong sign"),
        (_parts("new_resp"), "both Q values with the new responsibilities"),
        (_parts("reverse"), "the wrong way round"),
        (_parts("negative"), "below 0, and a KL divergence never is"),
        (lambda X, g: em_gain_parts(X, g, reg_covar=1e-6), "those of the regularised M-step"),
        (lambda X, g: (1.0, 2.0), "triple"),
    ],
)
def test_gain_parts_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_gain_parts(wrong)


# ---------------------------------------------------------------- choosing a tolerance


@pytest.mark.parametrize(
    "tol, message",
    [
        (1e-3, "plateau"),
        (1e-4, "too loose"),
        (1e-6, "too tight"),
        (0.0, "never fires"),
        (1e-300, "never fired"),
        (10.0, "too loose"),
    ],
)
def test_stopping_tol_mistakes(tol, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_stopping_tol(lambda: tol)


@pytest.mark.parametrize("tol", [1.5e-6, 5e-6])
def test_stopping_tol_accepts_the_window(tol, capsys):
    checks.check_stopping_tol(tol)
    assert "✓ stopping_tol" in capsys.readouterr().out


# ---------------------------------------------------------------- matching two fits


def _mean_abs(gmm_a, gmm_b):
    order = min(permutations(range(gmm_a.k)), key=lambda o: np.abs(gmm_a.means - gmm_b.means[list(o)]).max())
    o = list(order)
    parts = [np.abs(getattr(gmm_a, n) - getattr(gmm_b, n)[o]).ravel() for n in ("weights", "means", "covariances")]
    return float(np.mean(np.concatenate(parts)))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda a, b: largest_difference(a, b, match=False), "in the order they are listed"),
        (lambda a, b: largest_difference(a, b, what=("means",)), "means only"),
        (lambda a, b: largest_difference(a, b, what=("means", "covariances")), "leaves out the weights"),
        (lambda a, b: largest_difference(a, b, what=("weights", "means")), "leaves out the covariances"),
        (lambda a, b: largest_difference(a, b, l2=True), "Euclidean norm"),
        (
            lambda a, b: largest_difference(a, b, pick=max),
            ", you returned [0-9.]+: you took the pairing with the largest",
        ),
        (_mean_abs, "average difference"),
        (lambda a, b: largest_difference(a, b) + 0.1, "smallest largest difference"),
        (lambda a, b: "small", "should be a number"),
    ],
)
def test_largest_difference_mistakes(wrong, message):
    with pytest.raises(AssertionError, match=message):
        checks.check_largest_difference(wrong)


def test_calling_match_components_is_refused():
    from coursepkg.mixture import match_components

    def uses_it(a, b):
        return largest_difference(a, b.permuted(match_components(b.means, a.means)), match=False)

    with pytest.raises(AssertionError, match="match_components"):
        checks.check_largest_difference(uses_it)
