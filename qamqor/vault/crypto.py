"""Authenticated encryption of field values, and keyed hashes for finding them.

A ciphertext is text, so that it fits any text column and any dump:

    v1:<key id>:<URL-safe base64 of nonce (12 bytes) | AES-256-GCM ciphertext and tag>

The associated data is the identity of the field ("registry.person.surname"): a
ciphertext moved into another column does not authenticate there. Before encryption
the UTF-8 text is padded (ISO/IEC 7816-4) to a multiple of 16 bytes, so the length of a
ciphertext tells the length of its plaintext only to within 16 bytes.

A keyed hash is `<key id>:<32 hex digits of HMAC-SHA256>` over the field identity and
the value, under the blind-index subkey: equal values of one field give equal hashes
under one key, and nothing else can be computed from them without the key.
"""

import base64
import binascii
import os
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac

from .keys import KEY_ID_LENGTH, Key, keyring

FORMAT = "v1"
NONCE_BYTES = 12
PAD_BLOCK = 16
HASH_HEX_DIGITS = 32  # 128 bits: no two values collide in any realistic register
HASH_LENGTH = KEY_ID_LENGTH + 1 + HASH_HEX_DIGITS


class VaultError(Exception):
    """A value could not be decrypted: a missing key, or data that was altered."""


def ciphertext_prefix(key_id: str) -> str:
    return f"{FORMAT}:{key_id}:"


def hash_prefix(key_id: str) -> str:
    return f"{key_id}:"


def _pad(data: bytes) -> bytes:
    return data + b"\x80" + b"\x00" * (-(len(data) + 1) % PAD_BLOCK)


def _unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise ValueError("bad padding")
    return stripped[:-1]


def encrypt(identity: str, plaintext: str, key: Key | None = None) -> str:
    """`plaintext` encrypted for the field `identity`, under `key` or the first key."""
    key = key or keyring().primary
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, _pad(plaintext.encode()), identity.encode())
    body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()
    return f"{FORMAT}:{key.key_id}:{body}"


def key_id_of(token: str) -> str:
    """The id of the key `token` was encrypted under."""
    _version, key_id, _body = _split(token, "a value")
    return key_id


def _split(token: str, identity: str) -> tuple[str, str, str]:
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != FORMAT:
        raise VaultError(
            f"{identity}: the stored value is not a Qamqor ciphertext (format {FORMAT}); "
            "it was written without encryption or altered"
        )
    return parts[0], parts[1], parts[2]


def decrypt(identity: str, token: str) -> str:
    """The plaintext of `token`, which must have been encrypted for the field `identity`."""
    _version, key_id, body = _split(token, identity)
    ring = keyring()
    key = ring.by_id.get(key_id)
    if key is None:
        raise VaultError(
            f"{identity}: the value is encrypted under key {key_id}, which is not in the "
            f"keyring (keys configured: {', '.join(ring.key_ids)}); add that key to "
            "QAMQOR_ENCRYPTION_KEYS or the key file"
        )
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        padded = key.aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], identity.encode())
        return _unpad(padded).decode()
    except (InvalidTag, binascii.Error, ValueError):
        # One message for every failure: which of them it was helps no one but a forger.
        raise VaultError(
            f"{identity}: the value under key {key_id} does not authenticate: it was "
            "altered, truncated, or copied from another field"
        ) from None


def keyed_hash(identity: str, text: str, key: Key | None = None) -> str:
    """The keyed hash of `text` in the field `identity`, under `key` or the first key."""
    key = key or keyring().primary
    mac = hmac.HMAC(key.index_key, hashes.SHA256())
    mac.update(identity.encode() + b"\x00" + text.encode())
    return f"{key.key_id}:{mac.finalize().hex()[:HASH_HEX_DIGITS]}"


def keyed_hashes(identity: str, text: str) -> list[str]:
    """The keyed hash of `text` under every key: what a lookup must match while a new
    key is being rolled out and rows still carry hashes under the old one."""
    return [keyed_hash(identity, text, key) for key in keyring().keys]


def normalise_identifier(value: str) -> str:
    """An identifier as it is compared: letters and digits only, case folded.

    "N 0123-4567", "n01234567" and "N01234567" are one document number; blanks typed
    into an IIN are not part of it.
    """
    folded = unicodedata.normalize("NFKC", value).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def blind_index(identity: str, value: str, key: Key | None = None) -> str:
    """The blind index of an identifier; '' for a value with nothing to index."""
    normalised = normalise_identifier(value)
    return keyed_hash(identity, normalised, key) if normalised else ""


def blind_index_candidates(identity: str, value: str) -> list[str]:
    """What a stored blind index of `value` may be, under any key of the keyring."""
    normalised = normalise_identifier(value)
    return keyed_hashes(identity, normalised) if normalised else []
