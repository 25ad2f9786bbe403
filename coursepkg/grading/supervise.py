"""Each notebook graded in a process of its own, `jobs` at a time, with a wall-clock limit.

A grading process that dies (a notebook killed its parent: possible without the sandbox) or
runs over its limit (killed, and its sandbox with it: bubblewrap dies with its parent) costs
only its own row: run_isolated reports it as a failure and goes on with the others, with one
job or many. Results come back through a pipe as they finish.
"""

import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from multiprocessing.connection import wait

# Not fork: the grader may run in a process that has used OpenMP (scikit-learn) or started threads (a
# Dask cluster, a test runner), and a forked child that calls into such a library can hang for good
# (libgomp is not fork-safe). A fork server starts clean, imports the grader once and forks each job
# from itself, so jobs still start fast. Elsewhere (macOS, Windows) spawn.
_START_METHOD = "forkserver" if sys.platform.startswith("linux") else "spawn"
_PRELOAD = ["coursepkg.grading"]


def _child(send, scratch, function, args, kwargs):
    tempfile.tempdir = scratch  # the process's temporary files: removed by the parent, even if it is killed
    try:
        message = ("ok", function(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as the row's failure
        message = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
    send.send(message)
    send.close()


def _died(exitcode):
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the process grading this notebook was killed ({name})"
    return f"the process grading this notebook exited (code {exitcode}) without a result"


def run_isolated(calls, jobs=1, seconds=None):
    """Run each (key, function, args, kwargs) of `calls` in a new process, `jobs` at a time.

    Yields (key, True, result) as each finishes, or (key, False, why) when its process died,
    raised, or ran over `seconds` (then it is killed)."""
    context = multiprocessing.get_context(_START_METHOD)
    if _START_METHOD == "forkserver":
        context.set_forkserver_preload(_PRELOAD)
    pending = list(calls)
    running = []  # [key, process, receiving end, start, scratch]
    try:
        yield from _supervise(context, pending, running, jobs, seconds)
    finally:  # the caller stopped early (or failed): no grading process outlives the run
        for _key, process, receive, _start, scratch in running:
            process.kill()
            process.join(5)
            receive.close()
            shutil.rmtree(scratch, ignore_errors=True)


def _supervise(context, pending, running, jobs, seconds):
    while pending or running:
        while pending and len(running) < max(1, jobs):
            key, function, args, kwargs = pending.pop(0)
            receive, send = context.Pipe(duplex=False)
            scratch = tempfile.mkdtemp(prefix="coursepkg-job-")
            os.chmod(scratch, 0o711)  # a sandbox run as nobody reaches the folders staged in it (sandbox.py)
            process = context.Process(target=_child, args=(send, scratch, function, args, kwargs), daemon=True)
            process.start()
            send.close()
            running.append([key, process, receive, time.monotonic(), scratch])
        timeout = None
        if seconds:
            timeout = max(0.0, min(entry[3] + seconds for entry in running) - time.monotonic())
        wait([r[2] for r in running] + [r[1].sentinel for r in running], timeout)
        for entry in list(running):
            key, process, receive, start, scratch = entry
            outcome = None
            if receive.poll():
                try:
                    status, value = receive.recv()
                    outcome = (key, status == "ok", value if status == "ok" else f"grader error: {value}")
                except (EOFError, OSError):
                    process.join(5)
                    outcome = (key, False, _died(process.exitcode))
            elif not process.is_alive():
                outcome = (key, False, _died(process.exitcode))
            elif seconds and time.monotonic() - start > seconds:
                process.kill()
                outcome = (key, False, f"stopped after {seconds:g} s: the notebook ran over its time budget")
            if outcome is None:
                continue
            running.remove(entry)
            receive.close()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
            shutil.rmtree(scratch, ignore_errors=True)
            yield outcome
