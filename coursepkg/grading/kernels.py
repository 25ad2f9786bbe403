"""Running a notebook in a fresh python3 kernel: per-cell timeout, and restart and replay when the kernel dies or hangs.

`execute` is the grader's only contact with kernels: it takes a notebook and returns what
happened in each code cell. A runner that works another way (in a sandbox, say) replaces it
by a function with the same arguments and result.
"""

import copy
import os
import re
import subprocess

import nbformat

from ..nbgrader_source import is_read_only

DEFAULT_TIMEOUT = 30
MAX_RESTARTS = 3
SETUP_TIMEOUT = 120  # locked setup cells hold only the teacher's code: imports can be slow on a loaded machine
PROBE_TIMEOUT = 10  # seconds a kernel gets to answer after an interrupted cell before it is restarted
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TIMEOUT_ENAME = "CellTimeout"
_PROBE_TAG = "coursepkg-grader-probe"


def cell_outcome(status="not run", ename="", evalue="", stdout=""):
    """What happened in one code cell: status "ok" | "error" | "timeout" | "dead" | "not run", the error's
    name and value, and what the cell printed (ANSI colours removed)."""
    return {"status": status, "ename": ename, "evalue": evalue, "stdout": stdout}


def _printed(cell):
    text = "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stdout"
    )
    return _ANSI.sub("", text)


class _KernelStuck(Exception):
    """The kernel did not answer after an interrupted cell."""


def _timeout_func(timeout):
    def per_cell(cell):
        if _PROBE_TAG in cell.get("metadata", {}).get("tags", []):
            return PROBE_TIMEOUT
        if is_read_only(cell):
            return max(timeout, SETUP_TIMEOUT)  # the teacher's setup code (imports, data), restored from the solution
        return timeout

    return per_cell


def execute(nb, timeout=DEFAULT_TIMEOUT, cwd=None):
    """Run every code cell of `nb` (left as it is) in a fresh kernel; {cell index: cell_outcome(...)}.

    Never raises for anything the notebook does: a cell still running after `timeout` seconds
    is interrupted, a dead or deaf kernel is restarted and the cells before are replayed (up
    to MAX_RESTARTS times), and cells that could not be run say why in their evalue."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = copy.deepcopy(nb)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    outcome = {i: cell_outcome() for i in code}
    skip = set()  # cells that killed the kernel or timed out: not replayed after a restart
    done = 0  # cells of `code` finished
    restarts = 0

    def on_executed(cell, cell_index, execute_reply):
        if cell_index not in outcome:
            return
        content = (execute_reply or {}).get("content", {})
        status = content.get("status", "error")
        ename, evalue = content.get("ename", ""), _ANSI.sub("", content.get("evalue", ""))
        if status == "ok":
            outcome[cell_index] = cell_outcome("ok", stdout=_printed(cell))
        elif ename in (_TIMEOUT_ENAME, "KeyboardInterrupt"):
            outcome[cell_index] = cell_outcome("timeout", "TimeoutError", f"timed out after {timeout:g} s")
        else:
            outcome[cell_index] = cell_outcome("error", ename or "Error", evalue)

    while done < len(code):
        client = NotebookClient(
            nb,
            timeout=timeout,
            timeout_func=_timeout_func(timeout),
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout={"ename": _TIMEOUT_ENAME, "evalue": f"timed out after {timeout:g} s", "traceback": []},
            iopub_timeout=4,
            record_timing=False,
            on_cell_executed=on_executed,
            resources={"metadata": {"path": cwd or os.getcwd()}},
        )
        current = None
        try:
            # the kernel's own log lines (stderr) are noise here: the notebook's output comes over iopub
            with client.setup_kernel(stderr=subprocess.DEVNULL):
                replay = [i for i in code[:done] if i not in skip] if restarts else []
                for index in replay + code[done:]:
                    current = index
                    client.execute_cell(nb.cells[index], index)
                    if index in code[done:]:
                        done += 1
                    if outcome[index]["status"] == "timeout":
                        skip.add(index)
                        # is the kernel answering again? if not, restart it
                        probe = nbformat.v4.new_code_cell("pass", metadata={"tags": [_PROBE_TAG]})
                        if client.wait_for_reply(client.kc.execute("pass", store_history=False), probe) is None:
                            raise _KernelStuck
        except (DeadKernelError, _KernelStuck) as exc:
            restarts += 1
            if isinstance(exc, DeadKernelError) and current is not None:
                skip.add(current)
                outcome[current] = cell_outcome(
                    "dead",
                    "DeadKernelError",
                    "the kernel died while running this cell (it crashed, exited or ran out of memory)",
                )
                if current in code[done:]:
                    done += 1
            if restarts > MAX_RESTARTS:
                for index in code[done:]:
                    outcome[index]["evalue"] = f"not run: the kernel died or hung {restarts} times"
                break
        except Exception as exc:  # the kernel could not start, or nbclient failed: the rest is not run
            for index in code[done:]:
                outcome[index]["evalue"] = f"not run: the grader could not run the kernel ({type(exc).__name__}: {exc})"
            break
    return outcome
