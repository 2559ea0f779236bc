"""The secret key of a one-machine install: generated once, kept in a file only its owner can read."""

import os
import secrets
import time
from pathlib import Path


def persistent_secret_key(path: Path) -> str:
    """Return the key kept in `path`, creating the file (mode 0600) with a new random key if it does not exist.

    Several processes load the settings at once (the supervisor, each web worker): the file is created with
    O_EXCL, so exactly one of them writes it and the others read what it wrote.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process created it a moment ago and may still be writing
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.01)
        raise RuntimeError(f"The secret key file {path} is empty; delete it to generate a new key.") from None
    key = secrets.token_urlsafe(50)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key
