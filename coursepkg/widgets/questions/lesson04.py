"""The concept questions of lesson 04."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "Prediction, before you use the Jensen lab: set the weights to 0.5, 0 and 0.5, so that only "
        "x₁ = 0.6 and x₃ count; the readout then shows a gap of about 0.55. What happens to the gap as you "
        "slide x₃ from 6 down to 0.6?",
        [
            "It stays near 0.55: the weights alone fix how large the gap is.",
            "It shrinks all the way, and is exactly 0 when x₃ lands on x₁.",
            "It grows, since the log bends more sharply near 0, where x₃ is going.",
            "It shrinks, turns negative once x₃ passes x₂ = 2, then returns to 0.",
        ],
        1,
        [
            "The gap depends on where the points sit as well as on their weights: with the weights fixed, two "
            "points close together give a short chord that hugs the curve, so the gap must change as x₃ moves.",
            "With two equal weights the gap is log((x₁ + x₃)/2) − (log x₁ + log x₃)/2, the log of the arithmetic "
            "mean over the geometric mean. It falls steadily as x₃ approaches x₁ and vanishes when they meet: "
            "Jensen is an equality only for equal points.",
            "The curve does bend more near 0, but the chord gets shorter much faster: the gap is governed by "
            "how far apart the two points are, and that shrinks to nothing. The cell after the lab checks that the "
            "gap only goes down.",
            "Jensen's inequality holds for every position of the points, so the gap can never be negative; and x₂ "
            "has weight 0, so passing it changes nothing. The gap reaches 0 only when x₃ meets x₁.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Prediction, before you use the bound lab: at its start (x = 0.3) the hatched bar puts the posterior "
        "of component 2 at 0.53. Drag q₂ all the way to 1, a hard assignment to component 2. What will the "
        "KL gap readout show?",
        [
            "Infinity, because q gives component 1 probability 0 and log 0 = −∞.",
            "Zero, because component 2 is the likelier label, so nothing is lost.",
            "About 0.69 nats, because that is the entropy of the posterior (0.47, 0.53).",
            "About 0.63 nats: a hard choice pays for the label it throws away.",
        ],
        3,
        [
            "KL(q ‖ posterior) = Σ_k q_k log(q_k / r_k) skips the terms with q_k = 0 (0 log 0 = 0). It would be "
            "infinite the other way round, if q put mass on a component the posterior rules out.",
            "Choosing the likelier label still throws away the 47% that component 1 keeps: the gap is zero only "
            "at q = posterior, and a hard choice is not the posterior.",
            "The entropy of the posterior is 0.69 nats here, but it is not the gap: the gap of a one-hot q is "
            "−log of the chosen label's posterior probability, 0.63 nats, smaller than the entropy.",
            "With q = (0, 1) the gap is KL = 1 · log(1 / r₂) = −log 0.530 ≈ 0.634 nats: the less probable the "
            "chosen label, the larger the price of a hard assignment.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Section 5 proves ℓ(θ_new) ≥ ℓ(θ_old) for every EM iteration. You run EM from some start until ℓ stops "
        "rising. What does that proof let you conclude about the θ you end with?",
        [
            "It is the global maximum: a climb that never goes down reaches the top.",
            "Nothing about ℓ: the proof only shows that the bound L goes up.",
            "Only that ℓ has not fallen since the start; other starts may end higher.",
            "It is a local maximum of ℓ, since no single EM step can improve on it.",
        ],
        2,
        [
            "Never going down is not the same as reaching the top: EM climbs the hill it starts on. The twin start "
            "of section 5 never moves at all, about 160 nats below where EM from a start a hair away ends.",
            "The chain ends in ℓ itself: ℓ(θ_new) ≥ L(r, θ_new) ≥ L(r, θ_old) = ℓ(θ_old). The bound is the tool, "
            "but the conclusion is about the log-likelihood.",
            "The proof compares each θ with the one before, nothing more. Which hill EM ends on depends on the "
            "start: a local maximum, or even a point that is no maximum, like the twin start of section 5.",
            "A point where EM stops moving can be a saddle: the twin start of section 5 is a fixed point of EM, "
            "yet splitting its means while shrinking its covariances raises ℓ. EM's fixed points need not be maxima.",
        ],
    ),
    ConceptQuestion(
        "In one EM iteration the M-step raises the bound L(r, ·) by 3.2 nats, and the log-likelihood rises "
        "by 5.0 nats. How large is the gap log p(X | θ_new) − L(r, θ_new) just before the next E-step?",
        [
            "1.8 nats: the rise of log p minus the rise of the bound.",
            "3.2 nats: the gap equals what the M-step gained in L.",
            "8.2 nats: the two rises add up, since both push log p upward.",
            "0 nats: the gap is closed after every step of EM.",
        ],
        0,
        [
            "Before the M-step L(r, θ_old) = ℓ(θ_old). So ℓ(θ_new) − ℓ(θ_old) = [L(r, θ_new) − L(r, θ_old)] "
            "+ gap at θ_new, that is 5.0 = 3.2 + gap: the orange part of each bar in section 6.",
            "The bound's rise and the gap are two different pieces of the log-likelihood's rise. Only their sum "
            "is 5.0, so the gap is what remains after the 3.2 nats of the bound.",
            "The 3.2 nats are already part of the 5.0: the log-likelihood's rise contains the bound's rise, it "
            "does not come on top of it.",
            "Only the E-step closes the gap. The M-step moves θ while r stays fixed, so r is no longer the "
            "posterior at θ_new and a KL gap opens (the orange segments on the staircase).",
        ],
    ),
)
