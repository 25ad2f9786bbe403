"""The concept questions of lesson 07."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "EM raised the log-likelihood at every one of 40 iterations and then stopped changing. What do you know?",
        [
            "The parameters are the maximum-likelihood estimate: the highest log-likelihood there is.",
            "The parameters are (close to) a stationary point of the log-likelihood, usually a local maximum; "
            "another start may reach a higher one.",
            "Nothing: EM's log-likelihood can go down as well, so an increase proves nothing.",
            "The fitted components are in the same order as the true ones.",
        ],
        1,
        [
            "Monotone ascent gets you to the top of the hill you started on, not to the highest hill. "
            "Section 5 found a converged run 86 nats below the best one; restarts are how you find the better hill.",
            "The chain of inequalities guarantees no step down, so EM ends on a flat spot of the log-likelihood, "
            "in practice a local maximum. Whether it is the best one, only comparing several starts can tell.",
            "The log-likelihood provably never decreases (section 2): the bound is tight after the E-step and the "
            "M-step climbs it. The increase is real; it just does not say which hill you are on.",
            "Numbering is arbitrary: all k! renumberings have the same likelihood (label switching), "
            "so EM has no reason to prefer the true order. Match components before comparing.",
        ],
    ),
    ConceptQuestion(
        "Two EM runs from different seeds end with log-likelihoods equal to 9 digits, but run A's component 0 "
        "looks like run B's component 2. What is going on?",
        [
            "One of the runs has a bug: the same data must give the same component 0.",
            "They found two different local maxima that happen to have the same likelihood.",
            "Label switching: they found the same mixture with the components numbered differently.",
            "EM is random, so the parameters differ from run to run even at the same optimum.",
        ],
        2,
        [
            "Nothing in the likelihood fixes the order of the components: a sum is the same in any order. "
            "Different starts can legitimately produce different numberings.",
            "Different local maxima almost never agree to 9 digits. Match the components (by their means) "
            "and you will find the same parameters: it is one maximum, written in another order.",
            "The mixture density is a sum over components, so each optimum has k! numberings with identical "
            "likelihood. Match the components (e.g. by their means) before comparing runs.",
            "EM is deterministic given its start: only the initialisation uses random numbers. The same "
            "optimum reached from two starts differs at most by the numbering (and the tolerance).",
        ],
    ),
    ConceptQuestion(
        "k-means stops by itself after finitely many updates. Why does EM need a tolerance instead?",
        [
            "Because an EM iteration is slower, so we cannot afford to wait for it to finish.",
            "Because EM's log-likelihood can decrease near the optimum, and the tolerance catches that.",
            "Because k-means finds the global minimum, where nothing can change, and EM does not.",
            "Because EM's responsibilities are continuous: the parameters approach a fixed point "
            "geometrically but keep changing a little at every step, while k-means cycles through finitely many "
            "partitions.",
        ],
        3,
        [
            "Speed is not the reason; even a free iteration would not make EM stop exactly. "
            "The parameters move by a shrinking amount forever (section 4).",
            "The log-likelihood never decreases (section 2). The tolerance is there because the increases "
            "become tiny but never exactly zero.",
            "k-means also stops at local minima; it halts because there are only finitely many "
            "partitions and J strictly falls until the labels repeat.",
            "Soft assignments take a continuum of values, so there is no finite set of configurations to run "
            "out of; EM converges linearly and a tolerance decides when close is close enough.",
        ],
    ),

)
