"""The keyring: which keys encrypt and decrypt, where they come from.

Keys are 32 random bytes written in URL-safe base64. The first key of the keyring
encrypts and indexes; every key decrypts, so that a new key can be put in front while
data under the old one is re-encrypted (`qamqor rotate-keys`).

Where the keys come from, first match wins:

1. `QAMQOR_ENCRYPTION_KEYS`: keys separated by commas;
2. the key file, `QAMQOR_ENCRYPTION_KEY_FILE` or `<data dir>/encryption_keys`: one key a
   line, `#` starts a comment;
3. for the embedded database only (no `QAMQOR_DATABASE_URL`), a key generated once into
   the default key file, readable by its owner only.

A server database without a configured key is a configuration error: a key made up on
one machine would make the data unreadable on the next one.
"""

import base64
import binascii
import hashlib
import os
import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from qamqor.keyfiles import create_private_file

KEY_BYTES = 32
KEYS_VARIABLE = "QAMQOR_ENCRYPTION_KEYS"
KEY_FILE_VARIABLE = "QAMQOR_ENCRYPTION_KEY_FILE"
DEFAULT_KEY_FILE_NAME = "encryption_keys"

# Each purpose gets a subkey of its own: a key that encrypts never also indexes, so
# what the blind indexes reveal says nothing about the encryption key and vice versa.
_ENCRYPTION_INFO = b"qamqor/v1/encryption"
_INDEX_INFO = b"qamqor/v1/blind-index"
_KEY_ID_INFO = b"qamqor/v1/key-id"
KEY_ID_LENGTH = 8  # hex digits

_KEY_FILE_HEADER = (
    "# Qamqor encryption keys, one a line: the first encrypts, all decrypt.\n"
    "# Without this file the encrypted data cannot be read: back it up, apart from the\n"
    "# database backups.\n"
)


def _subkey(master: bytes, info: bytes, length: int = KEY_BYTES) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(master)


@dataclass(frozen=True)
class Key:
    """One master key and what is derived from it."""

    key_id: str
    aead: AESGCM = field(repr=False)
    index_key: bytes = field(repr=False)

    @classmethod
    def from_bytes(cls, master: bytes) -> "Key":
        if len(master) != KEY_BYTES:
            raise ValueError(f"a key is {KEY_BYTES} bytes, not {len(master)}")
        return cls(
            key_id=_subkey(master, _KEY_ID_INFO, KEY_ID_LENGTH // 2).hex(),
            aead=AESGCM(_subkey(master, _ENCRYPTION_INFO)),
            index_key=_subkey(master, _INDEX_INFO),
        )

    @classmethod
    def from_text(cls, text: str) -> "Key":
        """A key written in URL-safe base64 (padding optional); ValueError if it is not."""
        try:
            padded = text + "=" * (-len(text) % 4)
            master = base64.b64decode(padded, altchars=b"-_", validate=True)
        except binascii.Error as exc:
            raise ValueError(str(exc)) from None
        return cls.from_bytes(master)


class Keyring:
    """Keys in order of preference: the first encrypts, all decrypt."""

    def __init__(self, keys: list[Key], path: Path | None = None) -> None:
        if not keys:
            raise ImproperlyConfigured("an encryption keyring needs at least one key")
        self.keys = keys
        self.path = path  # the key file it was read from, if any
        self.by_id = {key.key_id: key for key in keys}
        if len(self.by_id) != len(keys):
            raise ImproperlyConfigured("the encryption keyring lists the same key twice")

    @property
    def primary(self) -> Key:
        return self.keys[0]

    @property
    def key_ids(self) -> list[str]:
        return [key.key_id for key in self.keys]

    @classmethod
    def from_text(cls, encoded: list[str], source: str, path: Path | None = None) -> "Keyring":
        keys = []
        for number, text in enumerate(encoded, start=1):
            try:
                keys.append(Key.from_text(text))
            except ValueError as exc:
                # Say which key, never what it holds: error messages end up in logs.
                raise ImproperlyConfigured(
                    f"encryption key {number} in {source} is not {KEY_BYTES} bytes in "
                    f"URL-safe base64 ({exc}); make one with `qamqor new-encryption-key`"
                ) from None
        if not keys:
            raise ImproperlyConfigured(f"{source} holds no encryption key")
        return cls(keys, path)

    def __repr__(self) -> str:
        return f"Keyring({', '.join(self.key_ids)})"


def new_key_text() -> str:
    """A new random key, as it is written in the environment or the key file."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def testing_keyring() -> Keyring:
    """The fixed keyring of the test suite: keys that protect nothing real."""
    return Keyring([Key.from_bytes(hashlib.sha256(b"qamqor test key 1").digest())])


def read_key_file(path: Path) -> Keyring:
    lines = [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()]
    return Keyring.from_text([line for line in lines if line], str(path), path)


def load_keyring(environ: Mapping[str, str], data_dir: Path) -> Keyring:
    """The keyring the environment configures (see the module's documentation)."""
    listed = environ.get(KEYS_VARIABLE, "").strip()
    if listed:
        parts = [part.strip() for part in listed.split(",") if part.strip()]
        return Keyring.from_text(parts, KEYS_VARIABLE)
    configured_file = environ.get(KEY_FILE_VARIABLE, "").strip()
    if configured_file:
        path = Path(configured_file)
        if not path.exists():
            # Never generate into a named file: a typo in the name would silently start
            # a new key, and everything written before would be unreadable.
            raise ImproperlyConfigured(f"{KEY_FILE_VARIABLE} names {path}, which does not exist")
        return read_key_file(path)
    default_file = data_dir / DEFAULT_KEY_FILE_NAME
    if default_file.exists():
        return read_key_file(default_file)
    if environ.get("QAMQOR_DATABASE_URL", "").strip():
        raise ImproperlyConfigured(
            f"no encryption key: set {KEYS_VARIABLE} (or {KEY_FILE_VARIABLE}) to the key "
            "the database was encrypted with. For a new installation make one with "
            "`qamqor new-encryption-key`, and keep a copy apart from the database backups."
        )
    create_private_file(default_file, _KEY_FILE_HEADER + new_key_text() + "\n")
    return read_key_file(default_file)


_lock = threading.Lock()
_installed: Keyring | None = None


def keyring() -> Keyring:
    """The keyring of this process, loaded on first use."""
    global _installed
    if _installed is None:
        with _lock:
            if _installed is None:
                if settings.TESTING:
                    _installed = testing_keyring()
                else:
                    _installed = load_keyring(os.environ, Path(settings.DATA_DIR))
    return _installed


@contextmanager
def installed(ring: Keyring) -> Iterator[Keyring]:
    """Use `ring` for the duration of the block: how tests stage a key change."""
    global _installed
    previous = _installed
    _installed = ring
    try:
        yield ring
    finally:
        _installed = previous
