"""Run by the grader as root, just before bubblewrap: make the folders the sandbox binds reachable, then drop root.

    python -I -S _drop_root.py UID GID N SRC1 DST1 ... SRCN DSTN -- BWRAP ARGS...

bubblewrap resolves the folders it binds as the user who runs it, and it must not run as root:
sandboxed processes would then be root on the host (root ignores RLIMIT_NPROC, and every
root-owned file the sandbox can see would be its own). So, in a private mount namespace of
this process only, each folder an unprivileged user cannot reach (a Python under /root, mode
700) is bind-mounted on an empty folder of the grader's (SRC on DST); then the process becomes
UID:GID with no supplementary groups and runs bubblewrap, which binds DST read-only into the
sandbox. The mounts vanish with the namespace when the sandbox ends. Standard library only
(it runs before any site-packages, with -I -S).
"""

import ctypes
import os
import sys

CLONE_NEWNS = 0x00020000
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def main(argv):
    uid, gid, n = int(argv[0]), int(argv[1]), int(argv[2])
    pairs = argv[3 : 3 + 2 * n]
    rest = argv[3 + 2 * n :]
    if not rest or rest[0] != "--":
        raise SystemExit("usage: _drop_root.py UID GID N SRC DST ... -- COMMAND...")
    command = rest[1:]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
    _check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "making / private")
    for source, target in zip(pairs[::2], pairs[1::2], strict=True):
        _check(libc.mount(source.encode(), target.encode(), None, MS_BIND | MS_REC, None), f"binding {source}")
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise SystemExit("could not drop root")
    os.execv(command[0], command)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except OSError as exc:
        print(f"coursepkg sandbox: {exc}", file=sys.stderr)
        sys.exit(126)
