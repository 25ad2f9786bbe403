"""The concept questions of lesson 07."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "Before you press M-step in the lab below: every component starts as a small round patch, and each "
        "point is coloured by the patch that explains it best. What will the first M-step do to the ellipses?",
        [
            "Each keeps its small round shape and only slides to the mean of the points of its colour.",
            "Each turns into the same large ellipse, the spread of the whole data set, since every point counts.",
            "Each moves to the mean of the points of its colour and grows and tilts to match their spread.",
            "Each shrinks towards the few points nearest its centre, since those points are the most certain.",
        ],
        2,
        [
            "That would be an M-step that updates only the means. The M-step also sets each covariance to the "
            "responsibility-weighted spread of its points (lesson 06): most of them lie far outside the small "
            "patch, so the spread is much larger, and tilted when the points are correlated. Section 3 measures it.",
            "Every point counts for every component, but weighted by its responsibility. After the first E-step "
            "from small patches those weights are nearly 0 or 1, so each component is refitted to its own points, "
            "not to the whole data set.",
            "The M-step sets each mean to the weighted mean and each covariance to the weighted spread of the "
            "points of that colour. A small patch whose points spread widely, along a slope, becomes a large tilted "
            "ellipse; section 3 checks the growth and the tilt for two starts.",
            "The M-step weighs points by their responsibility, not by their distance from the centre. A point "
            "far from the patch but coloured by it counts fully, so the spread, and with it the ellipse, grows.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "A classmate says: \"EM is just a heuristic. It climbed for 40 iterations and then stopped changing, "
        "but that proves nothing.\" What can you answer from this lesson?",
        [
            "They are right in principle: EM has no guarantee, but in practice it nearly always reaches the global maximum.",
            "No EM step can lower the log-likelihood, and EM stops only where its gradient is zero, mostly a local maximum.",
            "EM is exact: as the log-likelihood never decreases, the point where EM stops is the highest likelihood there is.",
            "They are right: an M-step is not a gradient step, so nothing ensures that the log-likelihood improves at all.",
        ],
        1,
        [
            "EM does come with a guarantee: the chain l(new) >= L(q, new) >= L(q, old) = l(old) of section 4 holds "
            "at every iteration. What it lacks is a guarantee of the global maximum: section 9 found a converged "
            "run 86 nats below the best one.",
            "Sections 4 and 5 prove the ascent and check it over thousands of iterations; section 6 shows that a "
            "fixed point has zero gradient. Usually that is a local maximum, but the twin start of section 6 is a fixed "
            "point far below the maximum, and another start may find a higher hill.",
            "Never going down only takes EM to the top of the hill it started on. Section 9 found a converged run "
            "86 nats below the best one; restarts are how you find a better hill.",
            "An M-step is not a gradient step, and it need not be: it maximises a lower bound that touches the "
            "log-likelihood at the current parameters, so the log-likelihood cannot fall (section 4).",
        ],
    ),
    ConceptQuestion(
        "k-means stops by itself after finitely many updates. Why does EM need a tolerance instead?",
        [
            "Its responsibilities vary continuously, so the parameters approach the fixed point but never reach it.",
            "Its log-likelihood can start to fall near the maximum, and the tolerance stops it before that happens.",
            "k-means always ends at the global minimum of J, where nothing can change, and EM at local maxima.",
            "An EM iteration costs far more than a k-means update, so we cannot afford to run EM until it stops.",
        ],
        0,
        [
            "k-means moves between finitely many partitions and J strictly falls until the labels repeat, so it "
            "must halt. EM's responsibilities take a continuum of values: near the fixed point the error shrinks "
            "by a factor rho per iteration (section 7) but never becomes exactly zero, so a tolerance decides when "
            "close is close enough.",
            "The log-likelihood never decreases (section 4). The tolerance is there because the gains become tiny "
            "without ever becoming exactly zero.",
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
            "Label switching: the same mixture, with its components numbered differently.",
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
