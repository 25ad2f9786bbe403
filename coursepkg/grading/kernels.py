"""Running a notebook in a fresh python3 kernel: per-cell timeout, a time budget per notebook, capped
output, and restart and replay when the kernel dies or hangs.

`execute` is the grader's only contact with kernels: it takes a notebook and returns what
happened in each code cell. The kernel runs in a bubblewrap sandbox with memory, process and
CPU limits unless told otherwise (sandbox.py).
"""

import asyncio
import copy
import os
import re
import subprocess
import time
from pathlib import Path

import nbformat

from ..nbgrader_source import is_read_only
from .judge import RECORD_MIME, records_in
from .sandbox import CHECK_MODE_VARIABLE, MAX_MESSAGE_BYTES, GraderKernelManager, Sandbox, check_available

DEFAULT_TIMEOUT = 30
MAX_RESTARTS = 3
SETUP_TIMEOUT = 120  # locked setup cells hold only the teacher's code: imports can be slow on a loaded machine
PROBE_TIMEOUT = 10  # seconds a kernel gets to answer after an interrupted cell before it is restarted
DEFAULT_BUDGET = 600  # seconds of wall clock per notebook, kernel starts and restarts included
START_TIMEOUT = 60  # seconds a kernel gets to start
OUTPUT_LIMIT = 2**20  # characters of output kept per cell; the rest is dropped
RECORD_LIMIT = 32 * 2**20  # characters of check records kept per cell (a record itself is capped at 7 MiB)
STDOUT_LIMIT = 64 * 2**10  # characters of a cell's printed text and of an error message kept in its outcome
SCRATCH_LIMIT = 32 * 2**20  # bytes of the caller's scratch files copied into a sandbox
LOST_REPLY_GRACE = 3  # seconds after the kernel went idle without answering: its answer was dropped
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_TIMEOUT_ENAME = "CellTimeout"
_PROBE_TAG = "coursepkg-grader-probe"
_TOO_LARGE = "OutputTooLarge"


def cell_outcome(status="not run", ename="", evalue="", stdout="", records=()):
    """What happened in one code cell: status "ok" | "error" | "timeout" | "dead" | "not run", the error's
    name and value, what the cell printed (ANSI colours removed), and the check records it displayed
    (plain data for the grader's judge; see coursepkg.grading.judge)."""
    return {"status": status, "ename": ename, "evalue": evalue, "stdout": stdout, "records": list(records)}


def _cap(text, limit=STDOUT_LIMIT, what="characters"):
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit} more {what} cut]"


def _printed(cell):
    text = "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stdout"
    )
    return _cap(_ANSI.sub("", text))


def _size(msg):
    """Characters of the output a kernel message carries, check records aside (they have RECORD_LIMIT)."""
    content = msg.get("content", {})
    size = len(content.get("text", "")) + len(content.get("evalue", ""))
    size += sum(len(line) for line in content.get("traceback", []) or [])
    size += sum(len(str(value)) for key, value in (content.get("data") or {}).items() if key != RECORD_MIME)
    return size


def _record_size(msg):
    """Characters of the check record a kernel message carries (0 for other output)."""
    data = msg.get("content", {}).get("data") or {}
    return len(str(data[RECORD_MIME])) if RECORD_MIME in data else 0


class _KernelStuck(Exception):
    """The kernel did not answer after an interrupted cell."""


def _timeout_func(timeout, deadline):
    def per_cell(cell):
        if _PROBE_TAG in cell.get("metadata", {}).get("tags", []):
            limit = PROBE_TIMEOUT
        elif is_read_only(cell):
            limit = max(timeout, SETUP_TIMEOUT)  # the teacher's setup code (imports, data), restored from the solution
        else:
            limit = timeout
        return max(1, min(limit, deadline - time.monotonic()))

    return per_cell


def _scratch_files(cwd):
    """The regular files directly in `cwd` (up to SCRATCH_LIMIT bytes in all), to copy into a sandbox."""
    files, total = [], 0
    for path in sorted(Path(cwd).iterdir()) if cwd else []:
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            if total > SCRATCH_LIMIT:
                break
            files.append(path)
    return files


def _client_class():
    """nbclient's NotebookClient, with the grader's kernel manager, output caps and lost-answer detection."""
    import zmq
    from nbclient import NotebookClient

    class GraderClient(NotebookClient):
        def __init__(self, nb, make_km, **kwargs):
            super().__init__(nb, on_notebook_start=self._watch, **kwargs)
            self._make_km = make_km
            self.output_size = {}  # cell index -> characters of output received
            self.record_size = {}  # cell index -> characters of check records received
            self.cut = set()  # cells whose output went over OUTPUT_LIMIT
            self.broken = False  # a channel to the kernel was cut (a message over the size limit)
            self._monitors = []

        def create_kernel_manager(self):
            self.km = self._make_km()
            return self.km

        def _watch(self, **_):
            """Watch the iopub and shell sockets: a message over the size limit makes them disconnect for good."""
            for channel in (self.kc.iopub_channel, self.kc.shell_channel):
                monitor = channel.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
                self._monitors.append((monitor, zmq.Socket.shadow(monitor.underlying)))

        def _disconnected(self):
            found = False
            for _, monitor in self._monitors:
                try:
                    while True:
                        monitor.recv_multipart(zmq.NOBLOCK)
                        found = True
                except zmq.ZMQError:
                    pass
            return found

        def output(self, outs, msg, display_id, cell_index):
            if record := _record_size(msg):
                self.record_size[cell_index] = self.record_size.get(cell_index, 0) + record
                if self.record_size[cell_index] > RECORD_LIMIT:
                    self.cut.add(cell_index)
                    return None
                return super().output(outs, msg, display_id, cell_index)
            before = self.output_size.get(cell_index, 0)
            self.output_size[cell_index] = before + _size(msg)
            if before + _size(msg) > OUTPUT_LIMIT:
                self.cut.add(cell_index)
                if msg["msg_type"] != "stream" or before >= OUTPUT_LIMIT:
                    return None
                msg = {**msg, "content": {**msg["content"], "text": msg["content"]["text"][: OUTPUT_LIMIT - before]}}
            return super().output(outs, msg, display_id, cell_index)

        async def _async_poll_for_reply(self, msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive):
            # A message over the grader's size limit is dropped and its channel closed: then stop waiting
            # (the caller restarts the kernel). The kernel answers before it says it is idle: an answer
            # still missing a few seconds after the idle was lost too.
            inner = asyncio.ensure_future(
                super()._async_poll_for_reply(msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive)
            )
            idle = None
            try:
                while True:
                    done, _ = await asyncio.wait({inner}, timeout=0.25)
                    if done:
                        return inner.result()
                    if not self.broken and self._disconnected():
                        await asyncio.sleep(0.5)  # a kernel that died disconnects too: leave that to nbclient
                        self.broken = await self.km.is_alive()
                    if task_poll_output_msg.done():
                        idle = idle or time.monotonic()
                    if self.broken or (idle and time.monotonic() - idle > LOST_REPLY_GRACE):
                        task_poll_kernel_alive.cancel()
                        mb = MAX_MESSAGE_BYTES // 2**20
                        content = {
                            "status": "error",
                            "ename": _TOO_LARGE,
                            "evalue": f"this cell sent the grader a message over the {mb} MB limit (an enormous "
                            "output or error message); it was dropped",
                            "traceback": [],
                        }
                        return {"parent_header": {"msg_id": msg_id}, "header": {}, "content": content}
            finally:
                if not inner.done():
                    inner.cancel()

    return GraderClient


class _ChannelLost(Exception):
    """A channel to the kernel was closed after a message over the size limit: the kernel is restarted."""


def execute(nb, timeout=DEFAULT_TIMEOUT, cwd=None, *, sandbox=None, budget=None, events=None):
    """Run every code cell of `nb` in a fresh kernel whose checks record for the judge (see `_execute`)."""
    sandbox = sandbox or Sandbox()
    if sandbox.enabled:  # the sandbox sets the variable in the kernel's own clean environment
        return _execute(nb, timeout, cwd, sandbox=sandbox, budget=budget, events=events)
    previous = os.environ.get(CHECK_MODE_VARIABLE)
    os.environ[CHECK_MODE_VARIABLE] = "record"  # inherited by the unsandboxed kernel only while it starts
    try:
        return _execute(nb, timeout, cwd, sandbox=sandbox, budget=budget, events=events)
    finally:
        if previous is None:
            os.environ.pop(CHECK_MODE_VARIABLE, None)
        else:
            os.environ[CHECK_MODE_VARIABLE] = previous


def _execute(nb, timeout=DEFAULT_TIMEOUT, cwd=None, *, sandbox=None, budget=None, events=None):
    """Run every code cell of `nb` (left as it is) in a fresh kernel; {cell index: cell_outcome(...)}.

    The kernel runs as `sandbox` says (default: a bubblewrap sandbox with the default limits,
    SandboxUnavailable if none can be made), in a copy of the files of `cwd` (sandboxed) or in
    `cwd` itself (unsandboxed). Never raises for anything the notebook does: a cell still
    running after `timeout` seconds is interrupted, a dead or deaf kernel is restarted and the
    cells before are replayed (up to MAX_RESTARTS times), the cells left when `budget` seconds
    have gone are not run, output is capped, and cells that could not be run say why in their
    evalue. What happened to the notebook as a whole (budget, cut output) is appended to `events`."""
    from nbclient.exceptions import DeadKernelError

    sandbox = sandbox or Sandbox()
    if sandbox.enabled:
        check_available()
    events = [] if events is None else events
    deadline = time.monotonic() + (budget or float("inf"))
    files = _scratch_files(cwd) if sandbox.enabled else []
    nb = copy.deepcopy(nb)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    outcome = {i: cell_outcome() for i in code}
    skip = set()  # cells that killed the kernel or timed out: not replayed after a restart
    done = 0  # cells of `code` finished
    restarts = 0

    budget_text = f"the notebook's time budget of {budget:g} s ran out" if budget else ""
    client = None
    cut = set()  # cells whose output went over OUTPUT_LIMIT or whose answer was over the message limit

    def out_of_time():
        return time.monotonic() >= deadline - 0.5

    def on_executed(cell, cell_index, execute_reply):
        if cell_index not in outcome:
            return
        content = (execute_reply or {}).get("content", {})
        status = content.get("status", "error")
        ename, evalue = content.get("ename", ""), _cap(_ANSI.sub("", str(content.get("evalue", ""))))
        if status == "ok":
            outcome[cell_index] = cell_outcome("ok", stdout=_printed(cell), records=records_in(cell.outputs))
        elif ename in (_TIMEOUT_ENAME, "KeyboardInterrupt") and out_of_time():
            outcome[cell_index] = cell_outcome("timeout", "TimeoutError", f"stopped: {budget_text}")
        elif ename in (_TIMEOUT_ENAME, "KeyboardInterrupt"):
            outcome[cell_index] = cell_outcome("timeout", "TimeoutError", f"timed out after {timeout:g} s")
        elif ename == "MemoryError" and sandbox.memory_mb:
            limit = f"out of memory: a notebook may use {sandbox.memory_mb} MB"
            outcome[cell_index] = cell_outcome("error", ename, f"{evalue} ({limit})" if evalue else limit)
        else:
            outcome[cell_index] = cell_outcome(
                "error", _cap(str(ename or "Error"), 200), evalue, records=records_in(cell.outputs)
            )
        if cell_index in client.cut:
            cut.add(cell_index)
            note = f"[output cut: this cell wrote more than {OUTPUT_LIMIT // 2**20} MB]"
            outcome[cell_index]["stdout"] += ("\n" if outcome[cell_index]["stdout"] else "") + note
        if ename == _TOO_LARGE:
            cut.add(cell_index)

    def make_km():
        return GraderKernelManager(sandbox, files=files)

    GraderClient = _client_class()
    while done < len(code):
        if out_of_time():
            break
        client = GraderClient(
            nb,
            make_km,
            timeout=timeout,
            timeout_func=_timeout_func(timeout, deadline),
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout={"ename": _TIMEOUT_ENAME, "evalue": f"timed out after {timeout:g} s", "traceback": []},
            iopub_timeout=4,
            startup_timeout=int(max(1, min(START_TIMEOUT, deadline - time.monotonic()))),
            shutdown_kernel="immediate",
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
                    if out_of_time():
                        break
                    current = index
                    client.execute_cell(nb.cells[index], index)
                    if index in code[done:]:
                        done += 1
                    if client.broken:
                        skip.add(index)
                        outcome[index]["evalue"] += ": the kernel was restarted; this cell is not replayed"
                        raise _ChannelLost
                    if outcome[index]["status"] == "timeout":
                        skip.add(index)
                        if out_of_time():
                            break
                        # is the kernel answering again? if not, restart it
                        probe = nbformat.v4.new_code_cell("pass", metadata={"tags": [_PROBE_TAG]})
                        if client.wait_for_reply(client.kc.execute("pass", store_history=False), probe) is None:
                            raise _KernelStuck
        except (DeadKernelError, _KernelStuck, _ChannelLost) as exc:
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
            if out_of_time():
                break
            for index in code[done:]:
                outcome[index]["evalue"] = f"not run: the grader could not run the kernel ({type(exc).__name__}: {exc})"
            break
    left = [i for i in code[done:] if outcome[i]["status"] == "not run" and not outcome[i]["evalue"]]
    if budget and out_of_time() and (left or any(o["evalue"] == f"stopped: {budget_text}" for o in outcome.values())):
        for index in left:
            outcome[index]["evalue"] = f"not run: {budget_text}"
        events.append(f"{budget_text}: {len(left)} cell(s) not run")

    def cells(indices):  # as a reader counts them: the first cell of the notebook is cell 1
        return ", ".join(str(i + 1) for i in sorted(indices))

    memory = [i for i, o in outcome.items() if o["ename"] == "MemoryError"]
    dead = [i for i, o in outcome.items() if o["status"] == "dead"]
    if memory and sandbox.memory_mb:
        events.append(f"cell(s) {cells(memory)} ran out of memory ({sandbox.memory_mb} MB per kernel process)")
    if dead:
        events.append(f"the kernel died in cell(s) {cells(dead)} and was restarted")
    if cut:
        events.append(f"output over the size limit was cut or dropped in cell(s) {cells(cut)}")
    return outcome
