"""What grading finds: one ExerciseResult per check cell, one NotebookResult per submitted notebook."""

from dataclasses import dataclass, field


@dataclass
class ExerciseResult:
    """The outcome of one check cell."""

    grade_id: str
    points: float
    max_points: float
    passed: bool
    message: str
    notes: list = field(default_factory=list)
    mistakes: list = field(default_factory=list)  # ids of the mistakes of its failing check calls (e_step.wrong_axis)


@dataclass
class NotebookResult:
    """The outcome of one submitted notebook."""

    student: str
    notebook: str
    path: str
    status: str = "graded"  # "graded", or why it could not be
    exercises: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    manual: list = field(default_factory=list)  # answers to grade by hand: (grade_id, points)
    seconds: float = 0.0

    @property
    def total(self):
        return sum(e.points for e in self.exercises)

    @property
    def max_points(self):
        return sum(e.max_points for e in self.exercises)
