"""Where a one-machine install keeps what lives only while the machine is up: the API's throttle counters."""

import hashlib
import os
import stat
from pathlib import Path

MEMORY_FILESYSTEMS = ("/dev/shm",)  # tried after $XDG_RUNTIME_DIR, which is already the user's own


def runtime_dir(var_dir: Path) -> Path:
    """Return a directory in memory for the install whose state is in `var_dir`: one per install and user, made
    mode 0700, in $XDG_RUNTIME_DIR or else /dev/shm; `var_dir / "run"` where neither can be used.

    Every API request rewrites a throttle counter under a lock every worker shares. On a disk each rewrite (a
    file renamed over the old one) waits for the disk while the others wait for the lock: under the load
    benchmark the API's median was 130 ms with the counters on disk and 55 ms in memory. A directory in /dev/shm
    that is a link, or not this user's alone, is not used: anyone may create names there.
    """
    digest = hashlib.sha256(str(var_dir.resolve()).encode()).hexdigest()[:12]
    bases = [os.environ.get("XDG_RUNTIME_DIR", ""), *MEMORY_FILESYSTEMS]
    for base in filter(None, bases):
        path = Path(base) / f"atc-graph-{os.getuid()}-{digest}"
        try:
            path.mkdir(mode=0o700, exist_ok=True)
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077:
            return path
    return var_dir / "run"
