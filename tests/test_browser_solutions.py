"""Every solution notebook in JupyterLab in headless Chromium (see browser_session.py)."""

import pytest
from browser_session import (  # noqa: F401  (fixtures are used by name)
    SOLUTIONS,
    browser,
    check_notebook_in_browser,
    ids,
    jupyterlab,
    timings,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_solution_in_browser(jupyterlab, browser, timings, path):  # noqa: F811
    check_notebook_in_browser(jupyterlab, browser, timings, path)
