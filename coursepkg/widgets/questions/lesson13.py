"""The concept questions of lesson 13.

Every number a question quotes is asserted in notebooks/13_colour_quantisation.py: N = 273,280 pixels
(section 1), 0.0056 bits per pixel for the palette at K = 64 (section 4) and the thumbnail's 6.375 bits per
pixel (the cell after question 1, in section 4), the 1.8 to 3 dB per doubling of K from K = 8 on (2.74, 2.37,
2.23 dB) and the more than 7 dB from K = 8 to 64 (section 6), the dither's PSNR gap of about 5 dB at K = 16,
the 4.4 dB of argmax r alone, the median largest responsibility near 0.9 and the third of pixels whose most
responsible component is not the nearest colour (section 9).
"""

from ..quiz import ConceptQuestion

QUESTIONS = (
    ConceptQuestion(
        "A thumbnail of 64 × 64 = 4,096 pixels is stored with a palette of K = 64 colours (24 bits each) and "
        "a 6-bit index per pixel. What does it cost in bits per pixel?",
        [
            "6 bits: the index is all a pixel stores, so the palette does not count.",
            "30 bits: 6 for the index plus 24 for the pixel's colour in the palette.",
            "6.0056 bits, the same as the 273,280-pixel photograph of the lesson at K = 64.",
            "6.375 bits: the 1,536 palette bits are shared by only 4,096 pixels here.",
        ],
        3,
        [
            "The decoder needs the palette to turn indices back into colours, so it is part of the file: 24 K bits "
            "once. For the lesson's 273,280-pixel photograph that is negligible, but not for a thumbnail.",
            "The palette is stored once, not once per pixel: 24 K = 1,536 bits for the whole image, which is "
            "1,536 / 4,096 = 0.375 bits per pixel, not 24.",
            "The palette's share is 24 K / N and depends on N: 0.0056 bits per pixel for N = 273,280, but "
            "1,536 / 4,096 = 0.375 for the thumbnail.",
            "log2 64 = 6 bits per index plus 24 × 64 / 4,096 = 0.375 bits per pixel for the palette. The smaller "
            "the image, the more the palette's fixed cost weighs.",
        ],
    ),
    ConceptQuestion(
        "Before the next cell fits palettes for K = 2, 4, ..., 64: each doubling of K adds one bit per pixel "
        "for the index. Once K is 8 or more, about how much PSNR will each such doubling of the k-means "
        "palette buy on this photograph?",
        [
            "About 6 dB, the rule for quantisers: each bit of the code halves the error's size.",
            "Almost nothing: with 8 colours the photograph is already captured, later colours are wasted.",
            "About 2 to 3 dB: the colours are points in three dimensions, so each cell shrinks slowly.",
            "More with every doubling: the new colours fill the gaps the old ones left.",
        ],
        2,
        [
            "6 dB per bit holds for one number quantised on a line: twice the levels halve each cell's width, "
            "so the MSE falls 4 times. Colours are points in d = 3 dimensions: twice the cells shrink each cell's "
            "width only by 2^(1/3), the MSE by 2^(2/3), which is 2 dB.",
            "The curve keeps climbing: from K = 8 to 64 the k-means PSNR rises by more than 7 dB in the lesson's "
            "figure. Eight colours lose the reds of the walls and paint the sky in bands; more colours repair that.",
            "With K cells covering a region of colour space in d = 3 dimensions, each cell has a width of about "
            "K^(-1/3), so the MSE falls like K^(-2/3): a doubling lowers it by 2^(2/3), 10 log10 of which is 2.0 dB. "
            "The measured gains lie between 1.8 and 3 dB.",
            "The returns diminish, they do not grow: each doubling halves every cell's volume, and the cells' "
            "width, which sets the error, shrinks only by 2^(1/3). The lesson measures 2.74, 2.37 and 2.23 dB for "
            "the doublings from K = 8 to 64, each smaller than the last.",
        ],
        prediction=True,
    ),
    ConceptQuestion(
        "Before the next cell runs: with the 16-colour GMM palette, each pixel's index is drawn from its "
        "responsibilities r_n1, ..., r_n16 instead of taking the nearest colour. What will this do to the "
        "PSNR of the whole image?",
        [
            "It falls by several dB: on average a drawn colour is farther from the pixel than the nearest one.",
            "It rises: averaged over the pixels, the sampled colours follow the original more closely than one colour does.",
            "It stays the same on average, because the draws are unbiased: their expected colour is the pixel's.",
            "It falls a little, well under 1 dB, since the draw almost always picks the nearest colour anyway.",
        ],
        0,
        [
            "E||x_n − μ_c||² = Σ_k r_nk ||x_n − μ_k||², an average of squared distances, which is at least the "
            "smallest of them. The lesson measures about 5 dB lost at K = 16, most of it because the most "
            "responsible component is often a broad one whose mean is not the pixel's nearest colour.",
            "That is what a blurred view can suggest (a region's average colour is kept better), but PSNR compares "
            "pixel by pixel, and each pixel's expected squared error Σ_k r_nk ||x_n − μ_k||² is at least the "
            "nearest colour's. Even after a blur the lesson's dithered image is still the worse one.",
            "The expected colour Σ_k r_nk μ_k is not the pixel's colour, and even an unbiased draw adds variance: "
            "the expected squared error is the squared bias plus the variance of the drawn colour, and PSNR "
            "counts both.",
            "The draw does usually pick the most responsible component (the median largest responsibility is "
            "about 0.9), but that component is not the nearest colour for about a third of the pixels: a broad, "
            "heavy component wins pixels that lie closer to a narrow one's mean. Argmax r alone loses about "
            "4.4 dB; the drop measured at K = 16 is about 5 dB, not a fraction of one.",
        ],
        prediction=True,
    ),
)
