"""The concept questions: well-formed, answered with feedback, each shown once by its lesson."""

import re
from pathlib import Path

import pytest

from coursepkg.widgets.questions import QUESTIONS, concept_question
from coursepkg.widgets.quiz import ConceptQuestion

ROOT = Path(__file__).resolve().parents[1]
ALL = [(lesson, i + 1, q) for lesson, qs in QUESTIONS.items() for i, q in enumerate(qs)]
IDS = [f"{lesson}-{number}" for lesson, number, _ in ALL]


def test_every_lesson_has_three_or_four_questions():
    lessons = sorted(p.stem[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.py") if p.stem[:2] != "00")
    assert sorted(QUESTIONS) == lessons, "every lesson notebook has a questions module, and only they do"
    assert all(3 <= len(qs) <= 4 for qs in QUESTIONS.values()), {k: len(v) for k, v in QUESTIONS.items()}


@pytest.mark.parametrize("lesson", sorted(QUESTIONS))
def test_every_lesson_asks_for_a_prediction(lesson):
    assert any(q.prediction for q in QUESTIONS[lesson]), f"lesson {lesson} has no prediction question"


def _longest(question):
    lengths = [len(option) for option in question.options]
    return lengths.count(max(lengths)) == 1 and lengths.index(max(lengths)) == question.answer


def test_length_does_not_give_the_answer_away():
    """A student who always picks the longest option should fail most questions."""
    longest = [f"{lesson}-{number}" for lesson, number, q in ALL if _longest(q)]
    assert len(longest) <= len(ALL) / 3, f"the right option is the longest in {len(longest)} of {len(ALL)}: {longest}"


def test_position_does_not_give_the_answer_away():
    """No option position is right in more than 40% of the questions, and each position is used."""
    positions = [q.answer for _, _, q in ALL]
    counts = {i: positions.count(i) for i in range(4)}
    assert all(count >= 1 for count in counts.values()), counts
    assert max(counts.values()) <= 0.4 * len(ALL), counts


def test_no_option_is_an_obvious_catch_all():
    """"All of the above" and "none of the above" are cues, not questions."""
    for lesson, number, q in ALL:
        for option in q.options:
            assert "of the above" not in option.lower(), f"{lesson}-{number}: {option!r}"


@pytest.mark.parametrize("lesson, number, question", ALL, ids=IDS)
def test_question_is_well_formed(lesson, number, question):
    assert len(question.options) >= 3
    assert len(set(question.options)) == len(question.options)
    # every option has its own explanation, long enough to name a misconception
    assert len(set(question.feedback)) == len(question.feedback)
    assert all(len(text) >= 40 for text in question.feedback)


@pytest.mark.parametrize("lesson, number, question", ALL, ids=IDS)
def test_only_the_answer_is_accepted(lesson, number, question):
    verdicts = [question.check(i)[0] for i in range(len(question.options))]
    assert verdicts.count(True) == 1 and verdicts.index(True) == question.answer
    correct, text = question.check(question.answer)
    assert text.startswith("Correct.")
    wrong = (question.answer + 1) % len(question.options)
    correct, text = question.check(wrong)
    assert not correct and text.startswith("Not quite.") and question.feedback[wrong] in text


@pytest.mark.parametrize("lesson", sorted(QUESTIONS))
def test_each_question_is_shown_once_by_its_lesson(lesson):
    (source,) = ROOT.glob(f"notebooks/{lesson}_*.py")
    shown = re.findall(r'concept_question\("(\d\d)", (\d+)\)', source.read_text())
    assert shown == [(lesson, str(i + 1)) for i in range(len(QUESTIONS[lesson]))]


def test_widget_gives_feedback_on_click():
    question = concept_question("05", 2)
    box = question.widget()
    _prompt, radio, button, result = box.children
    button.click()
    assert "Pick an option first" in result.value
    radio.value = question.options[question.answer]
    button.click()
    assert "✓" in result.value and "Correct." in result.value
    wrong = (question.answer + 1) % len(question.options)
    radio.value = question.options[wrong]
    button.click()
    assert "✗" in result.value and question.feedback[wrong][:30] in result.value


@pytest.mark.parametrize(
    "args, message",
    [(("99", 1), "lesson must be one of"), (("01", 0), "number must be 1.."),
     (("01", len(QUESTIONS["01"]) + 1), "number must be 1..")],
)
def test_concept_question_rejects_unknown_ids(args, message):
    with pytest.raises(ValueError, match=message):
        concept_question(*args)


def test_malformed_question_is_rejected():
    with pytest.raises(ValueError, match="one entry per option"):
        ConceptQuestion("q?", ["a", "b"], 0, ["only one"])
    with pytest.raises(ValueError, match="answer must index an option"):
        ConceptQuestion("q?", ["a", "b"], 2, ["x", "y"])
    with pytest.raises(ValueError, match="choice must be 0..1"):
        ConceptQuestion("q?", ["a", "b"], 0, ["x", "y"]).check(5)
