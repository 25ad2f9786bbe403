"""The concept questions of lesson 01."""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "What is the key limitation of a hard assignment that soft assignments fix?",
        [
            "A point near a border is forced to count fully for one cluster, so the uncertainty about it is "
            "lost and it pulls that cluster's centre as hard as a point in the middle does.",
            "Hard assignments are slower to compute than soft ones.",
            "Soft assignments are hard assignments with more decimals; rounding them at the end gives the "
            "same clusters, so nothing is really fixed.",
            "The hard assignment step can make the objective J go up.",
        ],
        0,
        [
            "The soft weights are information that the fit uses: a border point contributes partly to both "
            "clusters, which is what lets overlapping clusters be estimated.",
            "Speed is not the issue: the hard step is a single arg-min per point, and the soft step costs "
            "more, not less.",
            "Rounding loses exactly what matters. During fitting a border point contributes its weights to "
            "both clusters' means and shapes, so the fitted clusters themselves change, not only the labels.",
            "The assign step minimises J over all assignments for the current centres, so it can never "
            "raise J (section 2).",
        ],
    ),
    ConceptQuestion(
        "Why is Lloyd's algorithm guaranteed to stop?",
        [
            "Because J is a convex function, so any descent method reaches its minimum.",
            "Because each step lowers J, J strictly drops while labels change, and there are only finitely "
            "many ways to assign n points to k clusters, so no assignment repeats.",
            "Because the centres move less at each step, so they eventually stop moving.",
            "Because k-means++ starts it close to the global minimum.",
        ],
        1,
        [
            "J is not convex in the assignments and centres together (it has several local minima, "
            "section 6). Only the update step is convex in the centres.",
            "A decreasing quantity over a finite set of states cannot decrease forever (section 3).",
            "Shrinking steps alone would not prove stopping (they could shrink forever without reaching "
            "zero); the finite number of assignments is what ends the run.",
            "k-means stops from any start, including bad ones (section 6), and k-means++ gives no "
            "guarantee of the global minimum, only of a good expected J.",
        ],
    ),
    ConceptQuestion(
        "On the same data k-means gives J = 80 with k = 3 and J = 45 with k = 6. What can you conclude?",
        [
            "Six clusters describe the data better, since J is lower.",
            "Nothing about the right number of clusters: the best J always falls as k grows, down to 0 "
            "at k = n.",
            "The run with k = 3 must have started badly.",
            "k = 6 is overfitting, so the answer is 3.",
        ],
        1,
        [
            "A lower J is guaranteed by the extra centres, whether or not the data has 6 groups (section 4); "
            "J cannot be used to compare different k.",
            "J rewards extra centres no matter what, so comparing k needs another score, such as the "
            "likelihood of held-out data under a probabilistic model.",
            "A bad start can raise J, but a fall of J from k = 3 to k = 6 happens even with perfect starts.",
            "That may be true, but these two numbers cannot show it: J falls with k whether or not the "
            "extra clusters are real.",
        ],
    ),

)
