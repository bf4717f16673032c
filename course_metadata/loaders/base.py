"""The one interface every loader has, and the report they all write into."""

from __future__ import annotations

import abc
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Protocol

from course_metadata.loaders.http import ApiClient
from course_metadata.models import Partner
from course_metadata.services.load_outcomes import PageOutcomes

logger = logging.getLogger(__name__)

OUTCOMES = ("created", "updated", "deleted", "unchanged", "skipped", "failed")


class Progress(Protocol):
    """What a loader tells the progress bar (tqdm, or nothing)."""

    def update(self, n: int = 1) -> object: ...

    def set_description(self, desc: str | None = None) -> object: ...


class NoProgress:
    def update(self, n: int = 1) -> None:
        return None

    def set_description(self, desc: str | None = None) -> None:
        return None


@dataclass
class LoadReport:
    """Counts per kind of object and outcome, and the reasons for every failure."""

    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    failures: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        assert outcome in OUTCOMES, outcome
        self.counts[kind][outcome] += n

    def fail(self, kind: str, what: str, reason: str) -> None:
        self.count(kind, "failed")
        self.failures.append(f"{kind} {what}: {reason}")
        logger.warning("%s %s: %s", kind, what, reason)

    @property
    def failed(self) -> bool:
        return bool(self.failures)

    def record(self, outcomes: PageOutcomes) -> None:
        for item in outcomes.items:
            if item.outcome == "failed":
                self.fail(item.kind, item.label, item.reason)
            else:
                self.count(item.kind, item.outcome)

    def changed(self) -> int:
        return sum(c["created"] + c["updated"] + c["deleted"] for c in self.counts.values())

    def summary_lines(self) -> list[str]:
        lines = [f"{'kind':<16}" + "".join(f"{outcome:>11}" for outcome in OUTCOMES)]
        for kind in sorted(self.counts):
            lines.append(f"{kind:<16}" + "".join(f"{self.counts[kind][outcome]:>11}" for outcome in OUTCOMES))
        return lines


class Loader(abc.ABC):
    """Loads one source into the catalog of one partner; writes only through course_metadata.services."""

    #: Shown in the progress bar and the logs.
    name: str = "loader"

    def __init__(self, *, partner: Partner, report: LoadReport, progress: Progress | None = None) -> None:
        self.partner = partner
        self.report = report
        self.progress: Progress = progress if progress is not None else NoProgress()

    @abc.abstractmethod
    def load(self) -> None:
        """Read the source and write what changed; record every outcome in ``self.report``; never raise for
        a bad page or item (record it and go on)."""


class ApiLoader(Loader):
    """A loader that reads a remote API through the partner's client.

    Pages are fetched one ahead of the write (``http.prefetched``) and written in groups of about
    ``write_batch`` items, one transaction each: a write costs a constant number of statements, so the
    group, not the HTTP page, sets how many round trips a load makes.
    """

    write_batch: int = 250

    def __init__(
        self, *, partner: Partner, client: ApiClient, report: LoadReport, progress: Progress | None = None
    ) -> None:
        super().__init__(partner=partner, report=report, progress=progress)
        self.client = client
