"""The concept questions of lesson 06."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "In the derivation of π_k the Lagrange multiplier came out as ν = N. What fixes that value?",
        [
            "Nothing: it is a free choice, and any positive ν gives a maximiser",
            "The constraints π_k ≥ 0, which keep every weight from going negative",
            "Each component's own multiplier, ν_k = N_k / π_k, one for every k",
            "The constraint Σ_k π_k = 1, because the N_k add up to N",
        ],
        3,
        [
            "ν is not free: it is whatever makes the stationary point obey the constraint. With π_k = N_k/ν, any "
            "other value gives weights that sum to N/ν ≠ 1, which are not allowed.",
            "The constraints π_k ≥ 0 do not bind while every N_k > 0: N_k log π_k → −∞ at 0 keeps the maximiser "
            "inside the simplex, so they need no multipliers. ν comes from the one equality constraint.",
            "There is one constraint, so one multiplier shared by all k, and that sharing is the content of the "
            "result: N_k / π_k is the same number for every component, so π_k ∝ N_k. The lesson checks that at "
            "the optimiser's weights N_k / π_k equals N for all three.",
            "Stationarity gives π_k = N_k/ν; summing over k, 1 = Σ_k N_k / ν = N/ν, since each row of r sums "
            "to 1 and so Σ_k N_k = N. Hence ν = N and π_k = N_k / N.",
        ],
    ),
    ConceptQuestion(
        "In the M-step covariance Σ_k = (1/N_k) Σ_n r_nk (x_n − μ)(x_n − μ)ᵀ, which mean μ do you subtract?",
        [
            "The old mean μ_k, since the responsibilities were computed with it",
            "The new mean μ_k, the one this same M-step has just computed",
            "The mean of all the data, since Σ_k describes the data's spread",
            "Any of them: the covariance is the same for every choice of centre",
        ],
        1,
        [
            "The responsibilities came from the old parameters, but the M-step maximises Q over μ_k and Σ_k "
            "jointly; the optimal μ_k does not depend on Σ_k, so Σ_k is optimised with the new μ_k plugged in. "
            "The old mean gives a covariance that is too large.",
            "The pair (μ_k, Σ_k) maximises Q_k jointly, and the best μ_k is the weighted mean whatever Σ_k is; "
            "substituting it and optimising Σ_k gives the weighted scatter about the new mean.",
            "Each component has its own spread around its own centre. The data set's overall mean would make "
            "every component's covariance include the distances between the clusters.",
            "Σ_n r_nk (x_n − c)(x_n − c)ᵀ = C_k + N_k (x̄_k − c)(x̄_k − c)ᵀ: any other centre c adds a positive "
            "term, so the weighted mean is the centre that gives the smallest (and the maximum-likelihood) spread.",
        ],
    ),
    ConceptQuestion(
        "In the lab, pick the third data set and press E-step once: the blue points on the left lie along a "
        "band. Before you press M-step: what will that one M-step do to the blue circle (component 1)?",
        [
            "It moves onto the blue points and keeps its round shape",
            "It barely moves: a single M-step only nudges the parameters",
            "It moves and stretches along a line rising to the right",
            "It shrinks into a small circle around the densest blue points",
        ],
        2,
        [
            "That is the belief that the covariance update is bookkeeping and the means do the work. The M-step "
            "sets mean and covariance in the same step from the same weighted points, and the covariance is what "
            "gives component 1 its tilt. With every Σ_k held at one fixed round shape the M-step would only move "
            "centres, as soft k-means does (lesson 08), and a round component cannot lie along a tilted cluster.",
            "An M-step is not a small gradient step: it jumps straight to the maximiser of Q for the current "
            "colours. The cell after this question measures the result of one press: a long axis tilted by "
            "between 40° and 80°.",
            "Σ_1 becomes the weighted scatter of the points component 1 is responsible for, mostly the lower-left "
            "band, whose points spread up and to the right; so in the press that moves its centre the circle also "
            "becomes a long ellipse along that band. The next cell checks the angle.",
            "The covariance is the spread of all the points the component is responsible for, each weighted by "
            "its r_n1, not of the densest few; here they lie along a tilted line, so the circle stretches instead "
            "of shrinking to a dot.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "The likelihood of a Gaussian mixture can be made arbitrarily large by shrinking one component onto "
        "a single data point. What does that mean for fitting by EM?",
        [
            "There is no global maximum; EM climbs to a local one instead",
            "EM always ends in such a spike, so its answers are meaningless",
            "It cannot happen with real data, only with made-up examples",
            "The M-step formulas are wrong and need an extra correction",
        ],
        0,
        [
            "The spikes are degenerate points at the edge of the parameter space, not a maximum anyone wants. EM "
            "climbs from its start to a finite local maximum and usually stays away from them; flooring Σ_k at "
            "reg_covar · I bounds the likelihood by −(Nd/2) log(2π ε) and removes them.",
            "EM only climbs from where it starts. A spike needs one component's responsibilities to concentrate "
            "on one point, which a sensible start rarely leads to (the lesson's outlier example shows how it can); "
            "reg_covar then stops the collapse.",
            "Any finite data set allows it: put a mean on any data point and shrink the variance, as the lesson "
            "did with a real Old Faithful duration. Outliers and repeated values make a spike more likely.",
            "The M-step formulas are exact maximisers of Q, checked by finite differences and perturbations. The "
            "trouble is the objective itself (the likelihood is unbounded), which is why the fix changes the "
            "objective: a floor on the covariances.",
        ],
    ),
)
