"""The concept questions of lesson 14 (cheat sheet): choosing a method.

Questions 1 and 2 are asked at the top of section 3, before the table that answers them. Every number a
question quotes is asserted in notebooks/14_cheat_sheet.py: the ARI of k-means (at most 0.45) and of a full
mixture (at least 0.98) on the elongated data (question 1, section 3), the type BIC chooses on each of the four
designed data sets (question 2, section 5), the clusters mean-shift finds on the skewed data for h from 0.5 to 3
(question 3, section 3: 12 at 0.5, 3 from 0.75 to 2.5, 1 at 3), and the singular covariance, the 10 always-off
pixels and the reg_covar-set "log-likelihood" of a Gaussian mixture on the binary digits (question 4, section 4).
"""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "Three long, thin, parallel clusters, 300 points, K = 3 given to both methods. Before the cell runs: how "
        "will k-means and a full Gaussian mixture score against the true labels (ARI, 1 = perfect)?",
        [
            "Both close to 1: with K given and the clusters well apart, any method finds them.",
            "k-means well below the mixture: it cuts each long cluster across.",
            "k-means higher: fewer parameters, so it overfits less than the mixture on 300 points.",
            "Both about 0.5: no method can separate clusters longer than the gaps between them.",
        ],
        1,
        [
            "k-means assigns each point to its nearest centre, so its borders are straight lines halfway between "
            "centres. A cluster longer than the gap to its neighbour gets cut across: k-means scores at most 0.45, "
            "while the full mixture, whose ellipses take the clusters' shape, scores at least 0.98.",
            "Right: nearest-centre borders slice long clusters into round pieces; a full covariance stretches along "
            "each cluster. The measured ARIs are at most 0.45 for k-means and at least 0.98 for the mixture.",
            "Overfitting is a risk of too many parameters for the data; 17 parameters on 300 points is not that. The "
            "real problem of k-means here is its model: round, equal clusters. It scores at most 0.45 here.",
            "The mixture separates them almost perfectly (ARI at least 0.98): a Gaussian with a long, thin covariance "
            "measures distance in its own units (Mahalanobis), so a point far along the cluster is still close to it.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Every cluster of a data set has the same tilted elliptical shape; only the centres differ. K = 3 is "
        "fitted with each covariance type. Which type will BIC prefer?",
        [
            "full: the clusters are tilted, and only full covariances can tilt.",
            "diag: it is the middle ground, free enough for ellipses but cheap.",
            "spherical: the cheapest type always wins BIC when the clusters are far apart.",
            "tied: one shared tilted matrix fits all three, at a third of the cost.",
        ],
        3,
        [
            "A tied covariance is a full matrix too, only shared: it can tilt. full fits the same shape three times "
            "over, gains almost nothing in ℓ, and pays 6 more parameters at log N each, so BIC prefers tied.",
            "A diagonal covariance draws ellipses along the axes only; a tilted cluster needs the off-diagonal term. "
            "diag loses much likelihood here, and BIC ranks it behind tied and full.",
            "BIC trades likelihood against parameters; the cheapest type wins only if its fit is nearly as good. "
            "Circles fit tilted ellipses badly, so spherical loses far more ℓ than it saves.",
            "Right: one shared full Σ has 3 parameters in 2-D, against 9 for three full ones, and fits as well when "
            "the shapes really are equal. BIC picked the true type on all four designed data sets.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Mean-shift found the 3 skewed clusters with h = 1.5. Before the scan: run it with h from 0.5 to 3, what "
        "happens to the number of clusters it finds?",
        [
            "It falls steadily as h grows: every change of h changes the count, so h must be tuned very finely.",
            "It stays 3 over a wide range of h; only much smaller h splits the clusters and larger merges them.",
            "It is 3 for every h: the count depends on the data's peaks, never on the bandwidth.",
            "It grows with h: a wider window sees more of the data, so it finds more peaks.",
        ],
        1,
        [
            "On these data the count is 3 for every h from 0.75 to 2.5, more than three to one. It changes at the "
            "ends only: 12 at h = 0.5 (the window sees bumps inside a cluster), 1 at h = 3 (it spans two clusters).",
            "Right: 3 clusters for every h from 0.75 to 2.5, 12 at h = 0.5 and 1 at h = 3. Separate peaks of about "
            "one width make h easy to choose; long clusters do not (lesson 10, section 7).",
            "The peaks are those of the kernel density estimate, and h is its smoothing: at h = 0.5 it has 12 modes, "
            "at h = 3 one. The count is stable here from 0.75 to 2.5, not for every h.",
            "The reverse: a wider window smooths the density, and smoothing merges peaks. The count went from 12 at "
            "h = 0.5 to 3 from 0.75 to 2.5, and to 1 at h = 3.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "You have 1797 binary images (each pixel 0 or 1). A colleague fits a Gaussian mixture with reg_covar = 1e-6 "
        "and reports a log-likelihood of +137 nats per image, far better than a Bernoulli mixture's −19. What is right?",
        [
            "The positive number is a log-density set by reg_covar; it cannot be compared with the Bernoulli's.",
            "The Gaussian mixture fits better: a higher log-likelihood is a better model of the same data.",
            "Both numbers are log-probabilities; the Gaussian mixture is better because it models correlations.",
            "The Gaussian is right and the Bernoulli wrong: a log-likelihood cannot be negative for a good model.",
        ],
        0,
        [
            "Right: 10 pixels are off in every image, so their variance is 0 and only reg_covar keeps the density "
            "finite (with reg_covar = 0 even K = 1 fails); 1e-4 instead of 1e-6 moves the number by 56 nats per image. "
            "The Bernoulli mixture gives each image a probability, so its log is at most 0.",
            "Only likelihoods of the same kind compare. On discrete data a Gaussian gives a density, which is not "
            "bounded by 1; here reg_covar sets it: from 1e-6 to 1e-4 it drops by 56 nats per image.",
            "Only the Bernoulli mixture's number is a log-probability (at most 0). The Gaussian's is a log-density, "
            "which on binary points grows without bound as a pixel's variance goes to 0.",
            "A log-probability of discrete data is never positive (a probability is at most 1), so −19 nats per "
            "image is what a good model of 64 binary pixels gives; +137 is a density that reg_covar alone keeps finite.",
        ],
    ),
)
