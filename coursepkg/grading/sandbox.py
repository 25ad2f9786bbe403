"""Where a submission's kernel runs: a bubblewrap sandbox with memory, process, CPU and message limits.

The sandbox (Linux, Debian's `bubblewrap`, user namespaces) runs the kernel as uid 1000 in its own
user, pid, mount, network, IPC, UTS and cgroup namespaces, with no further user namespaces.
On the host the sandbox is the grader's own user, or `nobody` when the grader is root (a root
sandbox would ignore RLIMIT_NPROC and own every root file it can see; _drop_root.py makes the
folders `nobody` cannot reach available first). It sees, read-only: /usr, the Python
installation, the virtual environment and the `coursepkg` folder; a fresh /proc and /dev; small
tmpfs /tmp, /dev/shm and a working folder /home/student holding a copy of the grader's scratch
files; nothing else: no solutions, other submissions, output folder or network. The kernel's
IPC sockets live in the sandbox's own /run/coursepkg; the grader reaches them through
/proc/<pid>/root, so no host folder is writable from inside. Memory (RLIMIT_AS), processes
(RLIMIT_NPROC), CPU seconds, file size and core dumps are capped inside by a small wrapper that
then runs ipykernel. Everything the notebook started ends with it: the pid namespace dies with
its first process, bubblewrap dies with the grader (--die-with-parent), and the grader kills the
sandbox's process group.

Without the sandbox (`Sandbox(enabled=False)`, `--no-sandbox`) the kernel runs as the grader's
user with the memory, CPU and file-size limits only.
Either way the grader's sockets drop any kernel message over MAX_MESSAGE_BYTES.
"""

import asyncio
import json
import os
import select
import shutil
import site
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

from ..checks._core.channel import MODE_ENV as CHECK_MODE_VARIABLE

DEFAULT_MEMORY_MB = 2048
DEFAULT_MAX_PROCESSES = 64  # processes and threads of the sandbox's user (an idle kernel has about 10)
MAX_MESSAGE_BYTES = 8 * 2**20  # a bigger message from a kernel is dropped by the grader's sockets
MAX_FILE_MB = 256  # RLIMIT_FSIZE: the largest file a kernel may write
SANDBOX_UID = SANDBOX_GID = 1000
WORKDIR = "/home/student"
RUNDIR = "/run/coursepkg"
TMPFS_MB = {"/tmp": 256, WORKDIR: 256, "/dev/shm": 64, RUNDIR: 1}
START_TIMEOUT = 30  # seconds bubblewrap gets to set a sandbox up
INSTALL_HINT = (
    "install bubblewrap (Debian, Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap), "
    "or pass --no-sandbox to run the students' code unconfined, with your rights"
)
_HELPER = Path(__file__).with_name("_drop_root.py")

# run inside the sandbox (or unsandboxed) by the kernel's own Python before ipykernel: set the limits, exec
_LIMITS = """
import os, resource, sys
memory, processes, cpu, fsize = (int(v) for v in sys.argv[1:5])
for which, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_NPROC, processes), (resource.RLIMIT_FSIZE, fsize)):
    if value > 0:
        resource.setrlimit(which, (value, value))
if cpu > 0:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *sys.argv[5:]])
"""


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing, or cannot make a sandbox on this machine."""


@dataclass(frozen=True)
class Sandbox:
    """How kernels run: in bubblewrap (`enabled`) or not, and their limits (None: no limit)."""

    enabled: bool = True
    memory_mb: int | None = DEFAULT_MEMORY_MB
    max_processes: int | None = DEFAULT_MAX_PROCESSES
    cpu_seconds: float | None = None

    def limit_args(self):
        """The wrapper's arguments: bytes of address space, processes, CPU seconds, file bytes (0: none)."""
        return [
            str(int(self.memory_mb * 2**20) if self.memory_mb else 0),
            str(int(self.max_processes) if self.max_processes and self.enabled else 0),
            str(int(self.cpu_seconds + 0.999) if self.cpu_seconds else 0),
            str(MAX_FILE_MB * 2**20),
        ]

    def describe(self):
        """One line for a log: what confines the kernels."""
        memory = f"{self.memory_mb} MB of memory" if self.memory_mb else "no memory limit"
        cpu = f"{self.cpu_seconds:g} CPU s" if self.cpu_seconds else "no CPU limit"
        if not self.enabled:
            return f"unsandboxed (--no-sandbox): {memory}, {cpu} per kernel"
        return f"sandboxed (bubblewrap): {memory}, {self.max_processes or 'any'} processes, {cpu} per kernel"


# ---------------------------------------------------------------------------------------------
# the bubblewrap command


def find_bwrap():
    """The path of bubblewrap, or None."""
    return shutil.which("bwrap") if sys.platform.startswith("linux") else None


def _host_user():
    """(uid, gid) the sandbox runs as on the host when the grader is root, else None (the grader's own)."""
    if os.geteuid() != 0:
        return None
    import grp
    import pwd

    try:
        uid = pwd.getpwnam("nobody").pw_uid
    except KeyError:
        uid = 65534
    for name in ("nogroup", "nobody"):
        try:
            return uid, grp.getgrnam(name).gr_gid
        except KeyError:
            continue
    return uid, 65534


def read_only_folders():
    """The folders bound read-only into the sandbox, besides /usr: the Python installation, the
    environment (site-packages) and the coursepkg package folder (an editable install lives
    outside the environment). Each is bound at its own path and, if that is a symlink, its target."""
    import coursepkg

    folders = [sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix, *site.getsitepackages()]
    folders.append(str(Path(coursepkg.__file__).parent))
    chosen = []
    for folder in folders:
        for path in {os.path.abspath(folder), os.path.realpath(folder)}:
            if os.path.isdir(path) and path not in chosen:
                chosen.append(path)
    chosen.sort(key=len)
    kept = []
    for path in chosen:
        if path == "/usr" or path.startswith("/usr/"):
            continue
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def visible_inside(path):
    """Whether `path` (a file or folder of the host) would be visible in the sandbox."""
    path = os.path.realpath(path)
    for folder in ["/usr", *read_only_folders()]:
        real = os.path.realpath(folder)
        if path == real or path.startswith(real.rstrip("/") + "/"):
            return True
    return False


def _parents(path):
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def bwrap_command(inner, tmp, files=(), data=(), info_fd=None):
    """The command line that runs `inner` in a sandbox; `tmp` is a private folder of the grader.

    `files`: [(fd, name)] copied into the working folder; `data`: [(fd, path inside)] bound read-only;
    `info_fd`: where bubblewrap writes the host pid of the sandbox's first process."""
    bwrap = find_bwrap()
    if bwrap is None:
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}")
    host_user = _host_user()
    args = [bwrap, "--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_GID)]
    args += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    args += ["--disable-userns", "--die-with-parent", "--new-session"]
    args += ["--ro-bind", "/usr", "/usr"]
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(name):
            args += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            args += ["--ro-bind", name, name]
    if os.path.exists("/etc/ld.so.cache"):
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    # the fresh /proc, /dev and tmpfs folders first: a course that lives under /tmp (a CI clone) is then
    # bound on top of the sandbox's own /tmp instead of being hidden by it
    args += ["--proc", "/proc", "--dev", "/dev"]
    for where, megabytes in TMPFS_MB.items():
        args += ["--perms", "0755" if where == RUNDIR else "1777", "--size", str(megabytes * 2**20), "--tmpfs", where]
    staged = []
    made = set(TMPFS_MB)  # mount points keep their own permissions
    for i, folder in enumerate(read_only_folders()):
        for parent in _parents(folder):
            if parent not in made:
                made.add(parent)
                args += ["--perms", "0755", "--dir", parent]
        source = os.path.realpath(folder)
        if host_user:  # nobody may not reach it (a Python under /root): _drop_root binds it on tmp/stage/i first
            stage = Path(tmp) / "stage" / str(i)
            stage.mkdir(parents=True, exist_ok=True)
            staged += [source, str(stage)]
            source = str(stage)
        args += ["--ro-bind", source, folder]
    for fd, name in files:
        args += ["--file", str(fd), f"{WORKDIR}/{name}"]
    for fd, path in data:
        args += ["--ro-bind-data", str(fd), path]
    args += ["--remount-ro", "/", "--chdir", WORKDIR, "--clearenv"]
    env = {
        "HOME": WORKDIR,
        "USER": "student",
        "LOGNAME": "student",
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        CHECK_MODE_VARIABLE: "record",  # checks record the student's outputs for the grader's judge
    }
    for key, value in env.items():
        args += ["--setenv", key, value]
    if info_fd is not None:
        args += ["--info-fd", str(info_fd)]
    args += ["--", *inner]
    if host_user:
        os.chmod(tmp, 0o711)
        if staged:
            os.chmod(Path(tmp) / "stage", 0o711)
        uid, gid = host_user
        helper = [sys.executable, "-I", "-S", str(_HELPER), str(uid), str(gid), str(len(staged) // 2), *staged, "--"]
        args = helper + args
    return args


_checked = {}


def check_available():
    """Raise SandboxUnavailable (saying what to install or what failed) unless a sandbox can be made here."""
    key = getattr(os, "geteuid", lambda: None)()
    if key not in _checked:
        _checked[key] = _probe()
    if _checked[key]:
        raise SandboxUnavailable(_checked[key])


def _probe():
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux with bubblewrap; this is {sys.platform}: pass --no-sandbox to grade anyway"
    if find_bwrap() is None:
        return f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}"
    code = "import importlib.util, os; print(os.getuid() if importlib.util.find_spec('coursepkg') else 'no coursepkg')"
    with tempfile.TemporaryDirectory(prefix="coursepkg-probe-") as tmp:
        command = bwrap_command([sys.executable, "-c", code], tmp)
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT, cwd="/")
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap could not make a sandbox ({type(exc).__name__}: {exc}); {INSTALL_HINT}"
    if done.returncode != 0 or done.stdout.strip() != str(SANDBOX_UID):
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return (
            f"bubblewrap could not make a sandbox here ({detail}); it needs unprivileged user namespaces "
            f"(sysctl kernel.unprivileged_userns_clone=1) or, as root, the right to mount; or pass --no-sandbox"
        )
    return None


# ---------------------------------------------------------------------------------------------
# the kernel manager and client the grader uses


def _capped_context():
    context = zmq.asyncio.Context()
    context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    return context


class CappedKernelClient(AsyncKernelClient):
    """A kernel client whose sockets drop any message over MAX_MESSAGE_BYTES (a flood, a 50 MB error)."""

    @default("context")
    def _context_default(self):
        self._created_context = True
        return _capped_context()


class GraderKernelManager(AsyncKernelManager):
    """A python3 kernel under the limits of `sandbox`, in bubblewrap when `sandbox.enabled`; `files`
    (host paths) are copied into its working folder (unsandboxed, the caller's cwd is used as it is)."""

    def __init__(self, sandbox=None, files=(), **kwargs):
        tmp = tempfile.mkdtemp(prefix="coursepkg-kernel-")
        kwargs.setdefault("kernel_name", "python3")
        kwargs["connection_file"] = os.path.join(tmp, "kernel.json")
        sandbox = sandbox or Sandbox()
        if sandbox.enabled:
            kwargs.update(transport="ipc", ip=f"{RUNDIR}/kernel")
        super().__init__(**kwargs)
        self.grader_sandbox = sandbox
        self._files = [Path(f) for f in files]
        self._tmp = tmp
        self._fds = []
        self._info = None

    @default("client_factory")
    def _client_factory_default(self):
        return CappedKernelClient

    @default("context")
    def _context_default(self):
        self._created_context = True
        return _capped_context()

    def format_kernel_cmd(self, extra_arguments=None):
        extra = list(extra_arguments or [])
        limits = self.grader_sandbox.limit_args()
        if not self.grader_sandbox.enabled:
            if os.name != "posix":  # no resource limits on Windows
                return [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file, *extra]
            return [sys.executable, "-S", "-c", _LIMITS, *limits, "-f", self.connection_file, *extra]
        self._close_fds()
        connection = os.open(self.connection_file, os.O_RDONLY)
        files = [(os.open(path, os.O_RDONLY), path.name) for path in self._files]
        self._info, info_w = os.pipe()
        self._fds = [connection, *(fd for fd, _ in files), info_w]
        inner = [sys.executable, "-S", "-c", _LIMITS, *limits, "-f", f"{RUNDIR}/kernel.json", *extra]
        return bwrap_command(inner, self._tmp, files, [(connection, f"{RUNDIR}/kernel.json")], info_w)

    def _close_fds(self):
        for fd in self._fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds = []

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # the kernel's stdout and stderr are not the teacher's terminal (output comes over iopub)
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        if not self.grader_sandbox.enabled:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        kw.update(pass_fds=tuple(self._fds), cwd="/", env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            self._close_fds()
        pid = await self._sandbox_pid()
        # the sockets are in the sandbox's own /run/coursepkg: reach them through its root
        self.ip = f"/proc/{pid}/root{RUNDIR}/kernel"

    async def _sandbox_pid(self):
        """The host pid of the sandbox's first process, from bubblewrap's --info-fd."""
        text, fd = b"", self._info
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        try:
            while loop.time() < deadline:
                ready, _, _ = select.select([fd], [], [], 0)
                if ready:
                    chunk = os.read(fd, 4096)
                    if not chunk:
                        break
                    text += chunk
                    try:
                        return int(json.loads(text)["child-pid"])
                    except (ValueError, KeyError):
                        pass
                elif self.provisioner and await self.provisioner.poll() is not None:
                    break
                else:
                    await asyncio.sleep(0.005)
        finally:
            os.close(fd)
            self._info = None
        raise RuntimeError("bubblewrap could not start the sandbox (compare with --no-sandbox)")

    async def _async_interrupt_kernel(self):
        if not self.grader_sandbox.enabled:
            return await super()._async_interrupt_kernel()
        # a signal to the sandbox's process group would reach bubblewrap, not the kernel (own session): ask it
        message = self.session.msg("interrupt_request", content={})
        self._connect_control_socket()
        self.session.send(self._control_socket, message)

    interrupt_kernel = _async_interrupt_kernel

    def cleanup_ipc_files(self):
        if not self.grader_sandbox.enabled:
            super().cleanup_ipc_files()  # sandboxed, they vanish with the sandbox's tmpfs

    async def _async_cleanup_resources(self, restart=False):
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            self._close_fds()
            if self._info is not None:
                os.close(self._info)
                self._info = None
            if not restart:
                shutil.rmtree(self._tmp, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources
