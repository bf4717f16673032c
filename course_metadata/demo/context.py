"""What every phase of the demo seeder shares: the seeded randomness, the clock and what was created so far."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from faker import Faker

from course_metadata.demo.vocabulary import PRICES
from course_metadata.models import Partner


class TextPool:
    """Faker text generated once and drawn from at random: realistic, reproducible, and cheap at 50,000 courses."""

    def __init__(self, fake: Faker, rng: random.Random, size: int = 400) -> None:
        self.rng = rng
        self.sentences = [fake.sentence(nb_words=rng.randint(8, 18)) for _ in range(size)]
        self.paragraphs = [fake.paragraph(nb_sentences=rng.randint(3, 7)) for _ in range(size // 2)]
        self.phrases = [fake.catch_phrase() for _ in range(size // 2)]

    def sentence(self) -> str:
        return self.rng.choice(self.sentences)

    def paragraph(self) -> str:
        return self.rng.choice(self.paragraphs)

    def paragraphs_html(self, count: int) -> str:
        return "".join(f"<p>{self.paragraph()}</p>" for _ in range(count))

    def phrase(self) -> str:
        return self.rng.choice(self.phrases)


@dataclass
class CourseSummary:
    """What later phases need to know about a seeded course, without keeping the model instance around."""

    pk: int
    key: str
    organization_id: int
    included: bool
    subject_ids: list[int]
    run_pks: list[int] = field(default_factory=list)


@dataclass
class SeededCatalog:
    """The primary keys of everything one run of the seeder created, by model, and when it ran."""

    seeded_at: dt.datetime
    created: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, model: type[models.Model], pks: list[Any]) -> None:
        self.created[model._meta.label].extend(pk for pk in pks if pk is not None)

    def count(self, model: type[models.Model]) -> int:
        return len(self.created.get(model._meta.label, []))

    def counts(self) -> dict[str, int]:
        return {label: len(pks) for label, pks in sorted(self.created.items())}


@dataclass
class SeedContext:
    rng: random.Random
    fake: Faker
    text: TextPool
    partner: Partner
    today: dt.datetime  # midnight UTC: run dates are relative to it, so a seed reproduces within a day
    seeded: SeededCatalog
    organizations: list[Any] = field(default_factory=list)
    organization_included: dict[int, bool] = field(default_factory=dict)
    people_ids: list[int] = field(default_factory=list)
    subject_ids: list[int] = field(default_factory=list)
    topic_tag_ids: list[int] = field(default_factory=list)
    collaborator_ids: list[int] = field(default_factory=list)
    level_type_ids: list[int] = field(default_factory=list)
    source_ids: dict[str, int] = field(default_factory=dict)
    courses: list[CourseSummary] = field(default_factory=list)
    taken_numbers: set[str] = field(default_factory=set)  # course numbers already used (when appending)
    runs_per_course: int | None = None  # a fixed number of runs per course; None draws 1-4 per course

    @property
    def now(self) -> dt.datetime:
        return self.seeded.seeded_at

    def uuid(self) -> uuid.UUID:
        """A UUID drawn from the seeded generator, so a seed reproduces identifiers too."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def sku(self) -> str:
        return f"{self.rng.getrandbits(28):07X}"

    def price(self, seat_type_slug: str) -> Decimal:
        return Decimal(self.rng.choice(PRICES.get(seat_type_slug, (0,))))

    def image_url(self, kind: str) -> str:
        return f"https://www.example.org/media/{kind}/{self.uuid().hex[:16]}.jpg"
