"""The concept questions of lesson 06."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "In the M-step covariance Σ_k = (1/N_k) Σ_n r_nk (x_n − μ)(x_n − μ)ᵀ, which mean μ do you subtract?",
        [
            "The old mean μ_k from the previous iteration, since the responsibilities were computed with it.",
            "The new mean μ_k computed in this same M-step.",
            "The mean of all the data, since the covariance describes the spread of the data set.",
            "It does not matter: the covariance is the same for any choice of centre.",
        ],
        1,
        [
            "The responsibilities came from the old parameters, but the M-step maximises Q over μ_k and Σ_k "
            "jointly; the optimal μ_k does not depend on Σ_k, so Σ_k is optimised with the new μ_k plugged in. "
            "Using the old mean gives a covariance that is too large.",
            "The pair (μ_k, Σ_k) maximises Q_k jointly, and the best μ_k is the weighted mean whatever Σ_k is; "
            "substituting it and optimising Σ_k gives the scatter about the new mean.",
            "Each component has its own spread around its own centre. The data set's overall covariance would "
            "make every component as wide as the whole data set.",
            "Σ_n r_nk (x_n − c)(x_n − c)ᵀ = S_k + N_k (μ_k − c)(μ_k − c)ᵀ: any other centre c adds a positive "
            "term, so the weighted mean is the centre that gives the smallest (and the maximum-likelihood) spread.",
        ],
    ),
    ConceptQuestion(
        "In the derivation of π_k, the Lagrange multiplier came out as λ = −N. Why N?",
        [
            "Because Σ_k N_k = Σ_n Σ_k r_nk = N: every point's responsibilities sum to 1.",
            "Because there are N components.",
            "Because λ is a free parameter and −N is a convenient choice.",
            "Because the weights must sum to N.",
        ],
        0,
        [
            "The constraint Σ_k π_k = 1 with π_k = −N_k/λ gives −λ = Σ_k N_k, and the effective counts add up "
            "to the number of points because each row of r is a probability distribution.",
            "There are K components and N points. λ = −N comes from adding up the effective counts N_k, which "
            "split the N points among the components.",
            "λ is not free: it is whatever value makes the stationary point satisfy the constraint. Any other λ "
            "gives weights that do not sum to 1.",
            "The weights sum to 1 (that is the constraint). It is the effective counts N_k that sum to N, and "
            "π_k = N_k / N turns counts into fractions.",
        ],
    ),
    ConceptQuestion(
        "The likelihood of a Gaussian mixture can be made arbitrarily large by shrinking one component onto "
        "a single data point. What does that mean for fitting by EM?",
        [
            "EM will always find this infinite maximum, so its answers are meaningless.",
            "It cannot happen with real data, only with made-up examples.",
            "Maximum likelihood has no global maximum; EM climbs to a local maximum from its starting point and "
            "usually stays away from the spikes, and a covariance floor (reg_covar) or a prior removes them.",
            "It means the M-step formulas are wrong and need a correction term.",
        ],
        2,
        [
            "EM only climbs from where it starts. A spike needs one component's responsibilities to concentrate "
            "on one point, which a sensible start rarely leads to; when it does, reg_covar stops the collapse.",
            "Any finite data set allows it: put a mean on any data point and shrink the variance. Outliers and "
            "duplicated points make EM more likely to find such a spike.",
            "The spikes are degenerate maxima at the boundary of the parameter space. The useful solution is a "
            "finite local maximum; flooring Σ_k at reg_covar · I bounds the likelihood by −(Nd/2) log(2π ε).",
            "The M-step formulas are exact maximisers of Q. The trouble is in the objective itself (the "
            "likelihood is unbounded), which is why the fix changes the objective (a floor or a prior).",
        ],
    ),

)
