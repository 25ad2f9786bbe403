"""What a failed check is, and where the student's code raised.

`CheckFailed` (an AssertionError, so nbval and the grader see a failure) carries the feedback; in Jupyter
it shows as that message alone, not as a traceback through coursepkg. `student_line` finds the line of
the student's own code in a traceback (the deepest line that is not coursepkg's, numpy's, scipy's or the
stdlib's), so that an exception raised inside numpy is reported at the student's call.
"""

import functools
import importlib.util
import linecache
import sysconfig
import traceback
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parents[2]  # coursepkg/

PASS_MARK = "✓"
FAIL_MARK = "✗"


class CheckFailed(AssertionError):
    """A failed exercise check. IPython shows only the feedback message.

    mistake : the stable id of the mistake named (`e_step.wrong_axis`, see `coursepkg.checks._core.mistakes`),
              data for the teacher's class report; the student sees only the message
    """

    def __init__(self, message="", mistake=None):
        super().__init__(message)
        self.mistake = mistake

    def _render_traceback_(self):
        return [f"\x1b[31m{line}\x1b[0m" for line in str(self).splitlines()]


@functools.cache
def _library_dirs():
    """Folders whose code is not the student's: coursepkg, numpy, scipy, Python's stdlib, installed packages."""
    dirs = {_PACKAGE_DIR}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        if path := sysconfig.get_paths().get(key):
            dirs.add(Path(path).resolve())
    for name in ("numpy", "scipy"):  # wherever they are installed (also outside site-packages)
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            dirs.add(Path(folder).resolve())
    return tuple(dirs)


@functools.lru_cache(maxsize=1024)
def _is_library_file(filename):
    """Whether code in `filename` belongs to a library rather than to the student."""
    if filename.startswith("<frozen "):  # the stdlib's frozen modules (importlib, ...)
        return True
    if filename.startswith("<"):  # <string>, <stdin>, <ipython-input-...>: code the student typed
        return False
    path = Path(filename).resolve()
    if {"site-packages", "dist-packages"} & set(path.parts):
        return True
    return any(path.is_relative_to(d) for d in _library_dirs())


def student_line(tb):
    """Where the student's code raised: (line number, source line, library it called), or None.

    The line is the deepest one of the traceback in the student's code, also when numpy, scipy, the stdlib
    or coursepkg raised the exception further down; the library is then the top-level package that raised
    (None when the student's line raised itself). None when no line is the student's (they passed a
    library function itself).
    """
    frames = list(traceback.walk_tb(tb))  # not extract_tb: sys.tracebacklimit must not cut it short
    for depth in range(len(frames) - 1, -1, -1):
        frame, lineno = frames[depth]
        filename = frame.f_code.co_filename
        if not _is_library_file(filename):
            source = linecache.getline(filename, lineno, frame.f_globals).strip()
            library = None
            if depth + 1 < len(frames):
                library = frames[depth + 1][0].f_globals.get("__name__", "").partition(".")[0] or None
            return lineno, source, library
    return None
