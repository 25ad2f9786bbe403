"""The concept questions of lesson 09.

Every number a question quotes is asserted in notebooks/09_choosing_k.py: the monotone J and l over
K = 1..8 (section 1, question 1), BIC's K between 5 and 7 within the spherical type and at least 4 within
diag and tied (section 6, question 2), BIC's at least 19 of 20 trials, the held-out score next and AIC
last, every miss of those two a K too large (section 9, question 3), the equal likelihood of the 6 orders
and the restarts in different orders (section 10, question 4).
"""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "The data come from a mixture of K = 3 components. For K = 1, 2, ..., 8 we fit a mixture by EM (best of "
        "3 starts) and record its training log-likelihood ℓ. What will the curve of ℓ against K do?",
        [
            "Rise to a maximum at K = 3, the true number, and fall after it as the fits overfit.",
            "Rise to K = 3 and stay exactly flat after it: extra components find nothing to explain.",
            "Rise at every step, steeply up to K = 3 and slowly after it, with no maximum at all.",
            "Fall after K = 3, because EM's local maxima get worse as K grows and restarts stop helping.",
        ],
        2,
        [
            "Overfitting shows on new points, not on the points the model was fitted to. The best (K+1)-component "
            "fit is at least as good as the best K-component one on the training data, because copying a component "
            "and splitting its weight reproduces any K-mixture. So the training ℓ cannot turn down at the true K.",
            "An extra component always finds something: it can take a few points from a cluster's tail and fit them "
            "a little more tightly. The gain after K = 3 is small but positive; exactly flat would need the data to "
            "be the mixture's density itself, not 300 points drawn from it.",
            "A K-mixture is a (K+1)-mixture with one component copied and its weight split, so the best ℓ can only "
            "grow with K. The bend at K = 3 (the elbow) is real, but the curve never turns (and for any K ≥ 2 ℓ is "
            "unbounded, lesson 06). That is why choosing K needs a penalty or held-out data.",
            "With enough restarts the best fit found for K + 1 is at least as good as for K, because the (K+1)-model "
            "contains the K-model. Local maxima add noise to the curve; they do not make it fall systematically.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "The true clusters are two tilted ellipses and a circle (300 points). Before the grid of fits is computed: "
        "which K will BIC choose among spherical mixtures (circular components)?",
        [
            "K = 3: the number of clusters does not depend on the shape the components are allowed to take.",
            "More than 3: round components need more pieces to cover tilted ones, and BIC pays for them.",
            "Fewer than 3: circles have so few parameters that BIC can afford less of everything.",
            "It cannot choose: BIC compares models of one type only with the same number of parameters.",
        ],
        1,
        [
            "K counts components of the model, and the model's components can only be circles. A tilted cluster "
            "covered by one circle leaves much of its density unexplained; two or more circles along it fit far "
            "better, and BIC finds that worth their parameters (it picks between 5 and 7 here).",
            "One circle per tilted cluster misses its shape; covering a long cluster with two or three circles gains "
            "more likelihood than the 4 parameters per circle cost. BIC picks between 5 and 7 circles, at least 4 "
            "components for diag and tied, and 3 full ones over all types. K and the type trade against each other.",
            "Fewer parameters per component do not make fewer components better: with K = 2 two of the three "
            "clusters must share one circle, which costs far more likelihood than the parameters saved. BIC's "
            "choice among spherical mixtures is more than 3.",
            "BIC compares any models fitted to the same data: it is −2ℓ + p log N, and p may differ from model to "
            "model. That is the whole point: it charges for the extra parameters of a larger K or a freer type.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Twenty data sets of 150 points each, all from the same 3-component mixture. On each, BIC, AIC and a "
        "3-fold held-out log-likelihood choose K among full mixtures with K = 1..5. What will you see?",
        [
            "BIC finds K = 3 most often; when AIC or the held-out score miss, they choose too many components.",
            "AIC finds K = 3 most often: it was designed for prediction, and the truth predicts best.",
            "All three agree on every data set: with 150 points the true K is clear to any criterion.",
            "BIC misses most often, by choosing too few components: its log N penalty is too heavy for 150 points.",
        ],
        0,
        [
            "BIC chose K = 3 on at least 19 of the 20 data sets, the held-out score less often, AIC least, and every "
            "miss of those two was a K too large. AIC's charge of 2 per parameter is lighter than BIC's log 150 ≈ 5.0, "
            "so a spurious extra component that gains a few nats passes AIC.",
            "AIC estimates predictive performance, but its charge of 2 per parameter is light: it lets a spurious "
            "extra component in whenever it gains more nats on the training data than it has parameters. Here it "
            "found K = 3 least often of the three; BIC on at least 19 of 20.",
            "They disagree on several data sets: AIC and the held-out score choose 4 or 5 on some of them. With 150 "
            "points an extra component can gain a few nats by chance, and the criteria charge different amounts "
            "for it.",
            "Here BIC's heavier penalty is no handicap: the three clusters are well enough separated that merging "
            "two costs far more likelihood than log N per parameter. BIC found K = 3 on at least 19 of 20 data "
            "sets; the misses of the other two were choices of too many components.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Suppose twelve EM runs from different starts on the same data (K = 3) all end with the same "
        "log-likelihood (to 1e-4 nats), yet their arrays of means are not equal. What would that tell you?",
        [
            "They are different local maxima that happen to have the same height.",
            "The runs have not converged; a tighter tolerance would make the means equal.",
            "The model is overfitted: with K too large, many mixtures fit equally well.",
            "They are one mixture whose components are listed in different orders.",
        ],
        3,
        [
            "Equal heights to many digits are no coincidence: renumbering the components permutes the terms of the "
            "sum Σ π_k N(x | μ_k, Σ_k), which leaves the density unchanged. After matching the components "
            "(mixture.match_components) their means agree.",
            "They have converged (tolerance 1e-8 nats per point): their means agree to 1e-3 once the components are "
            "matched. The difference is the order in which the components are listed, which no tolerance changes.",
            "That is a second, real kind of non-identifiability (a surplus component can copy another, with any "
            "split of the weight), but here K = 3 is the true number. What differs between these runs is only the "
            "order of the three components: K! = 6 orders, one density.",
            "A mixture's density is a sum over components, and a sum does not depend on the order of its terms, so "
            "each of the K! = 6 orders is an equally good maximum. Matching the components by their means "
            "(an assignment problem) shows the runs found one mixture.",
        ],
    ),
)
