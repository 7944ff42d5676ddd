"""File storage that encrypts uploads on the way to disk and decrypts them on the way back.

Enable it as the default storage:

    STORAGES["default"] = {"BACKEND": "qamqor.vault.storage.EncryptedFileSystemStorage"}

A stored file is a header and the file's content in chunks of 64 KiB, each sealed with
AES-256-GCM (the STREAM construction: a random nonce prefix per file, a counter per
chunk, and the last chunk marked as last, so that chunks cannot be dropped, reordered
or cut off without the file failing to open):

    "QMQRF1" | key id (8 ASCII) | nonce prefix (8 bytes) | sealed chunk | sealed chunk ...

What the disk shows is each file's size (to within 16 bytes a chunk) and its name as
the uploading code chose it: name uploads by a random id, never by their content.
"""

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from django.core.files import File
from django.core.files.storage import FileSystemStorage

from .crypto import VaultError
from .keys import KEY_ID_LENGTH, Key, keyring

MAGIC = b"QMQRF1"
NONCE_PREFIX_BYTES = 8
HEADER_BYTES = len(MAGIC) + KEY_ID_LENGTH + NONCE_PREFIX_BYTES
CHUNK_BYTES = 64 * 1024
TAG_BYTES = 16
SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES
_IDENTITY = b"vault.storage"
# Decrypted files are held in memory up to this size, on a private temporary file beyond.
_SPOOL_BYTES = 1024 * 1024


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + counter.to_bytes(4, "big")


def _aad(header: bytes, last: bool) -> bytes:
    return _IDENTITY + header + (b"\x01" if last else b"\x00")


def _plain_chunks(source: Any) -> Iterator[bytes]:
    """The content of an uploaded file or ContentFile in pieces of exactly CHUNK_BYTES
    (the last one shorter, possibly empty), whatever sizes its own chunks come in."""
    pending = b""
    for piece in source.chunks():
        pending += piece.encode() if isinstance(piece, str) else piece
        while len(pending) >= CHUNK_BYTES:
            yield pending[:CHUNK_BYTES]
            pending = pending[CHUNK_BYTES:]
    yield pending


def seal(source: Any, key: Key) -> Iterator[bytes]:
    """The encrypted form of `source` (anything with chunks()), piece by piece."""
    header = MAGIC + key.key_id.encode() + secrets.token_bytes(NONCE_PREFIX_BYTES)
    prefix = header[-NONCE_PREFIX_BYTES:]
    yield header
    counter = 0
    chunks = _plain_chunks(source)
    current = next(chunks)
    for following in chunks:
        yield key.aead.encrypt(_nonce(prefix, counter), current, _aad(header, last=False))
        counter += 1
        current = following
    # A content of an exact multiple of CHUNK_BYTES ends with an empty last chunk, so
    # that "last" is always a chunk of its own and a cut after a full chunk is noticed.
    yield key.aead.encrypt(_nonce(prefix, counter), current, _aad(header, last=True))


def _read_header(handle: IO[bytes], name: str) -> tuple[bytes, str]:
    header = handle.read(HEADER_BYTES)
    if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
        raise VaultError(f"stored file {name} is not an encrypted Qamqor file")
    return header, header[len(MAGIC) : len(MAGIC) + KEY_ID_LENGTH].decode("ascii", "replace")


def unseal(handle: IO[bytes], name: str) -> Iterator[bytes]:
    """The plaintext of the encrypted file open in `handle`, chunk by chunk."""
    header, key_id = _read_header(handle, name)
    key = keyring().by_id.get(key_id)
    if key is None:
        raise VaultError(
            f"stored file {name} is encrypted under key {key_id}, which is not in the keyring"
        )
    prefix = header[-NONCE_PREFIX_BYTES:]
    counter = 0
    sealed = handle.read(SEALED_CHUNK_BYTES)
    while True:
        following = handle.read(SEALED_CHUNK_BYTES)
        last = not following
        try:
            yield key.aead.decrypt(_nonce(prefix, counter), sealed, _aad(header, last))
        except InvalidTag:
            raise VaultError(
                f"stored file {name} does not authenticate: it was altered or cut short"
            ) from None
        if last:
            return
        counter += 1
        sealed = following


class _Sealed(File):  # type: ignore[type-arg]
    """What FileSystemStorage writes: the encrypted form of `content`."""

    def __init__(self, content: Any, key: Key) -> None:
        super().__init__(None, getattr(content, "name", None))
        self._content = content
        self._key = key

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return seal(self._content, self._key)


class EncryptedFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose files are encrypted under the keyring's first key."""

    def __init__(self, **kwargs: Any) -> None:
        # Files and directories for this process's owner only, like the key file.
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    def _save(self, name: str, content: Any) -> str:
        return super()._save(name, _Sealed(content, keyring().primary))  # type: ignore[misc]

    def _open(self, name: str, mode: str = "rb") -> File:  # type: ignore[type-arg]
        if mode not in ("r", "rb"):
            raise ValueError("encrypted files are written through save(), not opened to write")
        # Handed to the caller open, inside the File: closing it is theirs.
        plain = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
        with open(self.path(name), "rb") as handle:
            for piece in unseal(handle, name):
                plain.write(piece)
        plain.seek(0)
        return File(plain, name)

    def size(self, name: str) -> int:
        # Every chunk but the last is full, and the last holds less than a full chunk.
        stored = os.path.getsize(self.path(name)) - HEADER_BYTES
        chunks = stored // SEALED_CHUNK_BYTES + 1
        return stored - chunks * TAG_BYTES

    def stored_files(self) -> Iterator[Path]:
        root = Path(self.location)
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.startswith(".qamqor-rotating-"):
                    yield path

    def key_id_of(self, path: Path) -> str:
        with open(path, "rb") as handle:
            return _read_header(handle, str(path.relative_to(self.location)))[1]

    def reencrypt(self, path: Path, key: Key) -> None:
        """Rewrite one stored file under `key`; readers see the old or the new file whole."""
        name = str(path.relative_to(self.location))
        temporary = path.with_name(f".qamqor-rotating-{secrets.token_hex(8)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out, open(path, "rb") as handle:
                for piece in seal(_Pieces(unseal(handle, name)), key):
                    out.write(piece)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise


class _Pieces:
    """An iterator of bytes with the chunks() of a file, for seal()."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces

    def chunks(self) -> Iterator[bytes]:
        return self._pieces
