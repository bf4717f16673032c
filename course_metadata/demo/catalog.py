"""Build a realistic synthetic catalog: the phases in order, seeded randomness, one transaction."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

import factory.random
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from faker import Faker
from tqdm import tqdm

from course_metadata import tracking
from course_metadata.demo.changes import record_seeded_changes
from course_metadata.demo.context import SeedContext, SeededCatalog, TextPool
from course_metadata.demo.courses import seed_courses
from course_metadata.demo.directory import seed_organizations, seed_partner, seed_people, seed_vocabularies
from course_metadata.demo.pathways import seed_pathways
from course_metadata.demo.programs import seed_degree, seed_programs
from course_metadata.demo.types import TypeCatalog
from course_metadata.history import historied_models, history_baseline
from course_metadata.models import Course, Degree


class CatalogNotEmptyError(Exception):
    """The database already has courses and appending was not asked for."""


@dataclass(frozen=True)
class SeedOptions:
    courses: int = 60
    seed: int = 0
    organizations: int = 12
    partner: str = "demo"
    append: bool = False
    chunk_size: int = 1000
    runs_per_course: int | None = None
    change_log: bool = True
    progress: bool = True
    progress_file: IO[str] | None = None

    @property
    def people(self) -> int:
        return max(10, self.courses // 4)

    @property
    def programs(self) -> int:
        return max(1, self.courses // 8)

    @property
    def pathways(self) -> int:
        return max(1, min(100, self.programs // 10))

    @property
    def learner_pathways(self) -> int:
        return max(2, min(500, self.courses // 20))


def seed_catalog(options: SeedOptions) -> SeededCatalog:
    """Seed the catalog described by ``options``; everything or nothing is written."""
    existing = Course.objects.count()
    if existing and not options.append:
        raise CatalogNotEmptyError(_("The database already has %(existing)s courses.") % {"existing": existing})
    # A seed reproduces the catalog; when appending, the existing size is mixed in so new rows differ.
    effective_seed = options.seed + existing
    random.seed(effective_seed)
    factory.random.reseed_random(effective_seed)
    fake = Faker()
    fake.seed_instance(effective_seed)
    rng = random.Random(effective_seed)
    seeded = SeededCatalog(seeded_at=timezone.now())
    # Run dates are relative to midnight today, so a seed reproduces the same catalog all day.
    today = seeded.seeded_at.replace(hour=0, minute=0, second=0, microsecond=0)

    with transaction.atomic():
        with tracking.suppressed():
            partner = seed_partner(options.partner)
            ctx = SeedContext(rng=rng, fake=fake, text=TextPool(fake, rng), partner=partner, today=today, seeded=seeded)
            ctx.runs_per_course = options.runs_per_course
            if options.append:
                ctx.taken_numbers = set(Course.objects.filter(partner=partner).values_list("number", flat=True))
            _seed_phases(ctx, options, first_number=100 + existing)
        with _phase(options, "History baseline", 1) as advance:
            record_seeded_history(seeded)
            advance(1)
        if options.change_log:
            with _phase(options, "Change log", 1) as advance:
                record_seeded_changes(seeded)
                advance(1)
    return seeded


def record_seeded_history(seeded: SeededCatalog) -> None:
    """The first history row of every seeded row of a model with history (bulk inserts write none)."""
    historied = {model._meta.label: model for model in historied_models()}
    for label, pks in seeded.created.items():
        if label in historied:
            history_baseline(historied[label], pks, reason="Seeded by seed_catalog", history_date=seeded.seeded_at)


def _seed_phases(ctx: SeedContext, options: SeedOptions, *, first_number: int) -> None:
    types = TypeCatalog.load()
    with _phase(options, "Organizations and vocabularies", 2) as advance:
        seed_organizations(ctx, count=options.organizations)
        advance(1)
        seed_vocabularies(ctx)
        advance(1)
    with _phase(options, "People", 1) as advance:
        seed_people(ctx, count=options.people)
        advance(1)
    with _phase(options, "Courses", options.courses, unit="course") as advance:
        seed_courses(
            ctx, types, count=options.courses, first_number=first_number, chunk_size=options.chunk_size, advance=advance
        )
    if not ctx.courses:
        return
    with _phase(options, "Programs and degree", 2) as advance:
        program_ids = seed_programs(ctx, types, count=options.programs)
        advance(1)
        if not Degree.objects.filter(partner=ctx.partner).exists():
            seed_degree(ctx, types, program_ids=program_ids)
        advance(1)
    with _phase(options, "Pathways", 1) as advance:
        seed_pathways(ctx, program_ids=program_ids, count=options.pathways, learner_count=options.learner_pathways)
        advance(1)


@contextmanager
def _phase(options: SeedOptions, name: str, total: int, unit: str = "step") -> Iterator[Callable[[int], Any]]:
    with tqdm(
        total=total, desc=f"{name:<32}", unit=unit, disable=not options.progress, file=options.progress_file, leave=True
    ) as bar:
        yield bar.update
