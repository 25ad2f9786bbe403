"""The concept questions of lessons 01-08.

They live here rather than in the notebooks so that the right answer and its
feedback are not printed just above the question: a lesson shows one with
``concept_question("04", 2)``.
"""

from .quiz import ConceptQuestion

QUESTIONS = {
    "01": (
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
    ),
    "02": (
        ConceptQuestion(
            "In a Gaussian mixture model, what is the latent variable z of a point?",
            [
                "The index of the component that generated the point — part of the story, never observed.",
                "The point's distance to the nearest mean.",
                "The mixing weight π of the point's cluster.",
                "A random noise term added to the point after it is drawn.",
            ],
            0,
            [
                "z is the outcome of the die roll in step 1. The data give us x only; inferring z from x is the E-step "
                "of lesson 05.",
                "Distances are computed from x and the parameters; they are not part of the story. Mixing up the "
                "label with a distance is the k-means view, which lesson 01 showed loses shape and size.",
                "π is a parameter shared by all points: the probability of each label, not the label itself.",
                "The Gaussian noise is inside step 2, x ~ N(μ_z, Σ_z); z decides *which* Gaussian that noise comes from.",
            ],
        ),
        ConceptQuestion(
            "Data lie along a curved, banana-shaped band. Can a Gaussian mixture model them?",
            [
                "No: each component is an ellipse, so a mixture can only describe blob-shaped clusters.",
                "Yes: with enough components the ellipses tile the band, and the held-out likelihood shows the fit improving.",
                "Only if the band is first straightened by a change of coordinates.",
                "Yes, but only with a single component with a very large covariance.",
            ],
            1,
            [
                "Each component is an ellipse, but the mixture's density is their weighted sum, which can take almost "
                "any shape (section 8). One blob per cluster is the K = 1 intuition.",
                "Mixtures of Gaussians approximate a wide class of densities; section 8 fitted a crescent with K = 10.",
                "No transformation is needed: the components bend the density by overlapping along the curve.",
                "One wide Gaussian covers the band and its empty inside alike — section 8's K = 1 fit had the lowest "
                "held-out score.",
            ],
        ),
        ConceptQuestion(
            "For a 2-D Gaussian, which Mahalanobis radius r gives the ellipse that holds 95% of the points?",
            [
                "r = 1.96, as for a 95% interval in one dimension.",
                "r = 2 √λ₁, twice the longest standard deviation.",
                "r = √(χ²₂ quantile at 0.95) ≈ 2.45, because Δ² is a sum of two squared standard normals.",
                "It depends on Σ, so there is no single r.",
            ],
            2,
            [
                "1.96 is the 95% quantile of |N(0, 1)|, one squared normal. In 2-D, Δ² adds two of them, so the point "
                "is more often far out and the radius must be larger: only about 85% of points fall within Δ ≤ 1.96.",
                "The ellipse's half-axes are r√λᵢ, one per eigenvalue; r itself is the same for every Gaussian in 2-D.",
                "Δ² follows the chi-square law with d = 2 degrees of freedom for every Σ (section 4), so r = 2.45.",
                "Σ sets the shape and size of the ellipse (axes r√λᵢ along the eigenvectors), but r depends only on the "
                "probability and the dimension.",
            ],
        ),
    ),
    "03": (
        ConceptQuestion(
            "Why can't we find the maximum-likelihood mean of a mixture component by setting the gradient of "
            "the log-likelihood to zero and solving, as for a single Gaussian?",
            [
                "The stationarity equation contains the responsibilities, which themselves depend on the means.",
                "The mixture log-likelihood has no maximum, so there is nothing to solve for.",
                "The Gaussian density is not differentiable in its mean.",
                "There are too many parameters for a closed form.",
            ],
            0,
            [
                "Setting the gradient to zero gives μ_k = Σ r_nk x_n / Σ r_nk with r_nk depending on μ: an implicit "
                "equation, the chicken-and-egg. With known labels the weights are fixed 0/1 and it becomes a closed form.",
                "The likelihood can be made unbounded by collapsing a component onto one point (lesson 06), but "
                "that is not what blocks the derivation: even a well-behaved local maximum satisfies only an implicit equation.",
                "The density is smooth in μ; we computed its gradient above and checked it with finite differences.",
                "The number of parameters is not the obstacle: with known labels the same parameters have a closed "
                "form. The obstacle is the log of a sum, which couples the components.",
            ],
        ),
        ConceptQuestion(
            "To compute Q we replace every z_nk in the complete log-likelihood by r_nk. Why is that exact?",
            [
                "Because the responsibilities are usually close to 0 or 1.",
                "Because the complete log-likelihood is linear in the z_nk, and the expectation of a linear "
                "function is that function of the expectations.",
                "Because the expectation of a log is the log of the expectation.",
                "Because z_n is independent of x_n.",
            ],
            1,
            [
                "No rounding is involved: the Monte Carlo check above matched Q for Old Faithful, whose "
                "responsibilities include many values near 1/2.",
                "log p(X, Z | θ) = Σ_n Σ_k z_nk [log π_k + log N(x_n | μ_k, Σ_k)] is linear in z, so E[...] puts "
                "E[z_nk] = r_nk in place of z_nk with no approximation.",
                "That is false in general (the log is concave, so E[log Y] ≤ log E[Y], lesson 04's Jensen inequality). "
                "The substitution works because there is no log wrapped around z here, only a linear combination.",
                "The opposite: z_n and x_n are dependent, which is why r_nk = p(z_nk = 1 | x_n) differs from π_k. "
                "The expectation uses this posterior, given x_n.",
            ],
        ),
        ConceptQuestion(
            "At θ = θ_old, how does Q(θ_old, θ_old) compare with the log-likelihood log p(X | θ_old)?",
            [
                "They are equal, since both describe the same data.",
                "Q is larger, because it uses the complete data, which carries more information.",
                "Q is smaller, by the entropy of the responsibilities; they are equal only when every r_nk is 0 or 1.",
                "They are equal only once EM has converged.",
            ],
            2,
            [
                "They differ by H(r) = −Σ r_nk log r_nk, which we printed above; it is zero only for hard responsibilities.",
                "More information does not mean more probability: p(x, z) is one term of the sum p(x) = Σ_z p(x, z), "
                "so each complete-data term is smaller, and so is their average.",
                "Q(θ_old, θ_old) + H(r) = log p(X | θ_old) exactly; H(r) ≥ 0 measures how uncertain the labels are.",
                "The identity Q + H = log-likelihood holds at every θ_old, converged or not, and H(r) stays positive "
                "at convergence whenever clusters overlap.",
            ],
        ),
    ),
    "04": (
        ConceptQuestion(
            "For positive numbers x₁, x₂ and a weight w in (0, 1), which is always true?",
            [
                "log(w x₁ + (1 − w) x₂) ≥ w log x₁ + (1 − w) log x₂",
                "log(w x₁ + (1 − w) x₂) ≤ w log x₁ + (1 − w) log x₂",
                "log(w x₁ + (1 − w) x₂) = w log x₁ + (1 − w) log x₂",
                "It depends on whether x₁ < x₂.",
            ],
            0,
            [
                "The log is concave: its chords lie below its graph, so the log of the average is at least the average "
                "of the logs. That is the direction that makes L a *lower* bound.",
                "That is Jensen's inequality for a convex function (like x² or exp). The log bends the other way.",
                "Equality would mean the log is linear. It holds only when x₁ = x₂ (or w is 0 or 1); otherwise there "
                "is a strictly positive gap, the orange bar in the figure.",
                "The order of the points does not matter: the chord lies below the curve wherever the two points are.",
            ],
        ),
        ConceptQuestion(
            "For a fixed θ, when is the bound L(q, θ) equal to log p(X | θ)?",
            [
                "When q is uniform over the components, since then no component is preferred.",
                "When each q_n is one-hot on the component with the largest posterior probability.",
                "Exactly when every q_n equals the posterior p(z_n | x_n, θ), the responsibilities.",
                "Only once EM has converged.",
            ],
            2,
            [
                "A uniform q is just one distribution; its gap is KL(uniform ‖ posterior), which is positive unless the "
                "posterior happens to be uniform.",
                "That is the k-means (hard) choice. Its gap is −log of the largest posterior probability, positive whenever "
                "the point is shared, as border points are.",
                "log p = L + Σ KL(q_n ‖ posterior) and KL is zero only for equal distributions; the E-step sets q to "
                "exactly this, at every iteration.",
                "The gap closes after every E-step, at any θ, converged or not; the figure in section 6 shows it at each E.",
            ],
        ),
        ConceptQuestion(
            "EM never lowers the log-likelihood. What does that guarantee?",
            [
                "That EM finds the global maximum of the likelihood.",
                "That the log-likelihood values increase to a limit (they are bounded above for a fixed data set with "
                "covariances kept away from singular), typically a local maximum that depends on the start.",
                "That every parameter moves closer to its true value at every iteration.",
                "That the lower bound L equals the log-likelihood at every step.",
            ],
            1,
            [
                "Monotone means uphill, not the highest hill: the likelihood has several local maxima (swap the labels, "
                "or start badly), and EM climbs the one it starts on. Restarts help (lesson 07).",
                "A non-decreasing sequence bounded above converges. Where it ends depends on the start; that is why "
                "one runs several initialisations.",
                "The guarantee is about the likelihood, not the parameters: a step can move a mean away from the truth "
                "while the likelihood rises, and the truth need not even be the maximum for a finite sample.",
                "L equals log p only right after an E-step; after an M-step there is a KL gap (the orange bars above).",
            ],
        ),
    ),
    "05": (
        ConceptQuestion(
            "Two components have equal weights and round covariances, a tight one (σ = 0.5) and a wide one "
            "(σ = 3). A point is at the same Euclidean distance from both centres. Which gets the larger responsibility?",
            [
                "Neither: equal distances give equal responsibilities.",
                "Always the wide one.",
                "Always the tight one.",
                "The tight one if the point is close to both centres, the wide one if it is far from both.",
            ],
            3,
            [
                "That is the k-means rule. The E-step compares densities, and at the same distance a tight and a wide "
                "Gaussian have different densities: their heights and their decay rates differ.",
                "Far away the wide one does win, because its density decays slowly. But near the centres the tight "
                "Gaussian is much taller (its -½ log|2πΣ| term is larger), so it wins there.",
                "Near the centres yes, because the tight Gaussian is taller. But its density decays like "
                "exp(-dist²/(2·0.25)), much faster than the wide one's, so far out the wide one wins.",
                "a_k = log π_k − ½ log|2πΣ_k| − ½ dist²/σ_k²: the tight component has the larger constant but the "
                "steeper quadratic penalty, so the winner changes at one distance (about 1.36 in 2-D).",
            ],
        ),
        ConceptQuestion(
            "Why does em.e_step work with log-densities and the log-sum-exp trick?",
            [
                "Because logarithms make the computation faster.",
                "Because densities in many dimensions can underflow to 0.0, which makes every term of Bayes' rule "
                "0 and the responsibilities 0/0 = nan; shifting by the largest log term keeps the largest exponential at 1.",
                "Because the log-space formula gives a different, more accurate posterior than Bayes' rule.",
                "Because responsibilities can be negative, and logs handle signs better.",
            ],
            1,
            [
                "Speed is not the reason; the log-space version even calls exp and log more often. It is about what "
                "float64 can represent.",
                "The mathematics is unchanged: log r_k = a_k − (m + log Σ_j exp(a_j − m)). Only the order of operations "
                "changes, so that nothing underflows to 0 or overflows to inf before the ratio is taken.",
                "It is the same posterior, exactly. m + log Σ exp(a_j − m) equals log Σ exp(a_j) in exact arithmetic; "
                "the trick only avoids computing numbers float64 cannot hold.",
                "Responsibilities are probabilities, between 0 and 1. It is the log-densities a_k that are negative "
                "(often hugely so), and that is fine in log space.",
            ],
        ),
        ConceptQuestion(
            "All 50 features of a data set are converted from metres to micrometres (× 10⁶), and the mixture's "
            "means and covariances are converted with them. What happens to the exact responsibilities?",
            [
                "They are unchanged.",
                "They become less certain, because every density is smaller.",
                "They become nan.",
                "They move towards the nearest centre, because distances are now larger.",
            ],
            0,
            [
                "Every density is divided by the same factor (10⁶)⁵⁰ and the Mahalanobis distances do not change; "
                "the common factor cancels between numerator and denominator of Bayes' rule.",
                "Responsibilities depend on ratios of densities, not on their size. A factor common to every "
                "component cancels.",
                "Only a naive float64 implementation returns nan, because it computes each density first and they "
                "underflow to 0.0. The responsibilities themselves are well defined; log-sum-exp computes them.",
                "Distances in metres and micrometres differ by the same factor as the covariances' square roots, "
                "so the Mahalanobis distances, which decide the responsibilities, are unchanged.",
            ],
        ),
    ),
    "06": (
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
    ),
    "07": (
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
                "geometrically but keep changing a little at every step, while k-means cycles through finitely many partitions.",
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
    ),
    "08": (
        ConceptQuestion(
            "Which two restrictions turn EM for a Gaussian mixture into (soft) k-means with stiffness β?",
            [
                "Diagonal covariances and hard assignments.",
                "All weights equal to 1/K and all covariances fixed at I/β (not re-fitted).",
                "All covariances equal to each other (a shared, re-fitted Σ) and equal weights.",
                "Fewer components and a k-means start.",
            ],
            1,
            [
                "Diagonal covariances still let each component stretch along the axes, and hard assignments are "
                "what you get in the limit β → ∞, not a restriction you impose on the mixture.",
                "Equal weights and equal round covariances make the factor π_k (β/2π)^(d/2) the same for every "
                "component, so it cancels and only squared distances remain. β → ∞ then gives k-means.",
                "A shared full covariance makes the distances Mahalanobis distances, not Euclidean ones: the "
                "boundaries are still straight but tilted to the shared shape. That is not k-means.",
                "Starting EM from k-means centres changes where EM starts, not what it computes: the E- and M-steps "
                "still use weights and full covariances.",
            ],
        ),
        ConceptQuestion(
            "You run soft k-means with β = 0.01 on data whose clusters are about 4 units apart, and all centres end "
            "up at the same point. What happened?",
            [
                "A bug: soft k-means should always separate the centres.",
                "A bad start: restarting with other seeds will separate them.",
                "The length scale 1/√β = 10 is larger than the data, so every point is shared equally and every "
                "centre moves to the data mean; β is below 1/λ_max, where the merged centre is stable.",
                "The algorithm has not converged yet; more iterations will separate them.",
            ],
            2,
            [
                "It is the correct fixed point for that β: equal centres give equal responsibilities, whose "
                "weighted mean is the data mean. Soft k-means only separates centres when β is large enough.",
                "Below the critical β the merged state is the only stable fixed point, so every start ends there. "
                "Only raising β helps.",
                "β sets the length scale over which a centre sees points. When it is far larger than the spread of "
                "the data, the clusters are invisible; above β = 1/λ_max the centres split (annealing).",
                "More iterations move the centres closer to the mean, not away from it: the merged state is where "
                "the iteration converges for this β.",
            ],
        ),
        ConceptQuestion(
            "On three long, thin, parallel clusters, k-means keeps cutting across them even with many restarts. Why?",
            [
                "k-means needs more restarts on elongated data; eventually one finds the right clusters.",
                "k-means minimises J = Σ‖x − μ‖², which favours compact round pieces; cutting across the long clusters "
                "gives a lower J than following them, so it is the answer k-means is looking for.",
                "k-means cannot find clusters that are not linearly separable.",
                "The data should be standardised first; then k-means finds them.",
            ],
            1,
            [
                "Restarts find the lowest J, and on this data the lowest J cuts across the clusters: the "
                "problem is the objective, not the search.",
                "k-means is the β → ∞ limit of a mixture of equal round Gaussians. When the true clusters are not "
                "round, the best J is not the true clustering; EM with full covariances models the stretch instead.",
                "Parallel strips are linearly separable (straight lines between them work). k-means' boundaries "
                "are straight too, but it chooses them to minimise J, which here prefers other lines.",
                "Standardising rescales each axis, but the clusters stay elongated and tilted relative to each other; "
                "the round-cluster assumption is still wrong.",
            ],
        ),
    ),
}


def concept_question(lesson, number):
    """The concept question `number` (1-based) of `lesson` ("01".."08"), ready to display."""
    if lesson not in QUESTIONS:
        raise ValueError(f"lesson must be one of {sorted(QUESTIONS)}; got {lesson!r}.")
    questions = QUESTIONS[lesson]
    if not 1 <= number <= len(questions):
        raise ValueError(f"number must be 1..{len(questions)} for lesson {lesson}; got {number!r}.")
    return questions[number - 1]
