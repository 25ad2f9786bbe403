"""Every lesson and solution notebook in JupyterLab in headless Chromium (see browser_session.py).

One module, so one pytest worker runs them one after the other: two browsers and two
JupyterLab servers side by side starve a two-core machine and make kernels flaky.
"""

import os
import shutil
from pathlib import Path

import pytest
from browser_session import (  # noqa: F401  (fixtures are used by name)
    CHROMIUM,
    LESSONS,
    SOLUTIONS,
    _require_browser,
    browser,
    check_notebook_in_browser,
    ids,
    jupyterlab,
    timings,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_lesson_in_browser(jupyterlab, browser, timings, path):  # noqa: F811
    check_notebook_in_browser(jupyterlab, browser, timings, path)


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_solution_in_browser(jupyterlab, browser, timings, path):  # noqa: F811
    check_notebook_in_browser(jupyterlab, browser, timings, path)


def test_chromium_found_or_skip_message():
    """Outside CI a missing browser skips with install instructions rather than failing."""
    if shutil.which("chromium") or Path(CHROMIUM).exists():
        return
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        os.environ.pop("CI", None)
        _require_browser()
