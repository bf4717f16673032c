"""The product types the seeder draws from: the shipped course types, their run types, tracks and entitlements."""

from __future__ import annotations

import random
from dataclasses import dataclass

from course_metadata.models import CourseRunType, CourseType, ProgramType, SeatType

# How common each shipped course type is in the demo catalog; types an installation added get weight 1.
COURSE_TYPE_WEIGHTS = {
    "verified-and-audit": 50,
    "verified-and-honor": 12,
    "professional-only": 10,
    "audit-only": 8,
    "credit": 6,
    "honor-only": 4,
    "credit-with-honor": 4,
}


@dataclass
class CourseTypeInfo:
    course_type: CourseType
    run_types: list[CourseRunType]  # the last is the richest (the one a course of this type usually runs)
    entitlement_slugs: list[str]


@dataclass
class TypeCatalog:
    course_types: list[CourseTypeInfo]
    weights: list[int]
    seat_slugs_of_run_type: dict[int, list[str]]
    seat_type_ids: dict[str, int]
    program_types: dict[str, ProgramType]

    @classmethod
    def load(cls) -> TypeCatalog:
        seat_type_ids = dict(SeatType.objects.values_list("slug", "pk"))
        run_types = CourseRunType.objects.prefetch_related("tracks__seat_type").order_by("pk")
        seat_slugs = {
            run_type.pk: sorted(
                {track.seat_type.slug for track in run_type.tracks.all() if track.seat_type is not None},
                key=_seat_order,
            )
            for run_type in run_types
        }
        infos = []
        for course_type in CourseType.objects.prefetch_related("course_run_types", "entitlement_types").order_by("pk"):
            allowed = sorted(course_type.course_run_types.all(), key=lambda rt: (len(seat_slugs.get(rt.pk, [])), rt.pk))
            if allowed:
                entitlements = [seat_type.slug for seat_type in course_type.entitlement_types.all()]
                infos.append(CourseTypeInfo(course_type, allowed, entitlements))
        if not infos:
            raise RuntimeError("No course types with run types exist; run `manage.py migrate` first.")
        weights = [COURSE_TYPE_WEIGHTS.get(info.course_type.slug, 1) for info in infos]
        program_types = {program_type.slug: program_type for program_type in ProgramType.objects.all()}
        return cls(infos, weights, seat_slugs, seat_type_ids, program_types)

    def pick_course_type(self, rng: random.Random) -> CourseTypeInfo:
        return rng.choices(self.course_types, weights=self.weights)[0]

    @staticmethod
    def pick_run_type(rng: random.Random, info: CourseTypeInfo) -> CourseRunType:
        """Mostly the richest run type the course type allows, now and then a simpler one (an audit-only rerun)."""
        return info.run_types[-1] if rng.random() < 0.8 else rng.choice(info.run_types)


def _seat_order(slug: str) -> tuple[int, str]:
    order = ["audit", "honor", "verified", "professional", "credit"]
    return (order.index(slug) if slug in order else len(order), slug)
