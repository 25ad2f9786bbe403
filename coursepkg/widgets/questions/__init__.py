"""The concept questions of the lessons, one module per lesson (``lessonNN.py``).

They live here rather than in the notebooks so that the right answer and its
feedback are not printed just above the question: a lesson shows one with
``concept_question("04", 2)``. A new lesson's questions are a new module here
and one entry in ``QUESTIONS``.
"""

from importlib import import_module
from pathlib import Path

# every lesson that has a questions module here, in order
LESSONS = tuple(sorted(path.stem.removeprefix("lesson") for path in Path(__file__).parent.glob("lesson[0-9][0-9].py")))
QUESTIONS = {lesson: import_module(f"{__name__}.lesson{lesson}").QUESTIONS for lesson in LESSONS}


def concept_question(lesson, number):
    """The concept question `number` (1-based) of `lesson` ("01", "02", ...), ready to display."""
    if lesson not in QUESTIONS:
        raise ValueError(f"lesson must be one of {sorted(QUESTIONS)}; got {lesson!r}.")
    questions = QUESTIONS[lesson]
    if not 1 <= number <= len(questions):
        raise ValueError(f"number must be 1..{len(questions)} for lesson {lesson}; got {number!r}.")
    return questions[number - 1]
