"""The hash chain of the audit log: the key, the canonical form of an event, its hash.

hash(event) = HMAC-SHA256(audit key, prev_hash || canonical(event)), hex-encoded, where
prev_hash is the hash of the event before it (GENESIS for the first). The key is kept out
of the database, so someone who can write to the database but not read the key cannot
forge an event or re-link the chain around a change.
"""

import datetime
import functools
import hmac
import ipaddress
import json
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from qamqor.keyfiles import create_private_file

GENESIS = "0" * 64
KEY_ENV = "QAMQOR_AUDIT_KEY"
KEY_FILE = "audit_key"
MIN_KEY_LENGTH = 32
# Fields entering the hash, in the order of the canonical form. `id` is left out: the
# place of an event in the chain is its sequence, and row ids are the database's affair.
CHAINED_FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "case_code",
    "ip_address",
    "path",
    "read",
    "details",
)
# The test suite never touches the data directory's key; any fixed key will do there.
_TEST_KEY = b"qamqor-test-suite-audit-key-not-a-secret"


@functools.cache
def audit_key() -> bytes:
    """The chain key: QAMQOR_AUDIT_KEY, else the key file <DATA_DIR>/audit_key.

    The file is generated on first use for the embedded database only. With a server
    database (QAMQOR_DATABASE_URL) several application servers write to one chain, and a
    key made up by each of them would break it; there the key must be configured.
    """
    configured = os.environ.get(KEY_ENV, "")
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise ImproperlyConfigured(
                f"{KEY_ENV} must be at least {MIN_KEY_LENGTH} characters long"
            )
        return configured.encode()
    if getattr(settings, "TESTING", False):
        return _TEST_KEY
    path = Path(settings.DATA_DIR) / KEY_FILE
    if not path.exists():
        if os.environ.get("QAMQOR_DATABASE_URL", "").strip():
            raise ImproperlyConfigured(
                f"no audit key: set {KEY_ENV} (at least {MIN_KEY_LENGTH} random characters, "
                f"the same on every application server) or put it in {path}; keep a copy "
                "apart from the database backups"
            )
        create_private_file(path, secrets.token_urlsafe(48) + "\n")
    return _read_key_file(path)


def _read_key_file(path: Path) -> bytes:
    key = path.read_text().strip()
    if len(key) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"the audit key in {path} is shorter than {MIN_KEY_LENGTH} characters; "
            "restore it from the backup (another key cannot verify the events written)"
        )
    return key.encode()


@functools.lru_cache(maxsize=4096)
def _canonical_address(address: str) -> str:
    # PostgreSQL's inet type may print an address differently from how it was written
    # (IPv6 case, zero compression); the packed bytes are the same whatever the spelling.
    return ipaddress.ip_address(address).packed.hex()


def canonical_time(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical(values: Sequence[Any]) -> bytes:
    """The canonical form of an event given the values of CHAINED_FIELDS, in that order.

    JSON with sorted keys and no spaces, times in UTC to the microsecond, addresses as
    bytes: the same event reads the same from SQLite and PostgreSQL.
    """
    (sequence, at, actor_id, actor_username, action, object_type, object_id, case_code,
     ip_address, path, read, details) = values  # fmt: skip
    return json.dumps(
        [
            sequence,
            canonical_time(at),
            actor_id,
            actor_username,
            action,
            object_type,
            object_id,
            case_code,
            _canonical_address(ip_address) if ip_address else None,
            path,
            bool(read),
            details,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode()


def chain_hash(key: bytes, prev_hash: str, values: Sequence[Any]) -> str:
    return hmac.digest(key, prev_hash.encode("ascii") + canonical(values), "sha256").hex()


def normalise_details(details: dict[str, Any]) -> dict[str, Any]:
    """Details as they will read back from the database (tuples become lists, keys strings).

    The hash is taken over this form, so the stored value and the hashed value agree.
    """
    return json.loads(json.dumps(details, allow_nan=False))  # type: ignore[no-any-return]
