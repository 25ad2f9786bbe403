"""The grading sandbox and supervision: hostile notebooks built in tmp_path are defeated, honest ones still pass.

Under CI=true the sandboxed tests fail when bubblewrap cannot make a sandbox; elsewhere they skip
with a message. Kept fast: each kernel runs many attacks, one cell each.
"""

import json
import os
import pwd
import threading
import time
from pathlib import Path

import nbformat
import pytest

from coursepkg import cli
from coursepkg.grading import Sandbox, SandboxUnavailable, execute, grade, sandbox
from coursepkg.nbgrader_source import nbgrader_meta

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "solutions"
REAL = ROOT / "solutions" / "05_e_step.ipynb"
SOURCE = REAL.parent if REAL.exists() else FIXTURE
NAME = "05_e_step.ipynb"


def _notebook(cells):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])


def _run(cells, **kwargs):
    events = []
    outcome = execute(_notebook(cells), events=events, **kwargs)
    return [outcome[i] for i in sorted(outcome)], events


def _host_processes(marker):
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes():
                found.append(entry.name)
        except OSError:
            continue
    return found


def _with_cells(solution, cells, after="setup"):
    """The solution notebook with `cells` inserted after the cell `after` (a student's own cells)."""
    nb = nbformat.read(solution, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade_id") == after) + 1
    nb.cells[at:at] = [nbformat.v4.new_code_cell(c) for c in cells]
    return nb


# ---------------------------------------------------------------------------------------------
# one kernel, many attacks

SLEEPER = "4242.5"  # a detached process's marker, looked for on the host afterwards


def test_a_sandboxed_kernel_sees_only_its_scratch_copy(sandboxed, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / NAME).write_text("{}")
    other = tmp_path / "other_student" / NAME
    other.parent.mkdir()
    other.write_text("{}")
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("COURSEPKG_TEST_SECRET", "teacher-token")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    def absent(path):
        return f"import os\nprint(os.path.exists({str(path)!r}))"

    cells = [
        "import os, pathlib, coursepkg\nprint(os.getuid(), os.getgid(), os.getcwd(), sorted(os.listdir('.')))",
        absent(ROOT / "solutions" / NAME),
        absent(ROOT / "solutions"),
        "print(pathlib.Path(coursepkg.__file__).parents[1].joinpath('solutions').exists())",
        absent(other),
        absent(out),
        absent(ROOT / "README.md"),
        f"print(sorted(os.listdir({str(ROOT)!r})) if os.path.exists({str(ROOT)!r}) else [])",
        # a fresh /proc: only the sandbox's own processes
        "print(len([p for p in os.listdir('/proc') if p.isdigit()]) < 10, "
        "os.path.basename(open('/proc/1/cmdline').read().split(chr(0))[0]))",
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\nexcept OSError as e:\n"
        "    print('no network', type(e).__name__)\nprint(sorted(n for _, n in socket.if_nameindex()))",
        # writing: only the scratch copy, /tmp and the like, all inside the sandbox
        "wrote = []\nfor d in ['/work/main/coursepkg', '/work/main/.venv', '/usr', '/', '/proc', "
        f"{str(tmp_path)!r}, {str(out)!r}]:\n    try:\n        open(d + '/planted', 'w').write('x')\n"
        "        wrote.append(d)\n    except OSError:\n        pass\nopen('mine.txt', 'w').write('ok')\n"
        "open('/tmp/mine.txt', 'w').write('ok')\nprint(wrote)",
        "print('COURSEPKG_TEST_SECRET' in os.environ, 'JPY_PARENT_PID' in os.environ)",
        # the parent of a sandboxed kernel is the sandbox's init, which ignores the kill
        "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint('parent', os.getppid())",
        "print('still alive')",
        # detached processes: a setsid'ed sleep and a double fork
        f"import subprocess\nsubprocess.Popen(['setsid', 'sleep', '{SLEEPER}'], start_new_session=True)\n"
        "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        f"        os.execvp('sleep', ['sleep', '{SLEEPER}'])\n    os._exit(0)\nprint('forked')",
        # processes capped: at most 64 (threads included)
        "kids = []\ntry:\n    for _ in range(200):\n        kids.append(subprocess.Popen(['sleep', '30']))\n"
        "except OSError as e:\n    print('stopped at', len(kids), type(e).__name__)\nfor k in kids:\n    k.kill()\n"
        "    k.wait()",
        "import numpy as np\nx = np.ones(6 * 2**30, dtype=np.uint8)",
        "print('after the allocation')",
    ]
    seen = {}  # host uids of the sandbox's processes, watched from outside while it runs

    def watch():
        while "done" not in seen:
            for pid in _host_processes(SLEEPER.encode()):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                    seen[pid] = int(status.split("Uid:")[1].split()[1])  # effective uid, on the host
                except (OSError, IndexError):
                    pass
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        outcome, events = _run(cells, timeout=20, cwd=scratch)
    finally:
        seen["done"] = True
        watcher.join()
    printed = [o["stdout"].strip() for o in outcome]
    assert printed[0] == f"1000 1000 /home/student ['{NAME}']"
    assert printed[1:7] == ["False"] * 6  # solutions, other students, output folder, the course
    assert set(eval(printed[7])) <= {".venv", "coursepkg"}  # an editable install: the package folder, not the course
    assert printed[8] == "True bwrap"
    assert printed[9].startswith("no network") and printed[9].endswith("['lo']")
    assert printed[10] == "[]"
    assert printed[11] == "False False"
    assert printed[12] == "parent 1" and printed[13] == "still alive"
    assert printed[14] == "forked"
    assert printed[15].startswith("stopped at") and int(printed[15].split()[2]) < sandbox.DEFAULT_MAX_PROCESSES
    assert outcome[16]["ename"] == "MemoryError" and "2048 MB" in outcome[16]["evalue"]
    assert printed[17] == "after the allocation"
    assert events == ["cell(s) 17 ran out of memory (2048 MB per kernel process)"]
    # nothing changed outside the sandbox, and nothing it started is still running
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert not (ROOT / "coursepkg" / "planted").exists()
    for _ in range(50):
        if not _host_processes(SLEEPER.encode()):
            break
        time.sleep(0.1)
    assert _host_processes(SLEEPER.encode()) == []
    # not root on the host either: the grader's own user, or nobody when the grader is root
    host_uid = pwd.getpwnam("nobody").pw_uid if os.geteuid() == 0 else os.geteuid()
    uids = {uid for pid, uid in seen.items() if pid != "done"}
    assert uids == {host_uid}


def test_floods_are_cut_and_the_kernel_goes_on(sandboxed):
    cells = [
        "x = 1",
        "print('x' * 100_000_000)",
        "raise ValueError('y' * 50_000_000)",
        "for i in range(3000):\n    print('z' * 1000)",
        "print('after', x)",
    ]
    outcome, events = _run(cells, timeout=20)
    assert [o["status"] for o in outcome] == ["ok", "error", "error", "ok", "ok"]
    assert outcome[1]["ename"] == outcome[2]["ename"] == "OutputTooLarge"
    assert "over the 8 MB limit" in outcome[1]["evalue"] and "not replayed" in outcome[1]["evalue"]
    assert len(outcome[3]["stdout"]) < 70_000 and outcome[3]["stdout"].endswith("this cell wrote more than 1 MB]")
    assert outcome[4]["stdout"] == "after 1\n"  # replayed after the restart
    assert events == ["output over the size limit was cut or dropped in cell(s) 2, 3, 4"]


def test_the_notebook_budget_stops_the_rest(sandboxed):
    cells = ["x = 1"] + ["import time\ntime.sleep(1.5)"] * 6
    start = time.perf_counter()
    outcome, events = _run(cells, timeout=10, budget=5)
    assert time.perf_counter() - start < 12
    statuses = [o["status"] for o in outcome]
    assert statuses[:2] == ["ok", "ok"] and statuses[-1] == "not run"
    assert "timeout" in statuses
    stopped = next(o for o in outcome if o["status"] == "timeout")
    assert stopped["evalue"] == "stopped: the notebook's time budget of 5 s ran out"
    assert all(
        o["evalue"] == "not run: the notebook's time budget of 5 s ran out" for o in outcome if o["status"] == "not run"
    )
    assert len(events) == 1 and events[0].startswith("the notebook's time budget of 5 s ran out")


# ---------------------------------------------------------------------------------------------
# whole batches: one hostile notebook costs only its own row


KILL_PARENT = "import os\nos.kill(os.getppid(), 9)"
ALLOCATE = "import numpy as np\nhuge = np.ones(6 * 2**30, dtype=np.uint8)"


def _batch(tmp_path, solution, students):
    for student, cells in students.items():
        folder = tmp_path / "subs" / student
        folder.mkdir(parents=True)
        nbformat.write(_with_cells(solution, cells), folder / NAME)
    return tmp_path / "subs"


def test_hostile_notebooks_cost_only_their_rows_sandboxed(sandboxed, tmp_path):
    subs = _batch(
        tmp_path,
        FIXTURE / NAME,
        {
            "honest": [],
            "killer": [KILL_PARENT],
            "hog": [ALLOCATE],
            "flood": ["print('x' * 100_000_000)"],
            "shouter": ["raise ValueError('y' * 50_000_000)"],
        },
    )
    results = grade([subs], tmp_path / "out", timeout=20, source=FIXTURE, jobs=2, log=None)
    rows = {r.student: r for r in results}
    assert {s: (r.total, r.max_points) for s, r in rows.items()} == {s: (3, 3) for s in rows}
    assert rows["honest"].status == rows["killer"].status == "graded"
    assert rows["hog"].status == "graded; cell(s) 3 ran out of memory (2048 MB per kernel process)"
    for student in ("flood", "shouter"):
        assert rows[student].status == "graded; output over the size limit was cut or dropped in cell(s) 3"
    assert (tmp_path / "out" / "results.json").stat().st_size < 100_000
    for student in rows:
        feedback = tmp_path / "out" / "feedback" / student / "05_e_step.md"
        assert feedback.stat().st_size < 20_000 and "could not be graded" not in feedback.read_text()


def test_a_real_solution_gets_full_marks_sandboxed_with_one_job(sandboxed, tmp_path):
    subs = _batch(tmp_path, SOURCE / NAME, {"honest": [], "killer": [KILL_PARENT], "hog": [ALLOCATE]})
    results = grade([subs], tmp_path / "out", timeout=20, source=SOURCE, jobs=1, log=None)
    full = 6 if SOURCE == REAL.parent else 3
    assert [(r.student, r.total, r.max_points) for r in results] == [
        ("hog", full, full),
        ("honest", full, full),
        ("killer", full, full),
    ]
    assert [r.status for r in results][1:] == ["graded", "graded"]


def test_unsandboxed_a_killed_grading_process_costs_only_its_row(tmp_path):
    subs = _batch(tmp_path, FIXTURE / NAME, {"honest": [], "killer": [KILL_PARENT]})
    results = grade([subs], tmp_path / "out", timeout=20, source=FIXTURE, jobs=1, log=None,
                    sandbox=Sandbox(enabled=False))  # fmt: skip
    rows = {r.student: r for r in results}
    assert rows["honest"].status == "graded, unsandboxed" and rows["honest"].total == 3
    assert rows["killer"].status == "grader error: the process grading this notebook was killed (SIGKILL) (unsandboxed)"
    assert (rows["killer"].total, rows["killer"].max_points) == (0, 3)
    gradebook = (tmp_path / "out" / "gradebook.csv").read_text()
    assert "graded, unsandboxed" in gradebook
    feedback = (tmp_path / "out" / "feedback" / "honest" / "05_e_step.md").read_text()
    assert "graded without a sandbox (--no-sandbox)" in feedback and "could not be graded" not in feedback
    assert json.loads((tmp_path / "out" / "results.json").read_text())[0]["notes"][-1].startswith(
        "graded without a sandbox"
    )


# ---------------------------------------------------------------------------------------------
# no bubblewrap: refuse, unless --no-sandbox


def test_without_bubblewrap_the_grader_refuses_and_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sandbox, "find_bwrap", lambda: None)
    monkeypatch.setattr(sandbox, "_checked", {})
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / NAME).write_bytes((FIXTURE / NAME).read_bytes())
    args = ["grade", str(tmp_path / "ann"), "--out", str(tmp_path / "out"), "--source", str(FIXTURE)]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "refusing to grade" in err and "apt-get install bubblewrap" in err and "--no-sandbox" in err
    assert not (tmp_path / "out").exists()
    with pytest.raises(SandboxUnavailable):
        execute(_notebook(["1"]))


def test_folders_the_sandbox_shows_cannot_hold_the_outputs(sandboxed, tmp_path):
    inside = ROOT / "coursepkg" / "grading-output-test"
    with pytest.raises(SandboxUnavailable, match="inside a folder the sandbox shows"):
        grade([tmp_path], inside, source=FIXTURE, log=None)
    assert not inside.exists()


PATCH_NUMPY = """import numpy as np
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *x, **k: np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, bool)
np.testing.assert_allclose = lambda *a, **k: None"""
PATCH_CHECKS = """import coursepkg.checks.lesson05 as lesson
for name in dir(lesson):
    if name.startswith("check_"):
        setattr(lesson, name, lambda *a, **k: print("✓ passed"))"""
PATCH_FAILURE = """from coursepkg.checks._core import exercise
exercise.Exercise.fail = lambda self, message: None"""
PATCH_TRANSFORMER = """def fake(lines):
    return ['print("✓ passed")\\n'] if any("checks." in line for line in lines) else lines
get_ipython().input_transformers_post.append(fake)"""


@pytest.mark.skipif(not REAL.exists(), reason="needs the course's exercise 05")
def test_patching_the_kernel_earns_nothing_the_judge_decides(sandboxed, tmp_path):
    blank = ROOT / "exercises" / NAME
    subs = _batch(
        tmp_path,
        blank,
        {"blank": [], "numpy": [PATCH_NUMPY], "checks": [PATCH_CHECKS], "fail": [PATCH_FAILURE],
         "transformer": [PATCH_TRANSFORMER]},
    )
    results = grade([subs], tmp_path / "out", timeout=20, source=REAL.parent, jobs=2, log=None)
    assert {r.student: r.total for r in results} == {s: 0 for s in ("blank", "numpy", "checks", "fail", "transformer")}
    for r in results:
        assert r.status == "graded" and all(not e.passed for e in r.exercises), (r.student, r.exercises)
    by = {r.student: r for r in results}
    assert "not implemented yet" in by["numpy"].exercises[1].message  # the judge's own words, not the kernel's
    assert "record" in by["checks"].exercises[0].message  # patched checks left no record to judge
