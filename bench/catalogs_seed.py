"""Data for bench_catalogs.py: 200,000 synthetic course and run documents written with COPY, a realistic
mix of catalog queries, and a real course (ORM rows) for the incremental measurement."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

SEED = 20240301
COURSES = 50_000
RUNS_PER_COURSE = 3
ORGS = [f"Org{index:03d}" for index in range(200)]
SUBJECTS = [f"Subject {index:02d}" for index in range(60)]
LEVELS = ["Introductory", "Intermediate", "Advanced"]
NOW = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


def _run_dates(rng: random.Random) -> tuple[dt.datetime, dt.datetime, str]:
    roll = rng.random()
    if roll < 0.4:
        start = NOW - dt.timedelta(days=rng.randint(200, 900))
        availability = "Archived"
    elif roll < 0.7:
        start = NOW - dt.timedelta(days=rng.randint(1, 40))
        availability = "Current"
    elif roll < 0.8:
        start = NOW + dt.timedelta(days=rng.randint(1, 59))
        availability = "Starting Soon"
    else:
        start = NOW + dt.timedelta(days=rng.randint(61, 300))
        availability = "Upcoming"
    return start, start + dt.timedelta(weeks=rng.randint(4, 12)), availability


def synthetic_documents(rng: random.Random) -> Iterator[tuple[str, int, str, uuid.UUID, str, int, dict[str, Any]]]:
    """(content_type, object_id, key, uuid, parent key, course id, document) for every course and run."""
    rank = {"Current": 0, "Starting Soon": 1, "Upcoming": 2, "Archived": 3}
    for course_id in range(1, COURSES + 1):
        partner = "edx" if course_id <= COURSES // 2 else "mitx"
        org = ORGS[course_id % len(ORGS)]
        key = f"{org}+C{course_id:05d}"
        subjects = rng.sample(SUBJECTS, rng.randint(1, 3))
        level = rng.choice(LEVELS)
        course_type = rng.choice(["verified-audit", "audit", "professional"])
        common: dict[str, Any] = {
            "partner": partner,
            "org": org,
            "organizations": [org],
            "level_type": level,
            "subjects": sorted(subjects),
            "course_type": course_type,
            "enterprise_subscription_inclusion": rng.random() < 0.3,
        }
        runs: list[dict[str, Any]] = []
        for number in range(1, RUNS_PER_COURSE + 1):
            start, end, availability = _run_dates(rng)
            price = rng.choice([None, 0, 49, 99, 149, 199, 300]) if availability != "Archived" else None
            runs.append(
                {
                    **common,
                    "content_type": "courserun",
                    "key": f"course-v1:{org}+C{course_id:05d}+{number}T2024",
                    "aggregation_key": f"courserun:{key}",
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "availability": availability,
                    "status": "published",
                    "pacing_type": rng.choice(["instructor_paced", "self_paced"]),
                    "language": [rng.choice(["English", "English", "Spanish"])],
                    "seat_types": sorted(rng.sample(["audit", "verified", "professional"], rng.randint(1, 2))),
                    "first_enrollable_paid_seat_price": price,
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "hidden": rng.random() < 0.05,
                    "title": f"Course {course_id} run {number}",
                }
            )
        best = min(runs, key=lambda run: rank[run["availability"]])
        course_uuid = uuid.UUID(int=rng.getrandbits(128), version=4)
        yield (
            "course",
            course_id,
            key,
            course_uuid,
            "",
            course_id,
            {
                **common,
                "content_type": "course",
                "key": key,
                "aggregation_key": f"course:{key}",
                "uuid": str(course_uuid),
                "availability": best["availability"],
                "status": "published",
                "pacing_type": best["pacing_type"],
                "language": sorted({lang for run in runs for lang in run["language"]}),
                "seat_types": sorted({seat for run in runs for seat in run["seat_types"]}),
                "first_enrollable_paid_seat_price": best["first_enrollable_paid_seat_price"],
                "start": best["start"],
                "end": best["end"],
                "hidden": False,
                "title": f"Course {course_id}",
            },
        )
        for index, run in enumerate(runs):
            yield ("courserun", course_id * 10 + index, run["key"], uuid.UUID(run["uuid"]), key, course_id, run)


def seed_documents() -> dict[str, int]:
    """COPY 200,000 documents with their query columns and list rows, computed by the real store code."""
    import orjson
    from django.db import connection

    from catalog.models import ContentDocument, ContentFieldValue, ContentMetadata
    from catalog.models.content import SCALAR_COLUMNS
    from catalog.services.content import document_hash, list_values_hash, query_columns

    rng = random.Random(SEED)
    scalar = list(SCALAR_COLUMNS.values())
    columns = [
        "id", "content_type", "object_id", "content_key", "uuid", "parent_key", "course_id", "document_hash",
        "list_values_hash", "data_modified_timestamp", "next_boundary", "created", "modified", *scalar,
    ]  # fmt: skip
    counts = {"documents": 0, "list values": 0}
    documents: list[tuple[int, str]] = []
    values: list[tuple[int, str, str]] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        table = ContentMetadata._meta.db_table
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for pk, (content_type, object_id, key, content_uuid, parent, course_id, document) in enumerate(
                synthetic_documents(rng), start=1
            ):
                typed, many = query_columns(document)
                stamp = NOW - dt.timedelta(minutes=rng.randint(0, 500_000))
                copy.write_row(
                    [
                        pk, content_type, object_id, key, content_uuid, parent, course_id, document_hash(document),
                        list_values_hash(many), stamp, None, NOW, NOW, *(typed[column] for column in scalar),
                    ]
                )  # fmt: skip
                documents.append((pk, orjson.dumps(document).decode()))
                values.extend((pk, field, value) for field, value in many)
                counts["documents"] += 1
        with raw.copy(f"COPY {ContentDocument._meta.db_table} (content_id, document) FROM STDIN") as copy:
            for pair in documents:
                copy.write_row(pair)
        side = ContentFieldValue._meta.db_table
        with raw.copy(f"COPY {side} (content_id, field, value) FROM STDIN") as copy:
            for triple in values:
                copy.write_row(triple)
        counts["list values"] = len(values)
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {counts['documents']})")
        for name in (table, side, ContentDocument._meta.db_table):
            cursor.execute(f"ANALYZE {name}")
    return counts


def catalog_queries(rng: random.Random, count: int) -> list[Any]:
    """A realistic mix: organization, subject, hand-picked course, price/level, Lucene and unindexable."""
    course_keys = [f"{ORGS[i % len(ORGS)]}+C{i:05d}" for i in range(1, COURSES + 1)]
    queries: list[Any] = [
        {"partner": "edx", "content_type": ["course", "courserun"]},  # the 100,000-member catalog
        {"content_type": "course", "availability": "Current"},
    ]
    while len(queries) < count:
        roll = rng.random()
        if roll < 0.5:
            queries.append({"org": rng.choice(ORGS), "content_type": ["course", "courserun"]})
        elif roll < 0.65:
            queries.append(
                {
                    "subjects": rng.choice(SUBJECTS),
                    "availability": ["Current", "Starting Soon", "Upcoming"],
                    "content_type": "courserun",
                }
            )
        elif roll < 0.8:
            picked = rng.sample(course_keys, 40)
            queries.append({"aggregation_key": [f"course:{k}" for k in picked] + [f"courserun:{k}" for k in picked]})
        elif roll < 0.9:
            queries.append(
                {
                    "org": rng.sample(ORGS, 5),
                    "level_type": rng.choice(LEVELS),
                    "first_enrollable_paid_seat_price__lte": "150",
                    "content_type": "courserun",
                }
            )
        elif roll < 0.995:
            queries.append(f"org:{rng.choice(ORGS)} AND pacing_type:self_paced AND NOT availability:Archived")
        else:
            queries.append({"first_enrollable_paid_seat_price__gte": 299, "start__gte": "2024-06-01"})
    return queries


def create_catalogs(queries: list[Any]) -> list[Any]:
    """Catalogs and their index entries in bulk (catalog_create's work, minus one transaction each)."""
    from django.db import transaction

    from catalog.models import Catalog, CatalogQueryIndex
    from catalog.models.catalogs import validate_query
    from catalog.services.catalogs import index_entries

    for query in queries:
        validate_query(query)
    with transaction.atomic():
        catalogs = Catalog.objects.bulk_create(
            [Catalog(title=f"Bench catalog {index}", query=query) for index, query in enumerate(queries)]
        )
        rows = []
        unindexable = []
        for catalog in catalogs:
            entries = index_entries(catalog)
            rows.extend(entries)
            if not entries:
                unindexable.append(catalog.pk)
        CatalogQueryIndex.objects.bulk_create(rows, batch_size=5000)
        Catalog.objects.filter(pk__in=unindexable).update(query_unindexable=True)
    return catalogs


def real_course(org: str, number: str) -> Any:
    """A real course (ORM rows) with three runs and seats, and a program holding it."""
    from django.db import transaction

    from course_metadata.models import (
        Course,
        CourseRun,
        CourseType,
        LevelType,
        Organization,
        Partner,
        Program,
        ProgramType,
        Seat,
        SeatType,
    )
    from course_metadata.services.subscription_inclusion import subscription_inclusion_update

    with transaction.atomic():
        partner, _ = Partner.objects.get_or_create(short_code="edx", defaults={"name": "edX"})
        organization, _ = Organization.objects.get_or_create(partner=partner, key=org, defaults={"name": org})
        level, _ = LevelType.objects.get_or_create(name="Introductory")
        verified = SeatType.objects.get(slug="verified")
        course = Course.objects.create(
            partner=partner,
            key=f"{org}+{number}",
            number=number,
            title=f"Bench course {number}",
            level_type=level,
            type=CourseType.objects.order_by("pk").first(),
        )
        course.authoring_organizations.set([organization])
        for term, offset in (("1T2024", -300), ("2T2024", -10), ("3T2024", 90)):
            start = dt.datetime.now(dt.UTC) + dt.timedelta(days=offset)
            run = CourseRun.objects.create(
                course=course,
                key=f"course-v1:{org}+{number}+{term}",
                status="published",
                start=start,
                end=start + dt.timedelta(weeks=8),
                enrollment_start=start - dt.timedelta(days=30),
                enrollment_end=start + dt.timedelta(weeks=6),
            )
            Seat.objects.create(course_run=run, type=verified, price=Decimal("49.00"))
        program = Program.objects.create(partner=partner, title=f"Bench program {number}", status="active")
        program.type = ProgramType.objects.order_by("pk").first()
        program.save()
        program.courses.set([course])
        subscription_inclusion_update(courses=[course])
    return course
