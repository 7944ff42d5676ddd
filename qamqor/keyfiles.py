"""Secrets generated once into the data directory: readable by their owner only."""

import contextlib
import os
import secrets
from pathlib import Path


def create_private_file(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 0600, unless a file is there already.

    The text goes to a private temporary file first and is linked into place, so a
    process starting at the same moment reads either no file or the whole of it, and
    when two processes race, the first one's file is the file.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink()
