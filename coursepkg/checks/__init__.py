"""Exercise checks: compare a student's function with the reference and explain mistakes.

`lessonNN.py` holds the checks of lesson NN (its data, cases, references and wording); `_core/` holds
what several lessons share (the `Exercise` machinery, feedback helpers, shared data and references).
A notebook imports its lesson: `from coursepkg.checks import lesson05 as checks`.
"""
