"""Concept questions with instant feedback.

Each wrong option carries the misconception it reveals, so the feedback
explains *why* it is wrong rather than just saying so.
"""

from dataclasses import dataclass
from html import escape

import ipywidgets as widgets

# Radio labels do not wrap by default, so a long option would run off the page. The label holds
# its text before the input, so row-reverse keeps the button on the left of a wrapped text.
_WRAP_OPTIONS = (
    "<style>.concept-question .widget-radio-box label {display: flex; flex-direction: row-reverse; "
    "justify-content: flex-end; align-items: flex-start; gap: 0.4em; white-space: normal; height: auto; "
    "line-height: 1.35; margin-bottom: 0.35em}"
    ".concept-question .widget-radio-box input {float: none; flex: none; height: 1.35em; margin: 0}"
    ".concept-question .widget-radio-box {height: auto}</style>"
)


@dataclass(frozen=True)
class ConceptQuestion:
    """A multiple-choice question.

    Parameters
    ----------
    prompt : str, plain text (shown escaped, so '<' and '&' are safe)
    options : list of str
    answer : int, index of the correct option
    feedback : list of str, one per option: for the right one why it is right,
        for each wrong one the misconception behind it
    prediction : bool, True when the question asks the student to predict what a lab or a
        cell will show before they look (every lesson has at least one)
    """

    prompt: str
    options: tuple
    answer: int
    feedback: tuple
    prediction: bool = False

    def __post_init__(self):
        object.__setattr__(self, "options", tuple(self.options))
        object.__setattr__(self, "feedback", tuple(self.feedback))
        if len(self.options) != len(self.feedback):
            raise ValueError(
                f"feedback needs one entry per option: {len(self.options)} options, {len(self.feedback)} feedback."
            )
        if not 0 <= self.answer < len(self.options):
            raise ValueError(f"answer must index an option (0..{len(self.options) - 1}); got {self.answer}.")

    def check(self, choice):
        """(is_correct, feedback text) for the option index `choice`."""
        if not 0 <= choice < len(self.options):
            raise ValueError(f"choice must be 0..{len(self.options) - 1}; got {choice}.")
        correct = choice == self.answer
        return correct, ("Correct. " if correct else "Not quite. ") + self.feedback[choice]

    def widget(self):
        radio = widgets.RadioButtons(options=list(self.options), value=None, layout=widgets.Layout(width="95%"))
        radio.add_class("concept-question")
        button = widgets.Button(description="Check answer")
        result = widgets.HTML()

        def on_click(_):
            if radio.value is None:
                result.value = "<i>Pick an option first.</i>"
                return
            correct, text = self.check(self.options.index(radio.value))
            colour = "#2ca02c" if correct else "#d62728"
            result.value = f"<div style='color:{colour}'>{'✓' if correct else '✗'} {escape(text)}</div>"

        button.on_click(on_click)
        return widgets.VBox([widgets.HTML(f"{_WRAP_OPTIONS}<b>{escape(self.prompt)}</b>"), radio, button, result])

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget())
