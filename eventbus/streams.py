"""The size of the bus's Redis streams: Lyceum's stream loses an entry only where it is recorded, and a check
says when a consumer group has lost entries it never got, or is about to.

edx-event-bus-redis trims a stream to about 10,000 entries at each write, whoever has read them: a subscriber
10,000 events behind (one catalog refresh) silently loses the rest. Lyceum's producer does not trim. Entries
are removed in one place, :func:`stream_trim` (the ``eventbus-trim-streams`` periodic task):

1. below every group's floor (its oldest unacknowledged entry, or, with none pending, the entry after the last
   it was given): nobody needs those;
2. then, only if the stream is still longer than its ceiling (``EVENT_BUS_REDIS_STREAM_MAX_LEN``, a memory
   bound), the oldest entries beyond it; every group that still needed one of them is logged as an error and
   recorded (:func:`lost_entries`, shown by ``manage.py event_bus_status`` until cleared with ``--clear-lost``).

Studio's stream is trimmed by Studio's producer; Lyceum only reads it. There :func:`stream_state` infers a
loss from what is left: a delivered but unacknowledged entry that is gone is certainly lost, and a group whose
last delivered entry is older than everything left has probably lost what was between. (Redis's own counters,
``lag`` and ``entries-read``, are not reliable once a stream was trimmed, and ``max-deleted-entry-id`` moves
on XDEL only.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, cast

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

# A group whose backlog reaches this share of the ceiling is reported as at risk.
AT_RISK_SHARE = 0.8
LOST_KEY_SUFFIX = ":lyceum-lost"


def parse_id(value: bytes | str | None) -> tuple[int, int]:
    if not value:
        return 0, 0
    text = value.decode() if isinstance(value, bytes) else value
    milliseconds, _sep, sequence = text.partition("-")
    return int(milliseconds), int(sequence or 0)


def format_id(value: tuple[int, int]) -> str:
    return f"{value[0]}-{value[1]}"


def next_id(value: tuple[int, int]) -> tuple[int, int]:
    return value[0], value[1] + 1


def max_len() -> int:
    return int(getattr(settings, "EVENT_BUS_REDIS_STREAM_MAX_LEN", 10_000))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True)
class GroupState:
    name: str
    last_delivered: tuple[int, int]
    pending: int
    oldest_pending: tuple[int, int] | None
    backlog: int | None  # entries left that the group has not been given (None: Redis cannot tell)
    lost: str  # "" or why the group lost (or probably lost) entries

    @property
    def floor(self) -> tuple[int, int]:
        """The smallest id this group still needs."""
        return self.oldest_pending if self.oldest_pending is not None else next_id(self.last_delivered)


@dataclass(frozen=True)
class StreamState:
    stream: str
    length: int
    first_id: tuple[int, int] | None
    last_id: tuple[int, int]
    max_len: int
    groups: list[GroupState] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = []
        for group in self.groups:
            if group.lost:
                found.append(f"{self.stream}: group {group.name} lost entries: {group.lost}")
            elif group.backlog is not None and group.backlog >= AT_RISK_SHARE * self.max_len:
                found.append(
                    f"{self.stream}: group {group.name} is {group.backlog} entries behind, near the ceiling of "
                    f"{self.max_len} (EVENT_BUS_REDIS_STREAM_MAX_LEN) past which it would lose them"
                )
        return found


def lost_entries(client: redis.Redis, stream: str) -> dict[str, str]:
    """What the trim task removed that a group still needed, per group (kept until cleared)."""
    return {_text(k): _text(v) for k, v in client.hgetall(stream + LOST_KEY_SUFFIX).items()}


def lost_entries_clear(client: redis.Redis, stream: str) -> None:
    client.delete(stream + LOST_KEY_SUFFIX)


def stream_state(client: redis.Redis, stream: str, *, trimmed_here: bool) -> StreamState | None:
    """The stream's length and each consumer group's position and losses (None: no such stream).

    ``trimmed_here``: the stream loses entries only through :func:`stream_trim`, whose record is exact;
    otherwise a loss is inferred from what is left.
    """
    if not client.exists(stream):
        return None
    info = client.xinfo_stream(stream)
    length = int(info["length"])
    first = info.get("first-entry")
    first_id = parse_id(first[0]) if first else None
    last_id = parse_id(info.get("last-generated-id"))
    recorded = lost_entries(client, stream) if trimmed_here else {}
    groups = []
    for group in client.xinfo_groups(stream):
        name = _text(group["name"])
        summary = client.xpending(stream, name)
        oldest = parse_id(summary["min"]) if summary["pending"] else None
        last_delivered = parse_id(group["last-delivered-id"])
        behind_everything = first_id is not None and last_delivered < first_id
        backlog = length if behind_everything else group.get("lag")
        if name in recorded:
            lost = recorded[name]
        elif oldest is not None and (first_id is None or oldest < first_id):
            lost = f"its unacknowledged entry {format_id(oldest)} is no longer in the stream"
        elif behind_everything and not trimmed_here and int(info.get("entries-added") or 0) > length:
            lost = (
                f"its last delivered entry {format_id(last_delivered)} is older than everything left (from "
                f"{format_id(first_id or (0, 0))}): what was between was probably trimmed unread"
            )
        else:
            lost = ""
        groups.append(GroupState(name, last_delivered, int(summary["pending"]), oldest, backlog, lost))
    return StreamState(stream, length, first_id, last_id, max_len(), groups)


@dataclass(frozen=True)
class TrimOutcome:
    removed: int
    lost: dict[str, str] = field(default_factory=dict)  # group -> what it lost to the ceiling


def stream_trim(client: redis.Redis, stream: str) -> TrimOutcome:
    """Remove what every consumer group acknowledged, then what exceeds the ceiling (recording who needed it).

    With no group, nobody is owed anything and the stream is emptied (a subscriber that joins later catches up
    through the change feed, ADR 0130). Floors are read before trimming and only move up; an entry added
    meanwhile has a larger id. A group created meanwhile at an old id is not protected.
    """
    state = stream_state(client, stream, trimmed_here=True)
    if state is None or state.length == 0:
        return TrimOutcome(0)
    floor = min((group.floor for group in state.groups), default=next_id(state.last_id))
    removed = int(client.xtrim(stream, minid=format_id(floor), approximate=False))
    lost: dict[str, str] = {}
    if client.xlen(stream) > state.max_len:
        removed += int(client.xtrim(stream, maxlen=state.max_len, approximate=False))
        first = client.xrange(stream, count=1)
        cut = parse_id(first[0][0]) if first else next_id(state.last_id)
        for group in state.groups:
            if group.floor < cut:
                lost[group.name] = (
                    f"entries from {format_id(group.floor)} to before {format_id(cut)} were removed unread at the "
                    f"ceiling of {state.max_len} entries (EVENT_BUS_REDIS_STREAM_MAX_LEN)"
                )
                logger.error("event bus: %s: group %s lost %s", stream, group.name, lost[group.name])
        if lost:
            client.hset(stream + LOST_KEY_SUFFIX, mapping=cast(Any, lost))
    if removed:
        logger.info("event bus: trimmed %d entries of %s", removed, stream)
    return TrimOutcome(removed, lost)
