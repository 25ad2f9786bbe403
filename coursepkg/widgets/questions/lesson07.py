"""The concept questions of lesson 07."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "Before you press M-step in the lab below: every component starts as a small round patch, and each "
        "point is coloured by the patch that explains it best. What will the first M-step do to the ellipses?",
        [
            "Each slides to the mean of the points of its colour and keeps its small round shape unchanged.",
            "Each stays centred where it is and grows into the spread of the whole data set, as every point counts.",
            "Each moves to the mean of the points of its colour and grows and tilts to match their spread.",
            "Each moves towards the few points nearest its centre and shrinks, since those are the most certain.",
        ],
        2,
        [
            "That would be an M-step that updates only the means. The M-step also sets each covariance to the "
            "responsibility-weighted spread of its points (lesson 06): most of them lie far outside the small "
            "patch, so the spread is much larger, and tilted when the points are correlated. Section 3 measures it.",
            "Every point counts for every component, but weighted by its responsibility. After the first E-step "
            "from small patches those weights are nearly 0 or 1, so each component is refitted (mean and spread) "
            "to its own points, not to the whole data set, and its mean moves too.",
            "The M-step sets each mean to the weighted mean and each covariance to the weighted spread of the "
            "points of that colour. A small patch whose points spread widely, along a slope, becomes a large tilted "
            "ellipse; section 3 checks the growth and the tilt for two starts.",
            "The M-step weighs points by their responsibility, not by their distance from the centre. A point "
            "far from the patch but coloured by it counts fully, so the spread, and with it the ellipse, grows.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "A classmate shrugs: \"EM only alternates two recipes. It rose for 40 iterations and then stopped "
        "changing; nothing tells us that means anything.\" What can you answer from this lesson?",
        [
            "They are right in principle: EM has no guarantee, but in practice it nearly always reaches the global maximum.",
            "Exact EM steps never lower the likelihood, and its fixed points have zero gradient, but need not be maxima.",
            "EM is exact: as the log-likelihood never decreases, the point where EM stops is the highest likelihood there is.",
            "They are right: an M-step is not a gradient step, so nothing ensures that the log-likelihood improves at all.",
        ],
        1,
        [
            "EM does come with a guarantee: the chain l(new) >= L(q, new) >= L(q, old) = l(old) of section 4 holds "
            "at every iteration. What it lacks is a guarantee of the global maximum: the twin start of section 6 "
            "is a fixed point about 160 nats below the two-group fit.",
            "Section 4 proves the ascent (for exact M-steps; the default reg_covar can cost about 1e-10 nats, far "
            "below any tolerance, section 5) and section 6 shows that a fixed point has zero gradient. It may be a "
            "saddle, like the twin start, or a lower hill; and a run stopped by a tolerance is only near one.",
            "Never going down only takes EM to the top of the hill it started on, or leaves it at a saddle: the "
            "twin start of section 6 stays put about 160 nats below the two-group fit.",
            "An M-step is not a gradient step, and it need not be: it maximises a lower bound that touches the "
            "log-likelihood at the current parameters, so the log-likelihood cannot fall (section 4).",
        ],
    ),
    ConceptQuestion(
        "k-means stops by itself after finitely many updates. Why does EM need a tolerance instead?",
        [
            "Its responsibilities vary continuously, so in exact arithmetic the parameters never reach the fixed point.",
            "Its log-likelihood can start to fall near the maximum, and the tolerance stops it before that happens.",
            "k-means always ends at the global minimum of J, where nothing can change, and EM at local maxima.",
            "An EM iteration costs far more than a k-means update, so we cannot afford to run EM until it stops.",
        ],
        0,
        [
            "k-means moves between finitely many partitions and J strictly falls until the labels repeat, so it "
            "must halt. EM's responsibilities take a continuum of values: near the fixed point the error shrinks "
            "by a factor rho per iteration (section 7) but in exact arithmetic never becomes zero (in floating "
            "point the changes eventually drop below rounding), so a tolerance decides when close is close enough.",
            "Exact EM never decreases the log-likelihood (section 4). With the default reg_covar a dip of about "
            "1e-10 nats can occur (section 5), far below any tolerance, and it is not why one is used: the gains "
            "become tiny without ever becoming exactly zero.",
            "k-means also stops at local minima (lesson 01); it halts because there are only finitely many "
            "partitions and J strictly falls until the labels repeat, not because it found the best one.",
            "Cost is not the reason: even free iterations would not make EM stop exactly. The parameters move by "
            "a shrinking amount forever (section 7).",
        ],
    ),
    ConceptQuestion(
        "Two EM runs from different seeds end with log-likelihoods equal to 9 digits, but run A's component 1 "
        "looks like run B's component 3. What is going on?",
        [
            "One of the runs has a bug: the same data must always give the same component 1.",
            "They found two different local maxima that happen to have the same likelihood.",
            "EM is random, so the parameters differ from run to run even at the same maximum.",
            "It is one mixture: the runs just list the same components in another order.",
        ],
        3,
        [
            "Nothing in the likelihood fixes the order of the components: a sum is the same in any order. "
            "Different starts can legitimately produce different numberings.",
            "Different local maxima almost never agree to 9 digits. Match the components (by their means) "
            "and you find the same parameters: one maximum, written in another order.",
            "EM is deterministic given its start: only the initialisation uses random numbers. The same "
            "maximum reached from two starts differs at most by the numbering (and the tolerance).",
            "The mixture density is a sum over components, so each maximum has K! numberings with identical "
            "likelihood (section 10). Match the components, e.g. by their means, before comparing runs.",
        ],
    ),
)
