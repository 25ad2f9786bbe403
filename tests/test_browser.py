"""Every lesson and solution notebook in JupyterLab in headless Chromium (see browser_session.py).

One module, so one pytest worker runs them one after the other: two browsers and two
JupyterLab servers side by side starve a two-core machine and make kernels flaky.
"""

import sys

import pytest
from browser_session import (  # noqa: F401  (fixtures are used by name)
    LESSONS,
    SOLUTIONS,
    browser,
    check_notebook_in_browser,
    ids,
    jupyterlab,
    require_browser,
    timings,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_lesson_in_browser(jupyterlab, browser, timings, path):  # noqa: F811
    check_notebook_in_browser(jupyterlab, browser, timings, path)


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_solution_in_browser(jupyterlab, browser, timings, path):  # noqa: F811
    check_notebook_in_browser(jupyterlab, browser, timings, path)


def test_a_missing_browser_skips_with_install_instructions_outside_ci(monkeypatch, tmp_path):
    monkeypatch.delenv("CI", raising=False)
    expected = r"chromium at .*/no-chromium \(install: sudo apt-get install chromium\)"
    with pytest.raises(pytest.skip.Exception, match=expected):
        require_browser(tmp_path / "no-chromium")


def test_a_missing_browser_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install chromium.*\(CI=true: it must run\)"):
        require_browser(tmp_path / "no-chromium")


def test_a_present_browser_passes(monkeypatch):
    monkeypatch.setenv("CI", "true")
    require_browser(sys.executable)  # any existing file stands in for the binary; playwright is installed
