"""The concept questions of lesson 10 (mean-shift).

Every number a question quotes is asserted in notebooks/10_mean_shift.py: the rise of log f by at least
||u - p||^2 / (2 h^2) per step (section 3); on the round data 15 modes at h = 0.249, three from 0.435 to 1.475,
two from 1.48 and one from 1.565 (section 5); on the elongated data the middle strip's two clusters of 46 and
49 points at h = 0.8, the window of h near 0.82 in which every strip has a cluster of its own, 28 clusters at
h = 0.3, 14 at h = 0.45, at most 2 from h = 0.955 on, and the strips' spread across, 0.44 to 0.49 (section 7);
the slope near 2 of the time per sweep (section 8).
"""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "A mean-shift step moves p to u(p) = p + h² ∇log f(p), a gradient step with a fixed step size h². "
        "Why can it never overshoot and land lower on f?",
        [
            "It can overshoot; mean-shift only avoids it because h is usually small compared with the clusters.",
            "A simple function below log f touches it at p and peaks exactly at u(p), so log f cannot drop.",
            "u(p) is an average of data points, and f is larger near data points than anywhere else.",
            "The step h² ∇log f(p) shrinks as p nears a mode, so a step is too short to pass the top.",
        ],
        1,
        [
            "No step of mean-shift with a Gaussian kernel lowers f, whatever h: the proof that follows uses no "
            "assumption on the size of h, and the lesson then checks it on every step of all 300 paths.",
            "The section proves it next: Jensen's inequality gives a bound B_p(y) ≤ log f(y) with equality at y = p, "
            "and B_p is a concave quadratic maximised at u(p). So log f(u(p)) ≥ B_p(u(p)) = log f(p) + "
            "‖u(p) − p‖²/(2h²): the argument that EM never lowers the likelihood (lesson 04).",
            "Averages of data points can sit in empty regions: the mean of two far-apart clusters lies between "
            "them, where f is low. The weights matter: it is the Gaussian weighting around p, through the bound, "
            "that makes the step go uphill.",
            "A shrinking step explains slow convergence, not safety: a gradient step with a fixed size can still "
            "jump past a narrow peak. What rules that out here is a bound below log f that is maximised exactly at "
            "u(p), derived next.",
        ],
    ),
    ConceptQuestion(
        "The next cell runs mean-shift on the round data (three clusters about 4 units apart) for 28 bandwidths "
        "from h = 0.25 to h = 2.8. What will the number of modes do as h grows?",
        [
            "Fall to 3 by about h = 0.5 and stay at 3 for every larger h: three is the true number of clusters.",
            "Rise at first, as wider bumps join up into new peaks, and fall only once h is near the cluster spacing.",
            "Halve each time h doubles, since the number of peaks goes like the area divided by h².",
            "Fall from many to 3, hold 3 over a wide range of h, then fall to 1 as the hills merge.",
        ],
        3,
        [
            "The true number of clusters is not special to f: once h is large enough, the three bumps of the "
            "clusters blur into one hill. In the lesson the count falls from 3 (through 2) to 1 between h = 1.475 "
            "and h = 1.565.",
            "Widening the bumps smooths f: small peaks are absorbed by larger ones. On these data the count never "
            "rises (in one dimension it cannot, by Silverman's theorem); it starts at 15 for the smallest h.",
            "There is no such rule: the count is 3 over a whole range of h (from 0.435 to 1.475), where doubling h "
            "changes nothing, and then falls from 3 to 1 within a few percent of h.",
            "15 modes at the smallest h (many hold single outlying points), 3 from h = 0.435 to 1.475, then the hills "
            "merge within a narrow range: two clusters share a mode from h = 1.48, all three from h = 1.565.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "On the elongated data (three long, thin, parallel strips, about 2.2 units apart), mean-shift runs with "
        "one bandwidth h for all points. Which bandwidths will give each strip a cluster of its own (not counting "
        "clusters of a single point)?",
        [
            "Only a narrow range of h: below it a strip splits, above it two strips merge.",
            "h about 2.2, the spacing of the strips: each strip then becomes one hill.",
            "Any small h, say 0.3: a narrow kernel follows the thin strips closely.",
            "h about 0.45, the strips' spread across: the kernel then matches their narrow direction.",
        ],
        0,
        [
            "The kernel is round, the strips are not. At h = 0.8 the middle strip still holds two hills (46 and 49 "
            "points); a little above h = 0.83 part of it joins the top strip. Only in the window between, near "
            "h = 0.82, a few percent wide, does every strip get a cluster of its own, and finding it takes the labels.",
            "At h ≈ 2.2 the bumps are as wide as the gaps between the strips, so neighbouring strips merge: from "
            "h ≈ 0.955 on the count is already 2 or 1. A kernel as wide as the gaps cannot keep the strips apart.",
            "A narrow kernel follows every clump: at h = 0.3 the density has 28 modes along the strips. "
            "Small h means many clusters, not the right ones.",
            "Matching one direction of the clusters is what a round kernel cannot do: at h = 0.45, about the "
            "strips' spread across (standard deviation 0.44 to 0.49), it fits their width but not their length, "
            "and the strips break into 14 clusters.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "One mean-shift sweep on N = 1000 points takes t seconds. How long, roughly, will a sweep on N = 4000 "
        "points from the same distribution take?",
        [
            "About 4t: four times the points, four times the work.",
            "About t: the number of modes, not of points, sets the cost.",
            "About 16t: every point needs the weights of every data point.",
            "About 64t, because the table of weights has N² entries and each is a d-vector.",
        ],
        2,
        [
            "That would be true of k-means or EM, whose iterations cost O(N K d). In mean-shift each of the N "
            "moving points needs kernel weights for all N data points, so the cost grows like N².",
            "The modes are what the points climb to; the work is in computing u(p) for every moving point, which "
            "sums over all N data points. The number of modes does not enter the cost of a sweep.",
            "N² kernel evaluations per sweep: four times N is sixteen times the work (the measured log-log slope is "
            "near 2). A full run multiplies that by the number of sweeps.",
            "N² weights, each an O(d) computation, is O(N² d): the dimension is a constant factor, the same for "
            "1000 and 4000 points. Four times N gives sixteen, not sixty-four, times the work.",
        ],
        prediction=True,
    ),
)
