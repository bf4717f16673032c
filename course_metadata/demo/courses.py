"""Seed courses with their runs, seats, entitlements, staff, subjects, topic tags and marketing extras.

Rows are plain dicts written with :func:`course_metadata.demo.bulk.bulk_insert`, one chunk of courses at a
time, so 50,000 courses take minutes and memory stays flat: only a small summary of each course is kept
for the program phase.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import reset_queries
from django.utils.text import slugify

from course_metadata.demo.bulk import bulk_insert
from course_metadata.demo.context import CourseSummary, SeedContext
from course_metadata.demo.marketing import attach_marketing_extras
from course_metadata.demo.types import CourseTypeInfo, TypeCatalog
from course_metadata.demo.vocabulary import CREDIT_PROVIDERS, LANGUAGES, SUBJECTS, TITLE_PREFIXES, TOPICS
from course_metadata.models import (
    Course,
    CourseEntitlement,
    CourseRun,
    CourseRunPacing,
    CourseRunReportingType,
    CourseRunStatus,
    Seat,
    TaggedCourse,
)

Row = dict[str, Any]

FREE_SEATS = {"audit", "honor"}
RUN_COUNT_WEIGHTS = {1: 30, 2: 35, 3: 25, 4: 10}
SUBJECT_CODES = ["".join(word[0] for word in name.replace("&", "").split()).upper() for name in SUBJECTS]


def seed_courses(
    ctx: SeedContext,
    types: TypeCatalog,
    *,
    count: int,
    first_number: int,
    chunk_size: int,
    advance: Callable[[int], Any],
) -> None:
    """Create ``count`` courses numbered from ``first_number``; call ``advance(n)`` after each chunk."""
    for start in range(0, count, chunk_size):
        size = min(chunk_size, count - start)
        _seed_chunk(ctx, types, [first_number + start + i for i in range(size)])
        # With DEBUG on (settings.local) Django keeps the last 9,000 queries, multi-megabyte bulk INSERTs included.
        reset_queries()
        advance(size)


def _seed_chunk(ctx: SeedContext, types: TypeCatalog, numbers: list[int]) -> None:
    rng = ctx.rng
    plans = [_plan_course(ctx, types, number) for number in numbers]
    attach_marketing_extras(ctx, [plan["course"] for plan in plans])
    _insert(ctx, Course, [plan["course"] for plan in plans])

    links: dict[type, list[Row]] = {}

    def link(model: type, **row: Any) -> None:
        links.setdefault(model, []).append(row)

    runs: list[Row] = []
    for plan in plans:
        course_id = plan["course"]["id"]
        for position, organization in enumerate(plan["organizations"]):
            link(
                Course.authoring_organizations.through,
                course_id=course_id,
                organization_id=organization.pk,
                sort_value=position,
            )
        for position, subject_id in enumerate(plan["subject_ids"]):
            link(Course.subjects.through, course_id=course_id, subject_id=subject_id, sort_value=position)
        if rng.random() < 0.1:
            link(
                Course.collaborators.through,
                course_id=course_id,
                collaborator_id=rng.choice(ctx.collaborator_ids),
                sort_value=0,
            )
        if rng.random() < 0.05:
            sponsor = rng.choice(ctx.organizations)
            link(Course.sponsoring_organizations.through, course_id=course_id, organization_id=sponsor.pk, sort_value=0)
        for tag_id in rng.sample(ctx.topic_tag_ids, k=rng.randint(1, 3)):
            link(TaggedCourse, tag_id=tag_id, content_object_id=course_id)
        plan["runs"] = _plan_runs(ctx, types, plan)
        runs += plan["runs"]
    _insert(ctx, CourseRun, runs)

    seats: list[Row] = []
    for plan in plans:
        for run in plan["runs"]:
            staff = rng.sample(ctx.people_ids, k=min(len(ctx.people_ids), rng.randint(1, 3)))
            for position, person_id in enumerate(staff):
                link(CourseRun.staff.through, courserun_id=run["id"], person_id=person_id, sort_value=position)
            seats += _plan_seats(ctx, types, run, plan["prices"])
    _insert(ctx, Seat, seats)
    _insert(ctx, CourseEntitlement, [row for plan in plans for row in _plan_entitlements(ctx, types, plan)])
    for model, rows in links.items():
        _insert(ctx, model, rows)

    for plan in plans:
        course = plan["course"]
        ctx.courses.append(
            CourseSummary(
                pk=course["id"],
                key=course["key"],
                organization_id=plan["organizations"][0].pk,
                included=course["enterprise_subscription_inclusion"],
                subject_ids=plan["subject_ids"],
                run_pks=[run["id"] for run in plan["runs"]],
            )
        )


def _insert(ctx: SeedContext, model: type, rows: list[Row]) -> None:
    ctx.seeded.add(model, bulk_insert(model, rows, batch_size=2000))


def _plan_course(ctx: SeedContext, types: TypeCatalog, number: int) -> dict[str, Any]:
    rng = ctx.rng
    info = types.pick_course_type(rng)
    organizations = [rng.choice(ctx.organizations)]
    co_author = rng.choice(ctx.organizations)
    if rng.random() < 0.08 and co_author.pk != organizations[0].pk:
        organizations.append(co_author)
    subject_index = rng.randrange(len(ctx.subject_ids))
    subject_ids = [ctx.subject_ids[subject_index]]
    subject_ids += [s for s in rng.sample(ctx.subject_ids, k=rng.choice([0, 0, 1, 2])) if s not in subject_ids]
    course_number = f"{SUBJECT_CODES[subject_index % len(SUBJECT_CODES)]}{number}x"
    if course_number in ctx.taken_numbers:
        course_number = f"{course_number}{ctx.uuid().hex[:4]}"
    title = f"{rng.choice(TITLE_PREFIXES)} {rng.choice(TOPICS + SUBJECTS)}"
    opt_in = rng.random() < 0.85
    external = info.course_type.slug == "professional-only" and rng.random() < 0.3
    course: Row = {
        "partner_id": ctx.partner.pk,
        "uuid": ctx.uuid(),
        "key": Course.make_key(organizations[0].key, course_number),
        "number": course_number,
        "title": title,
        "url_slug": slugify(f"{title} {course_number}")[:255],
        "short_description": ctx.text.sentence(),
        "full_description": ctx.text.paragraphs_html(rng.randint(2, 3)),
        "outcome": ctx.text.paragraphs_html(1),
        "prerequisites_raw": ctx.text.sentence(),
        "syllabus_raw": ctx.text.paragraphs_html(1),
        "level_type_id": rng.choice(ctx.level_type_ids),
        "image_url": ctx.image_url("course/image"),
        "card_image_url": ctx.image_url("course/card"),
        "type_id": info.course_type.pk,
        "product_source_id": ctx.source_ids["external" if external else "edx"],
        "enrollment_count": int(rng.paretovariate(1.2) * 100),
        "recent_enrollment_count": rng.randint(0, 500),
        "enterprise_subscription_opt_in": opt_in,
        # Derived as the rules say: the course opted in and every authoring organization takes part.
        "enterprise_subscription_inclusion": opt_in and all(ctx.organization_included[o.pk] for o in organizations),
        "data_modified_timestamp": ctx.now,
        "created": ctx.now,
        "modified": ctx.now,
    }
    return {
        "course": course,
        "info": info,
        "organizations": organizations,
        "subject_ids": subject_ids,
        "prices": {slug: ctx.price(slug) for slug in ("verified", "professional")},
    }


def _plan_runs(ctx: SeedContext, types: TypeCatalog, plan: dict[str, Any]) -> list[Row]:
    """1-4 runs (or ``ctx.runs_per_course``) spread from the past into the future, at least 100 days apart so
    each has its own term."""
    rng, course, info = ctx.rng, plan["course"], plan["info"]
    count = ctx.runs_per_course or rng.choices(list(RUN_COUNT_WEIGHTS), weights=list(RUN_COUNT_WEIGHTS.values()))[0]
    start = ctx.today - dt.timedelta(days=rng.randint(0, 150 * count + 60), hours=-rng.choice([0, 14, 16]))
    org_key, number = course["key"].split("+", 1)
    language = rng.choice(LANGUAGES)
    runs = []
    for _ in range(count):
        weeks = rng.randint(4, 14)
        end = start + dt.timedelta(weeks=weeks)
        key = f"course-v1:{org_key}+{number}+{(start.month - 1) // 3 + 1}T{start.year}"
        self_paced = rng.random() < 0.35
        far_future = start > ctx.today + dt.timedelta(days=120)
        min_effort = rng.randint(2, 6)
        runs.append(
            {
                "course_id": course["id"],
                "uuid": ctx.uuid(),
                "key": key,
                "status": CourseRunStatus.UNPUBLISHED
                if far_future and rng.random() < 0.3
                else CourseRunStatus.PUBLISHED,
                "type_id": TypeCatalog.pick_run_type(rng, info).pk,
                "start": start,
                "end": end,
                "enrollment_start": start - dt.timedelta(days=60),
                "enrollment_end": end - dt.timedelta(days=7),
                "announcement": start - dt.timedelta(days=75),
                "go_live_date": start - dt.timedelta(days=60) if far_future else None,
                "pacing_type": CourseRunPacing.SELF if self_paced else CourseRunPacing.INSTRUCTOR,
                "content_language": language,
                "transcript_languages": sorted({language, "en-us"}),
                "hidden": rng.random() < 0.03,
                "slug": slugify(f"{course['title']} {key}")[:255],
                "min_effort": min_effort,
                "max_effort": min_effort + rng.randint(1, 4),
                "weeks_to_complete": weeks,
                "license": rng.choice(["all-rights-reserved", "cc-by-nc-sa"]),
                "mobile_available": rng.random() < 0.7,
                "reporting_type": CourseRunReportingType.MOOC,
                "enrollment_count": int(rng.paretovariate(1.3) * 50),
                # A run takes part in subscriptions when its course does and learners set their own pace.
                "enterprise_subscription_inclusion": course["enterprise_subscription_inclusion"] and self_paced,
                "data_modified_timestamp": ctx.now,
                "created": ctx.now,
                "modified": ctx.now,
            }
        )
        # The next run starts after this one has ended, and at least 100 days later (a quarter is at most 92).
        start += dt.timedelta(days=rng.randint(max(100, 7 * weeks + 14), 7 * weeks + 200))
    return runs


def _plan_seats(ctx: SeedContext, types: TypeCatalog, run: Row, prices: dict[str, Decimal]) -> list[Row]:
    """One seat per track of the run's type; paid seats cost what the course charges for that seat type."""
    seats = []
    for slug in types.seat_slugs_of_run_type.get(run["type_id"], []):
        seat: Row = {
            "course_run_id": run["id"],
            "type_id": types.seat_type_ids[slug],
            "currency": "USD",
            "sku": ctx.sku(),
            "created": ctx.now,
            "modified": ctx.now,
        }
        if slug in FREE_SEATS:
            seat["price"] = Decimal("0.00")
        elif slug == "credit":
            seat["price"] = ctx.price("credit")
            seat["credit_provider"] = ctx.rng.choice(CREDIT_PROVIDERS)
            seat["credit_hours"] = ctx.rng.choice([3, 4])
        else:
            seat["price"] = prices.get(slug) or ctx.price(slug)
            if slug == "verified":
                seat["upgrade_deadline"] = run["end"] - dt.timedelta(days=10)
        seats.append(seat)
    return seats


def _plan_entitlements(ctx: SeedContext, types: TypeCatalog, plan: dict[str, Any]) -> list[Row]:
    info: CourseTypeInfo = plan["info"]
    return [
        {
            "course_id": plan["course"]["id"],
            "mode_id": types.seat_type_ids[slug],
            "price": plan["prices"].get(slug) or ctx.price(slug),
            "currency": "USD",
            "sku": ctx.sku(),
            "created": ctx.now,
            "modified": ctx.now,
        }
        for slug in info.entitlement_slugs
    ]
