"""The course in a real browser: JupyterLab driven by Playwright in headless Chromium.

Used by test_browser.py. For every lesson and solution notebook: open it, run all cells, and check that
no cell printed an error or a warning, that every lab renders its controls and
its figure changes when a control moves or a button is pressed, and (solutions)
that the checks print their confirmations. A screenshot of each notebook goes to
artifacts/browser/, with the open and run times in artifacts/browser/timings.csv.

Needs Debian's chromium at /usr/bin/chromium (`sudo apt-get install chromium`);
without it the test is skipped, except under CI=true where it must run.
"""

import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts" / "browser"
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
RUN_TIMEOUT_S = 240
# the input prompts of the notebook on show ("[ ]:", "[*]:" or "[3]:")
PROMPTS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt"



def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def require_browser(chromium=CHROMIUM):
    """Skip (outside CI) or fail (under CI=true) unless chromium and playwright are there."""
    missing = []
    if not Path(chromium).exists():
        missing.append(f"Debian's chromium at {chromium} (install: sudo apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (install: pip install -e '.[test]')")
    if missing:
        message = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: it must run)")
        pytest.skip(message)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A JupyterLab server on a free localhost port with throw-away config, runtime and settings."""
    require_browser()
    home = tmp_path_factory.mktemp("jupyter")
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # attach every cell to the DOM so that outputs below the fold can be inspected; start the notebook's
    # own kernel without asking (under load the kernel list can arrive late and a chooser pops up)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none", "autoStartDefaultKernel": true}')
    # never save executed notebooks back over the course's clean files
    docmanager = home / "settings" / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    (docmanager / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    news = home / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    token = secrets.token_hex(16)
    port = _free_port()
    env = os.environ | {
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            "--ServerApp.port_retries=0", f"--ServerApp.root_dir={ROOT}", f"--IdentityProvider.token={token}",
            f"--LabApp.user_settings_dir={home / 'settings'}", f"--LabApp.workspaces_dir={home / 'workspaces'}",
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ] + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (home / "server.log").read_text()[-3000:])
            time.sleep(0.5)
    yield base, token
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def browser(jupyterlab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def timings():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    rows = []
    yield rows
    with open(ARTIFACTS / "timings.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["notebook", "open_s", "run_s", "labs", "checks_passed"])
        writer.writerows(rows)


def _handle_dialog(page, name):
    """Accept JupyterLab's kernel chooser; any other dialog fails the test with its text."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count() == 0:
        return
    text = dialog.first.inner_text()
    if "select kernel" in text.lower():
        # the chooser preselects the notebook's kernel (Python 3): accept it and wait until it is gone
        dialog.first.locator(".jp-Dialog-button.jp-mod-accept").first.click(timeout=5_000)
        dialog.first.wait_for(state="detached", timeout=10_000)
        return
    page.screenshot(path=str(ARTIFACTS / f"FAILED_{name.replace('/', '__')}.png"))
    pytest.fail(f"{name}: JupyterLab showed a dialog: {text!r}")


def _click(page, locator, name):
    """Click, dealing with a dialog that opened in the way (the kernel chooser can pop up late)."""
    for _attempt in range(6):
        try:
            _handle_dialog(page, name)
            locator.click(timeout=5_000)
            return
        except pytest.fail.Exception:
            raise
        except Exception:
            continue
    _handle_dialog(page, name)
    locator.click(timeout=5_000)


def _run_all_cells(page, name):
    """Run ▸ Run All Cells, retried if the kernel was not ready to take it; wait until every cell ran.

    Fails early, with the reason, when the kernel goes idle while cells are left unrun
    (a cell raised, or the kernel died) instead of waiting out the whole timeout.
    """
    count = """() => {
        const prompts = [...document.querySelectorAll('PROMPTS')].map(p => p.textContent);
        return {total: prompts.length, done: prompts.filter(t => /\\[\\d+\\]/.test(t)).length,
                busy: prompts.filter(t => /\\[\\*\\]/.test(t)).length};
    }""".replace("PROMPTS", PROMPTS)

    def run_all():
        _click(page, page.locator(".lm-MenuBar-itemLabel", has_text="Run").first, name)
        _click(page, page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first, name)

    for _attempt in range(3):
        run_all()
        try:  # something starts: a prompt shows [*] or a number
            page.wait_for_function(f"() => {{ const c = ({count})(); return c.busy + c.done > 0; }}", timeout=20_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    deadline = time.monotonic() + RUN_TIMEOUT_S
    stalled_since = None
    reruns = 0
    while True:
        _handle_dialog(page, name)
        state = page.evaluate(count)
        if state["done"] == state["total"]:
            return
        idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0
        stalled = idle and state["busy"] == 0
        stalled_since = (stalled_since or time.monotonic()) if stalled else None
        # a Run All given while the kernel was still connecting can stop after the first cell:
        # without an error on screen, give it again (from the top, as a student would)
        if stalled_since and time.monotonic() - stalled_since > 5 and errors.count() == 0 and reruns < 2:
            reruns += 1
            run_all()
            stalled_since = None
            continue
        if (stalled_since and time.monotonic() - stalled_since > 15) or time.monotonic() > deadline:
            page.screenshot(path=str(ARTIFACTS / f"FAILED_{name.replace('/', '__')}.png"))
            texts = [t[-600:] for t in errors.all_inner_texts()]
            status = page.locator(".jp-Notebook-ExecutionIndicator").first.get_attribute("data-status")
            pytest.fail(
                f"{name}: {state['done']} of {state['total']} cells ran ({state['busy']} running, kernel {status}) "
                f"after {RUN_TIMEOUT_S if not stalled_since else 'a stall of 15'} s.\n" + "\n---\n".join(texts)
            )
        page.wait_for_timeout(500)


def _exercise_lab(page, lab, name):
    """Move every slider / press every button of a lab; the figure must change at least once per control."""
    image = lab.locator("img").first
    image.scroll_into_view_if_needed()
    controls = 0
    for handle in lab.locator(".noUi-handle").all():
        before = image.screenshot()
        handle.focus()
        for _ in range(6):
            handle.press("ArrowRight")
        page.wait_for_timeout(400)
        after = image.screenshot()
        if after == before:  # at the top of its range: go the other way
            for _ in range(12):
                handle.press("ArrowLeft")
            page.wait_for_timeout(400)
            after = image.screenshot()
        assert after != before, f"{name}: moving a slider did not change the lab's figure"
        controls += 1
    for button in lab.locator("button").all():
        label = button.inner_text().strip()
        if "mod-active" in (button.get_attribute("class") or ""):
            continue  # the chosen option of a toggle group: pressing it again changes nothing, rightly
        before = image.screenshot()
        button.click()
        page.wait_for_timeout(600)
        if label.lower().startswith("reset"):
            continue  # reset may legitimately show the same picture
        assert image.screenshot() != before, f"{name}: pressing '{label}' did not change the lab's figure"
        controls += 1
    return controls


def _answer_question(question, name):
    """Try every option of a concept question: exactly one earns a tick, each wrong one explains itself."""
    options = question.locator("input[type='radio']")
    result = question.locator(".widget-html-content").last
    verdicts = []
    for j in range(options.count()):
        options.nth(j).check()
        question.locator("button", has_text="Check answer").click()
        result.locator("div").wait_for(timeout=5_000)
        text = result.inner_text()
        verdicts.append(text.startswith("✓"))
        assert len(text) > 40, f"{name}: option {j + 1} gets no explanation: {text!r}"
        result.evaluate("el => el.replaceChildren()")  # so the next click's feedback is awaited afresh
    assert verdicts.count(True) == 1, f"{name}: {verdicts.count(True)} options were accepted, expected exactly one"
    options.nth(verdicts.index(True)).check()
    question.locator("button", has_text="Check answer").click()


def _questions_shown(path):
    """How many concept questions the notebook displays: its code cells that call concept_question(...)."""
    cells = json.loads(path.read_text())["cells"]
    return sum("concept_question(\"" in "".join(c["source"]) for c in cells if c["cell_type"] == "code")


def check_notebook_in_browser(jupyterlab, browser, timings, path):
    """Open `path`, run all cells, check outputs, labs, questions and checks; screenshot it."""
    base, token = jupyterlab
    rel = path.relative_to(ROOT).as_posix()
    stored = path.read_bytes()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        start = time.monotonic()
        # a workspace of its own per notebook, so no tab of an earlier notebook is restored
        slug = rel.replace("/", "-").removesuffix(".ipynb")
        page.goto(f"{base}/lab/workspaces/{slug}/tree/{rel}?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
        opened = time.monotonic() - start

        start = time.monotonic()
        _run_all_cells(page, rel)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        ran = time.monotonic() - start

        problems = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        texts = [t[:400] for t in problems.all_inner_texts()]
        assert not texts, f"{rel}: cells printed errors or warnings:\n" + "\n---\n".join(texts)

        # widget views render after their cells finish, later on a busy machine: wait for every concept
        # question the notebook shows (they come after the labs they follow) before counting anything
        expected = _questions_shown(path)
        if expected:
            page.wait_for_function(
                f"() => document.querySelectorAll('.widget-vbox:has(> .widget-radio)').length >= {expected}",
                timeout=60_000,
            )
        labs = page.locator(".widget-vbox:has(> img)")
        n_labs = labs.count()
        for i in range(n_labs):
            lab = labs.nth(i)
            assert lab.locator(".noUi-handle, button, select").count() > 0, f"{rel}: lab {i} shows no controls"
            _exercise_lab(page, lab, f"{rel} lab {i}")

        for i in range(n_labs):
            labs.nth(i).screenshot(path=str(ARTIFACTS / f"{rel.replace('/', '__')}.lab{i}.png"))

        questions = page.locator(".widget-vbox:has(> .widget-radio)")
        for i in range(questions.count()):
            _answer_question(questions.nth(i), f"{rel} question {i + 1}")
        if path.parent.name == "notebooks" and path.name[:2] != "00":
            assert questions.count() >= 3, f"{rel}: expected 3-4 concept questions, found {questions.count()}"

        checks = 0
        if path.parent.name == "solutions":
            checks = page.locator(".jp-OutputArea-output", has_text="✓").count()
            assert checks > 0, f"{rel}: no check printed a confirmation"

        page.screenshot(path=str(ARTIFACTS / (rel.replace("/", "__") + ".png")))
        timings.append([rel, f"{opened:.1f}", f"{ran:.1f}", n_labs, checks])
        if rel == "notebooks/00_start.ipynb":
            # the start page's links must open the exercises (they live outside notebooks/)
            page.locator(".jp-RenderedMarkdown a", has_text="exercises 01").first.click()
            page.locator(".jp-NotebookPanel:visible h1", has_text="Exercises 01").wait_for(timeout=30_000)
        assert path.read_bytes() == stored, f"{rel} was saved with outputs during the browser run"
    except Exception as exc:
        if isinstance(exc, (pytest.fail.Exception, AssertionError)):
            raise
        # a timeout says little by itself: keep what was on screen and any dialog's text
        page.screenshot(path=str(ARTIFACTS / f"FAILED_{rel.replace('/', '__')}.png"))
        dialogs = page.locator(".jp-Dialog").all_inner_texts()
        raise AssertionError(f"{rel}: {type(exc).__name__}: {str(exc)[:300]}\ndialogs on screen: {dialogs}") from exc
    finally:
        # shut the kernel so the next notebook starts on a quiet machine
        page.close()
        _shutdown_kernels(base, token)


def _shutdown_kernels(base, token):
    import json

    with urllib.request.urlopen(f"{base}/api/kernels?token={token}") as resp:
        kernels = json.load(resp)
    for kernel in kernels:
        req = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(req)
