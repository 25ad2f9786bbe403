"""The concept questions of lesson 12.

Every number a question quotes is asserted in notebooks/12_em_at_scale.py: the 23 numbers a block sends for
K = 3, d = 2 (section 2), the coordinate's spread of about 1.4 (printed) and the raw formula's relative error
above 1 at an offset of 1e8 against the pairwise merge's below 1e-7 (section 4), the peak memory that grows by
under 5% of a block per extra block, from 5 to 80 blocks (section 9), and the exponent range 1/2 < alpha <= 1 of
the Robbins–Monro conditions (section 11).
"""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "Three components in 2-D (K = 3, d = 2), and a block of 20 000 points. How many numbers does the block's "
        "worker send to the reduce in one EM iteration?",
        [
            "60 000: the block's responsibility table r_nk, which the M-step needs.",
            "23: its count, N_k, the weighted means, the centred scatters and the log-likelihood.",
            "11: its count, N_k and the weighted means; scatters are rebuilt at the end.",
            "40 000: the points themselves, since the M-step must see every x_n.",
        ],
        1,
        [
            "The M-step needs only sums over the points of r_nk, r_nk x_n and the centred scatter: the worker "
            "can add its rows into them and drop the table. Sending r would cost as much as the data itself.",
            "1 + K + K d + K d² + 1 = 1 + 3 + 6 + 12 + 1 = 23 numbers, whatever the block size: the M-step and "
            "the stopping rule need nothing else, because every quantity they use is a sum over points.",
            "The covariances need the scatter, and it cannot be rebuilt from counts and means alone: two blocks "
            "with the same means may have very different spreads. The scatter must travel, centred.",
            "Only sums over the points enter the M-step, so the points can stay where they are; moving them is "
            "exactly what a map-reduce avoids (and what would not fit in one machine's memory).",
        ],
    ),
    ConceptQuestion(
        "Before the next cell runs: the same 1 000 points are shifted by c = 10⁸ in both coordinates (their spread "
        "is about 1.4). What relative error do you expect in the variance computed as "
        "(Σ r x² − N μ²)/N in double precision?",
        [
            "About 10⁻⁸: the data lost 8 digits, so the variance keeps the other 8.",
            "Zero: the formula is an algebraic identity, so it gives the exact variance.",
            "Above 10%, perhaps a negative variance: the two terms agree in nearly all their digits.",
            "An overflow to infinity, since x² near 10¹⁶ exceeds the largest double.",
        ],
        2,
        [
            "The loss is in the squares, not in the coordinates: Σ r x² and N μ² are about N c² = 10¹⁶ N, "
            "their rounding errors about 10⁻¹⁶ of that, i.e. about N. The difference is only N σ² ≈ 2N, so "
            "the relative error is of order c²/σ² × 10⁻¹⁶ ≈ 1, not 10⁻⁸.",
            "An identity in exact arithmetic need not survive rounding: each of the two terms is rounded to 16 "
            "digits, and their difference is 16 orders of magnitude smaller than either.",
            "Both terms are about 10¹⁶ per point and differ in the 17th digit, beyond double precision: "
            "the difference is rounding noise of size comparable to the variance itself, and it can be "
            "negative. The pairwise merge uses only differences from means and stays accurate.",
            "The largest double is about 1.8 × 10³⁰⁸; 10¹⁶ is nowhere near it. The problem is not the size of "
            "the numbers but the cancellation between two nearly equal ones.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Before the next cell runs: one pass of the E-step and the merges over 80 blocks of 20 000 points, "
        "against a pass over 5 such blocks, both on one thread. How will the peak memory of the pass compare?",
        [
            "Nearly the same: a block is made, reduced to its statistics and dropped before the next one.",
            "About sixteen times larger, since sixteen times as many points pass through the E-step.",
            "About twice larger: the tree of merges for 80 blocks is four levels deeper.",
            "About half the data, since half the blocks wait in the merge tree at any time.",
        ],
        0,
        [
            "Only one block, its responsibilities and the E-step's temporaries are alive at once; what is kept "
            "between blocks is K + K d + K d² + 2 numbers each (plus a few kB of task graph). The peak depends on "
            "the block size, not on N.",
            "The E-step runs on one block at a time, and each block's memory is freed after its statistics are "
            "taken: the total work grows with N, the memory alive at once does not.",
            "The merge tree holds statistics, not data: 23 numbers each. More blocks add a few kB each (the graph "
            "and the statistics waiting to merge), far less than one block of 320 kB.",
            "A block waits only as 23 numbers of statistics, not as data: once its statistics are taken, its points "
            "are freed. The data never accumulate, so the peak stays at a few blocks' worth.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Stepwise EM updates its running statistics with s ← (1 − η_t) s + η_t ŝ_t. Which schedule satisfies "
        "both Robbins–Monro conditions, Σ η_t = ∞ and Σ η_t² < ∞?",
        [
            "η_t = 0.05, a small constant, so that the noise of each batch barely matters.",
            "η_t = (t + 2)^(−2), which shrinks fast enough that the noise certainly dies out.",
            "η_t = (t + 2)^(−1/2), the slowest decay that still tends to zero.",
            "η_t = (t + 2)^(−0.7), which shrinks, but more slowly than 1/t.",
        ],
        3,
        [
            "A constant step has Σ η_t² = ∞: every batch moves the statistics by a fixed share, so the mixture "
            "keeps jittering around the optimum with noise that never shrinks.",
            "With exponent 2, Σ η_t is finite (about 0.64 here): the steps add up to a bounded distance, so "
            "the statistics can stop short of the optimum and never recover.",
            "With exponent 1/2, Σ η_t² = Σ 1/(t + 2) is the harmonic series, which diverges: the noise does "
            "not die out. The exponent must be strictly above 1/2.",
            "Σ (t + 2)^(−α) diverges for α ≤ 1 and Σ (t + 2)^(−2α) converges for 2α > 1: both hold for "
            "1/2 < α ≤ 1, and 0.7 is inside (the package's default uses 0.6).",
        ],
    ),
)
