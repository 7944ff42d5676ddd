"""Checking the audit chain: recompute every link, report the first broken one.

Events are streamed in sequence order and checked one at a time, so memory stays flat
however long the log. A broken link is named by its sequence and row id, with what the
evidence around it shows: an event modified, deleted (a gap in the sequence), inserted,
or reordered. Cutting events off the end leaves no broken link; it shows only against the
chain head row (which holds the newest sequence and hash) or an anchor kept outside the
database (`--anchor SEQUENCE:HASH`, from an earlier run).
"""

import dataclasses
import enum
import hmac
from collections.abc import Iterator
from typing import Any

from .chain import CHAINED_FIELDS, GENESIS, audit_key, chain_hash
from .models import AuditEvent, ChainHead

CHUNK_SIZE = 20_000
_COLUMNS = ("id", "prev_hash", "hash", *CHAINED_FIELDS)


class Breach(enum.StrEnum):
    MODIFIED = "modified"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"


@dataclasses.dataclass(frozen=True)
class BrokenLink:
    sequence: int
    event_id: int | None
    breach: Breach
    explanation: str

    def __str__(self) -> str:
        where = f"sequence {self.sequence}"
        if self.event_id is not None:
            where += f" (id {self.event_id})"
        return f"{where}: {self.breach}: {self.explanation}"


@dataclasses.dataclass(frozen=True)
class Anchor:
    """The sequence and hash of an event, noted down outside the database."""

    sequence: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> "Anchor":
        sequence, _, hash_ = text.partition(":")
        if not sequence.isdigit() or int(sequence) < 1 or len(hash_) != 64:
            raise ValueError("an anchor is SEQUENCE:HASH, as printed by audit verify")
        return cls(int(sequence), hash_.lower())


@dataclasses.dataclass(frozen=True)
class Verification:
    count: int
    last_hash: str
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify_chain(anchor: Anchor | None = None, chunk_size: int = CHUNK_SIZE) -> Verification:
    key = audit_key()
    # The head is read before the events: writers append while we read, and every event
    # the head names is then among those streamed.
    head = ChainHead.objects.filter(pk=ChainHead.ROW_ID).values_list("sequence", "hash").first()
    rows = iter_chain_rows(chunk_size)
    expected_sequence, expected_prev = 1, GENESIS
    checkpoints = {}
    if head is not None and head[0] > 0:
        checkpoints[head[0]] = ("the chain head", head[1])
    if anchor is not None:
        checkpoints[anchor.sequence] = ("the anchor", anchor.hash)
    for row in rows:
        event_id, prev_hash, stored_hash, *values = row
        sequence = values[0]
        if (
            sequence != expected_sequence
            or prev_hash != expected_prev
            or not hmac.compare_digest(chain_hash(key, expected_prev, values), stored_hash)
        ):
            return Verification(
                expected_sequence - 1,
                expected_prev,
                _diagnose(row, next(rows, None), expected_sequence, expected_prev, head),
            )
        if sequence in checkpoints:
            holder, hash_ = checkpoints.pop(sequence)
            if hash_ != stored_hash:
                return Verification(
                    sequence - 1,
                    expected_prev,
                    BrokenLink(
                        sequence,
                        event_id,
                        Breach.MODIFIED,
                        f"{holder} holds another hash for this event ({hash_})",
                    ),
                )
        expected_sequence, expected_prev = sequence + 1, stored_hash
    count = expected_sequence - 1
    if checkpoints:
        last = max(checkpoints)
        holder = checkpoints[last][0]
        return Verification(
            count,
            expected_prev,
            BrokenLink(
                count + 1,
                None,
                Breach.DELETED,
                f"events {count + 1} to {last} are missing from the end of the log "
                f"({holder} names event {last})",
            ),
        )
    if head is None and count:
        return Verification(
            count,
            expected_prev,
            BrokenLink(count, None, Breach.DELETED, "the chain head row is missing"),
        )
    return Verification(count, expected_prev, None)


def _diagnose(
    row: tuple[Any, ...],
    following: tuple[Any, ...] | None,
    expected_sequence: int,
    expected_prev: str,
    head: tuple[int, str] | None,
) -> BrokenLink:
    """Name the first broken link from the row there and the row after it."""
    event_id, prev_hash, stored_hash, sequence, *_ = row
    if sequence > expected_sequence:
        missing = (
            f"event {expected_sequence} is"
            if sequence == expected_sequence + 1
            else f"events {expected_sequence} to {sequence - 1} are"
        )
        return BrokenLink(
            expected_sequence,
            None,
            Breach.DELETED,
            f"{missing} missing (a gap before id {event_id})",
        )
    if sequence < expected_sequence:
        return BrokenLink(
            sequence, event_id, Breach.INSERTED, "a second event holds this place in the chain"
        )
    if prev_hash != expected_prev:
        chained_after = _sequence_with_hash(prev_hash)
        if chained_after is not None:
            return BrokenLink(
                sequence,
                event_id,
                Breach.REORDERED,
                f"it was written after event {chained_after}, not after event {sequence - 1}",
            )
        return BrokenLink(
            sequence,
            event_id,
            Breach.MODIFIED,
            "its link to the event before it names no event in the log",
        )
    # Its link is right but its content does not give its hash: either the content was
    # changed, or the row was never written by Qamqor and slipped in here. The row after
    # it tells which: it still links to this one, or to the event before.
    if following is not None:
        if following[1] == expected_prev:
            return BrokenLink(
                sequence, event_id, Breach.INSERTED, "the event after it links past it"
            )
        return BrokenLink(
            sequence, event_id, Breach.MODIFIED, "its content no longer gives its hash"
        )
    if head is not None and head[0] == sequence - 1:
        return BrokenLink(
            sequence, event_id, Breach.INSERTED, "added after the newest event the head names"
        )
    return BrokenLink(sequence, event_id, Breach.MODIFIED, "its content no longer gives its hash")


def _sequence_with_hash(hash_: str) -> int | None:
    # One scan of the table, on the failure path only.
    found: int | None = (
        AuditEvent.objects.filter(hash=hash_).values_list("sequence", flat=True).first()
    )
    return found


def iter_chain_rows(chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[Any, ...]]:
    """Every event as (id, prev_hash, hash, *CHAINED_FIELDS), in chain order."""
    return AuditEvent.objects.order_by("sequence").values_list(*_COLUMNS).iterator(chunk_size)
