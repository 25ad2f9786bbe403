"""The concept questions of lesson 11."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "You have a new model with observed data X, hidden variables Z and parameters θ. What does EM need from "
        "it to be a practical method?",
        [
            "A log-likelihood ℓ(θ) that is concave, so that EM's fixed point is the global maximum.",
            "A posterior p(Z | X, θ) it can compute, and a Q(θ, θ_old) whose maximiser it can find.",
            "A gradient of ℓ(θ) in closed form, which EM follows with a step size it chooses itself.",
            "Hidden variables that are discrete labels, since the E-step is Bayes' rule over a finite set.",
        ],
        1,
        [
            "EM is useful exactly where ℓ is not concave (mixtures have K! equivalent maxima); it climbs to a local "
            "maximum or a stationary point, and the guarantee is monotone ascent, not a global optimum.",
            "Those are the two steps: E computes q(Z) = p(Z | X, θ_old) (or the expectations the M-step needs), M "
            "maximises E_q[log p(X, Z | θ)]. If both are easy, EM is easy; the identity ℓ = L + KL does the rest.",
            "EM never forms ∇ℓ and has no step size: each M-step jumps to the maximiser of Q(·, θ_old). That the "
            "gradients of ℓ and Q agree at θ_old is a consequence, not an ingredient.",
            "Z may be continuous (factor analysis, missing real-valued entries): the sum over Z becomes an integral. "
            "What matters is that the posterior, or the expectations the M-step needs, can be computed.",
        ],
    ),
    ConceptQuestion(
        "Prediction, before you use the lab: K = 10, seed 0, the Beta(2, 2) prior. You press \"EM step\" three "
        "times, then \"10 EM steps\". What will you see?",
        [
            "All ten prototypes converge to the same average digit, as each averages over all the images.",
            "Each prototype turns into one training image exactly, black and white with no grey pixels.",
            "The curve goes up and down: each E-step lowers the objective, and each M-step raises it.",
            "Digit shapes appear within a few steps; the curve rises steeply, then it flattens out.",
        ],
        3,
        [
            "Each M-step averages with that component's responsibilities, not over all images; different starts "
            "pull the components to different groups of images. Only a start with identical components stays "
            "identical.",
            "A prototype averages many images, weighted by responsibility, so pixels that vary between writers are "
            "grey; and with Beta(2, 2) no pixel probability can reach 0 or 1 at all.",
            "The E-step does not lower anything: it makes the bound touch the objective at the current θ. The "
            "objective, the log posterior here, never falls from one M-step to the next.",
            "The first M-step gains the most (about 9 nats per image here), later ones a little each; the "
            "prototypes become recognisable digits early and then change in details.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Prediction, before you run the next cell: a mixture of 10 Bernoullis is fitted by maximum likelihood "
        "(no prior) on 200 digits and then scores 797 other digits. What will some of their log-likelihoods be?",
        [
            "−∞: some images have, in every component, a pixel whose μ_kj is exactly 0 or 1.",
            "Very negative but finite: a product of 64 probabilities is tiny but never exactly 0.",
            "NaN: the log-likelihood of an image it has never seen is undefined for the model.",
            "Higher than on the training images: new images are averaged over all ten components.",
        ],
        0,
        [
            "Right: with no prior, μ_kj = S_kj / N_k is exactly 0 for a pixel no training image of component k had "
            "on. A new image with that pixel on has probability 0 under k; if that happens for every component, "
            "p(x) = 0 and log p(x) = −∞.",
            "That holds when every μ_kj lies strictly inside (0, 1), as with a Beta prior. The ML M-step sets "
            "μ_kj = S_kj / N_k, which is exactly 0 when S_kj = 0, and one factor 0^1 makes the whole product 0.",
            "The model gives every binary image a well-defined probability, p(x) = Σ_k π_k Π_j μ_kj^x_j (1 − μ_kj)^(1 − x_j). "
            "It can be exactly 0 (log = −∞); NaN would come only from 0/0 in a careless E-step.",
            "A model fitted to the training images almost always scores them higher than new ones (it was fitted to "
            "them). Averaging over components does not help an image that every component rules out.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "EM with a Beta(2, 2) prior on every pixel probability has reached a fixed point θ° (one more iteration "
        "changes nothing). Which gradient is zero at θ°?",
        [
            "The gradient of the log-likelihood ℓ(θ), as for any fixed point of EM.",
            "None of them: EM stops at an approximation, not at a stationary point.",
            "The gradient of ℓ(θ) + log p(θ), the objective that MAP-EM climbs.",
            "The gradient of the log prior log p(θ), which the M-step maximises.",
        ],
        2,
        [
            "That holds for plain (ML) EM at an interior fixed point. With a prior the M-step maximises Q + log p(θ), "
            "so at θ° the gradient of ℓ equals −∇ log p(θ), not zero (the lesson measures it).",
            "At a true fixed point EM is exact about its objective: θ° maximises Q(·, θ°) + log p(θ), and ∇Q = ∇ℓ there, "
            "so the gradient of ℓ + log p(θ) vanishes. Only a run stopped by a tolerance is merely near it.",
            "∇ℓ(θ°) = ∇Q(θ°, θ°) because the KL gap has a minimum there, and the M-step makes ∇Q + ∇ log p(θ) = 0 at its "
            "interior maximiser θ°. So ℓ + log p(θ) is stationary, and ℓ alone is pulled off by the prior.",
            "The prior alone is maximised at μ = 1/2 everywhere, which a fit to digits is not. The M-step maximises "
            "the prior together with Q; neither of them separately is stationary.",
        ],
    ),
)
