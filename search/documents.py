"""Search documents, built from the read API's own representations (ADR 0023, ADR 0080).

Each object is loaded with the read API's selectors and described with its serializer functions
(``course_data``, ``course_run_data``, ``program_data``, ``person_data``, ``learner_pathway_data``); the
search fields are then read off that representation, and the few computed ones (enrollable, paid seat,
upgrade deadline) come from the same run rules (``course_metadata.selectors.course_runs``). No field of the
read API is declared a second time here: a document is a projection of what the API shows.

What is indexed (course-discovery's rules): official rows only, never drafts; runs of a marketable run type
(or none), hidden and unpublished ones included (``contains`` and catalog queries see them, as in
course-discovery); all programs; active learner pathways; published people. The search endpoints then keep
to what is published and not hidden (``search.api.visibility``).

Every batch costs a fixed number of queries, whatever its size.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import F
from django.utils import timezone

from course_metadata.api.v1.serializers.common import ReadContext, dt_string, language_name
from course_metadata.api.v1.serializers.courses import course_data
from course_metadata.api.v1.serializers.people import person_data
from course_metadata.api.v1.serializers.programs import program_data
from course_metadata.models import Course, CourseRun, LearnerPathway, Partner, Person, Program
from course_metadata.selectors import course_runs as rules
from course_metadata.selectors.courses import complete_courses, course_rows
from course_metadata.selectors.pathways import learner_pathway_list
from course_metadata.selectors.people import person_list
from course_metadata.selectors.programs import complete_programs, program_list
from dbkit.rows import Row
from search import schema
from search.backends.base import Document

BATCH = 500


@functools.cache
def _fields(content_type: str) -> tuple[tuple[str, bool], ...]:
    """The schema fields of a content type (name, multi-valued), which every document of it carries."""
    return tuple((field.name, field.multi) for field in schema.fields_of([content_type]))


def _doc(content_type: str, uuid: Any, body: dict[str, Any]) -> Document:
    body["content_type"] = content_type
    body["uuid"] = str(uuid)
    body["aggregation_uuid"] = f"{content_type}:{uuid}"
    for name, multi in _fields(content_type):
        if name not in body:
            body[name] = [] if multi else None
    return Document(id=body["aggregation_uuid"], content_type=content_type, body=body)


def _org_label(org: dict[str, Any]) -> str:
    """course-discovery's ``"KEY: Name"`` form of an organization in documents."""
    return f"{org['key']}: {org['name']}"


def _run_org(key: str) -> str:
    return key.split(":", 1)[-1].split("+", 1)[0]


def _run_number(key: str) -> str | None:
    parts = key.split(":", 1)[-1].split("+")
    return parts[1] if len(parts) > 1 else None


def _person_name(person: dict[str, Any]) -> str:
    return " ".join(part for part in (person.get("given_name"), person.get("family_name")) if part)


def _partners() -> dict[int, str]:
    return dict(Partner.objects.values_list("pk", "short_code"))


def _paid_seat(run: Row, now: dt.datetime) -> Row | None:
    """The first paid seat still on sale (the one ``first_enrollable_paid_seat_price`` prices)."""
    if not rules.is_enrollable(run, now):
        return None
    for seat in run["seats"]:
        deadline = seat["upgrade_deadline_override"] or seat["upgrade_deadline"]
        if seat["type_slug"] in rules.PAID_SEAT_TYPES and seat["price"] > 0 and (deadline is None or deadline > now):
            return seat
    return None


def _upgradeable(run: Row, now: dt.datetime) -> bool:
    """Current (started, not ended) with a paid seat whose upgrade deadline is still ahead."""
    started = run["start"] is not None and run["start"] <= now and not rules.has_ended(run, now)
    if not started:
        return False
    for seat in run["seats"]:
        deadline = seat["upgrade_deadline_override"] or seat["upgrade_deadline"]
        if seat["type_slug"] in rules.PAID_SEAT_TYPES and deadline is not None and deadline > now:
            return True
    return False


def _paid_deadline(run: Row) -> str | None:
    deadlines = [
        seat["upgrade_deadline_override"] or seat["upgrade_deadline"]
        for seat in run["seats"]
        if seat["type_slug"] in rules.PAID_SEAT_TYPES
    ]
    found = [deadline for deadline in deadlines if deadline is not None]
    return dt_string(max(found)) if found else None


def _text(*parts: Any) -> str:
    flat: list[str] = []
    for part in parts:
        if isinstance(part, list | tuple):
            flat.extend(str(item) for item in part if item)
        elif part:
            flat.append(str(part))
    return "\n".join(flat)


def _course_fields(course: Row, data: dict[str, Any]) -> dict[str, Any]:
    """The fields a course and each of its runs share (course-discovery's BaseCourseDocument)."""
    owners = data["owners"]
    sponsors = data["sponsors"]
    authoring = [_org_label(org) for org in owners]
    sponsoring = [_org_label(org) for org in sponsors]
    image = data.get("image") or {}
    return {
        "title": data["title"],
        "short_description": data["short_description"],
        "full_description": data["full_description"],
        "outcome": data["outcome"],
        "image_url": image.get("src"),
        "authoring_organizations": authoring,
        "authoring_organization_uuids": [org["uuid"] for org in owners],
        "authoring_organization_bodies": owners,
        "sponsoring_organizations": sponsoring,
        "organizations": sorted(set(authoring + sponsoring)),
        "subjects": [subject["name"] for subject in data["subjects"]],
        "subject_uuids": [subject["uuid"] for subject in data["subjects"]],
        "level_type": data["level_type"],
        "skill_names": data["skill_names"],
        "skills": data["skills"],
        "topics": data["topics"],
    }


def course_documents(course_ids: Sequence[int], *, now: dt.datetime | None = None) -> list[Document]:
    """Documents of these official courses and of their runs (a fixed number of queries)."""
    now = now or timezone.now()
    if not course_ids:
        return []
    rows = list(course_rows(Course.objects.official().filter(pk__in=list(course_ids)).order_by("pk")))
    complete_courses(rows, runs=rules.course_runs().official().exclude(type__is_marketable=False))
    partners = _partners()
    context = ReadContext(now=now)
    documents: list[Document] = []
    for course in rows:
        data = course_data(course, context)
        runs: list[Row] = course["runs"]
        run_data = data["course_runs"]
        shared = _course_fields(course, data)
        partner = partners.get(course["partner_id"], "")
        program_types = sorted({program["type"] for program in data["programs"] if program.get("type")})
        staff_names = sorted({_person_name(person) for run in run_data for person in run.get("staff", [])})
        prices = [rules.first_enrollable_paid_seat_price(run, now) for run in runs]
        ends = [run["end"] for run in runs if run["end"] is not None]
        documents.append(
            _doc(
                schema.COURSE,
                course["uuid"],
                {
                    **shared,
                    "aggregation_key": f"course:{course['key']}",
                    "key": course["key"],
                    "partner": partner,
                    "card_image_url": data["card_image_url"],
                    "marketing_url": data["marketing_url"],
                    "org": _run_org(runs[0]["key"]) if runs else None,
                    "availability": [run["availability"] for run in run_data],
                    "course_runs": [run["key"] for run in runs],
                    "course_run_details": [
                        {
                            key: run.get(key)
                            for key in (
                                "key",
                                "enrollment_start",
                                "enrollment_end",
                                "go_live_date",
                                "start",
                                "end",
                                "availability",
                                "status",
                                "pacing_type",
                                "min_effort",
                                "max_effort",
                                "weeks_to_complete",
                                "is_enrollable",
                            )
                        }
                        | {"enrollment_mode": run.get("type"), "first_enrollable_paid_seat_price": price or 0.0}
                        for run, price in zip(run_data, prices, strict=True)
                    ],
                    "start": [run["start"] for run in run_data if run["start"]],
                    "end": [run["end"] for run in run_data if run["end"]],
                    "end_date": dt_string(max(ends)) if ends else None,
                    "course_ends": "Future" if any(end > now for end in ends) or not ends else "Past",
                    "enrollment_start": [run["enrollment_start"] for run in run_data if run["enrollment_start"]],
                    "enrollment_end": [run["enrollment_end"] for run in run_data if run["enrollment_end"]],
                    "languages": sorted({name for run in runs if (name := language_name(run["content_language"]))}),
                    "modified": data["modified"],
                    "prerequisites": data["prerequisites"],
                    "expected_learning_items": data["expected_learning_items"],
                    "status": sorted({run["status"] for run in runs}),
                    "seat_types": sorted({seat["type_slug"] for run in runs for seat in run["seats"]}),
                    "first_enrollable_paid_seat_price": next((p for p in prices if p is not None), None),
                    "course_type": data["course_type"],
                    "enterprise_subscription_inclusion": data["enterprise_subscription_inclusion"],
                    "external_course_marketing_type": (data.get("additional_metadata") or {}).get(
                        "external_course_marketing_type"
                    ),
                    "product_source": (data.get("product_source") or {}).get("slug"),
                    "program_types": program_types,
                    "text": _text(course["key"], shared["organizations"], shared["subjects"], staff_names),
                },
            )
        )
        for run, rep in zip(runs, run_data, strict=True):
            documents.append(_run_document(run, rep, course, shared, partner, program_types, now))
    return documents


def _run_document(
    run: Row,
    rep: dict[str, Any],
    course: Row,
    shared: dict[str, Any],
    partner: str,
    program_types: list[str],
    now: dt.datetime,
) -> Document:
    staff = rep.get("staff", [])
    seat = _paid_seat(run, now)
    language = rep.get("content_language_search_facet_name")
    image = rep.get("image") or {}
    body = {
        **shared,
        "aggregation_key": f"courserun:{course['key']}",
        "key": run["key"],
        "course_key": course["key"],
        "partner": partner,
        "title": rep["title"],
        "short_description": rep["short_description"],
        "full_description": rep.get("full_description"),
        "outcome": rep.get("outcome"),
        "image_url": image.get("src") or shared["image_url"],
        "marketing_url": rep["marketing_url"],
        "org": _run_org(run["key"]),
        "number": _run_number(run["key"]),
        "availability": rep["availability"],
        "announcement": rep.get("announcement"),
        "start": rep["start"],
        "end": rep["end"],
        "enrollment_start": rep["enrollment_start"],
        "enrollment_end": rep["enrollment_end"],
        "go_live_date": rep.get("go_live_date"),
        "status": run["status"],
        "published": run["status"] == "published",
        "hidden": run["hidden"],
        "is_enrollable": rules.is_enrollable(run, now),
        "is_active": rules.is_marketable(run) and rules.is_enrollable(run, now) and not rules.has_ended(run, now),
        "has_enrollable_seats": bool(run["seats"]) and rules.is_enrollable(run, now),
        "has_enrollable_paid_seats": seat is not None,
        "first_enrollable_paid_seat_price": rules.first_enrollable_paid_seat_price(run, now),
        "first_enrollable_paid_seat_sku": seat["sku"] if seat is not None else None,
        "is_current_and_still_upgradeable": _upgradeable(run, now),
        "paid_seat_enrollment_end": _paid_deadline(run),
        "language": [language] if language else [],
        "transcript_languages": rep.get("transcript_languages_search_facet_names", []),
        "pacing_type": run["pacing_type"],
        "mobile_available": run["mobile_available"],
        "min_effort": run["min_effort"],
        "max_effort": run["max_effort"],
        "weeks_to_complete": run["weeks_to_complete"],
        "license": run["license"],
        "slug": run["slug"],
        "staff_uuids": [person["uuid"] for person in staff],
        "staff": [_person_name(person) for person in staff],
        "program_types": program_types,
        "type": rep.get("type"),
        "run_type": rep.get("run_type"),
        "seat_types": sorted({seat_row["type_slug"] for seat_row in run["seats"]}),
        "fixed_price_usd": float(run["fixed_price_usd"]) if run["fixed_price_usd"] is not None else None,
        "text": _text(
            run["key"], shared["organizations"], shared["subjects"], [_person_name(person) for person in staff]
        ),
    }
    return _doc(schema.COURSE_RUN, run["uuid"], body)


def program_documents(program_ids: Sequence[int], *, now: dt.datetime | None = None) -> list[Document]:
    now = now or timezone.now()
    if not program_ids:
        return []
    rows = list(program_list().filter(pk__in=list(program_ids)).order_by("pk"))
    complete_programs(rows)
    partners = dict(Program.objects.filter(pk__in=program_ids).values_list("pk", F("partner__short_code")))
    context = ReadContext(now=now)
    documents = []
    for program in rows:
        data = program_data(program, context)
        runs = [run for course in data["courses"] for run in course["course_runs"]]
        authoring = [_org_label(org) for org in data["authoring_organizations"]]
        credit = [_org_label(org) for org in data["credit_backing_organizations"]]
        starts = sorted(run["start"] for run in runs if run.get("start"))
        weeks = [run["weeks_to_complete"] for run in runs if run.get("weeks_to_complete")]
        body = {
            "aggregation_key": f"program:{program['uuid']}",
            "partner": partners.get(program["pk"]) or "",
            "title": data["title"],
            "subtitle": data["subtitle"],
            "overview": data["overview"],
            "type": data["type"],
            "status": data["status"],
            "published": data["status"] == "active",
            "hidden": data["hidden"],
            "marketing_url": data["marketing_url"],
            "card_image_url": data["card_image_url"],
            "authoring_organizations": authoring,
            "authoring_organization_bodies": data["authoring_organizations"],
            "authoring_organization_uuids": [org["uuid"] for org in data["authoring_organizations"]],
            "credit_backing_organizations": credit,
            "organizations": authoring + credit,
            "seat_types": sorted({seat["type"] for run in runs for seat in run.get("seats", [])}),
            "language": sorted(
                {
                    name
                    for course in program["courses"]
                    for run in course["runs"]
                    if (name := language_name(run["content_language"]))
                }
            ),
            "start": starts[0] if starts else None,
            "weeks_to_complete_min": min(weeks) if weeks else None,
            "weeks_to_complete_max": max(weeks) if weeks else None,
            "min_hours_effort_per_week": data["min_hours_effort_per_week"],
            "max_hours_effort_per_week": data["max_hours_effort_per_week"],
            "is_program_eligible_for_one_click_purchase": data["is_program_eligible_for_one_click_purchase"],
            "excluded_from_search": data["excluded_from_search"],
            "excluded_from_seo": data["excluded_from_seo"],
            "course_run_statuses": data["course_run_statuses"],
            "skill_names": [],
            "text": _text(authoring, credit, [course["key"] for course in data["courses"]]),
        }
        documents.append(_doc(schema.PROGRAM, program["uuid"], body))
    return documents


def person_documents(person_ids: Sequence[int], *, now: dt.datetime | None = None) -> list[Document]:
    if not person_ids:
        return []
    rows: list[Any] = list(person_list().filter(pk__in=list(person_ids), published=True).order_by("pk"))
    ids = [row["pk"] for row in rows]
    partners = dict(Person.objects.filter(pk__in=ids).values_list("pk", F("partner__short_code")))
    organizations: dict[int, set[str]] = defaultdict(set)
    staffing = CourseRun.staff.through.objects.filter(
        person_id__in=ids, courserun__draft=False, courserun__course__authoring_organizations__isnull=False
    ).values_list("person_id", "courserun__course__authoring_organizations__key")
    for person_id, key in staffing:
        organizations[person_id].add(key)
    context = ReadContext(now=now or timezone.now())
    documents = []
    for row in rows:
        data = person_data(row, context)
        position = data.get("position") or {}
        body = {
            "aggregation_key": f"person:{row['uuid']}",
            "partner": partners.get(row["pk"]) or "",
            "full_name": _person_name(data),
            "salutation": data.get("salutation"),
            "bio": data.get("bio"),
            "profile_image_url": data.get("profile_image_url"),
            "position": [part for part in (position.get("title"), position.get("organization_override")) if part],
            "organizations": sorted(organizations.get(row["pk"], ())),
            "text": _text(_person_name(data), position.get("title"), position.get("organization_name")),
        }
        documents.append(_doc(schema.PERSON, row["uuid"], body))
    return documents


def pathway_documents(pathway_ids: Sequence[int], *, now: dt.datetime | None = None) -> list[Document]:
    """Active learner pathways. Their documents hold only the pathway's own fields, so they are read from
    the selector's rows without its steps (whose prefetch, with every course's runs, is what the pathway
    endpoint's time estimates need and costs seconds here)."""
    if not pathway_ids:
        return []
    pathways = list(
        learner_pathway_list()
        .prefetch_related(None)
        .filter(pk__in=list(pathway_ids))
        .select_related("partner")
        .order_by("pk")
    )
    documents = []
    for pathway in pathways:
        body = {
            "aggregation_key": f"learnerpathway:{pathway.uuid}",
            "partner": pathway.partner.short_code if pathway.partner else "",
            "title": pathway.title,
            "overview": pathway.overview,
            "status": [pathway.status],
            "published": True,
            "visible_via_association": pathway.visible_via_association,
            "created": dt_string(pathway.created),
            "card_image_url": pathway.card_image_url or None,
            # course-discovery aggregates its nodes' skills from a taxonomy service Lyceum does not have.
            "skill_names": [],
            "skills": [],
            "text": "",
        }
        documents.append(_doc(schema.LEARNER_PATHWAY, pathway.uuid, body))
    return documents


def _ids(queryset: Any) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def all_sources() -> list[tuple[str, list[int]]]:
    """Every indexable object, as (kind, primary keys): what ``update_index`` builds."""
    return [
        ("course", _ids(Course.objects.official())),
        ("program", _ids(Program.objects.all())),
        ("person", _ids(Person.objects.filter(published=True))),
        ("learnerpathway", _ids(LearnerPathway.objects.filter(status=LearnerPathway.Status.ACTIVE))),
    ]


def indexable_exists(content_type: str) -> bool:
    """Whether the database has at least one object of ``content_type`` that the index should hold."""
    if content_type == schema.COURSE:
        return Course.objects.official().exists()
    if content_type == schema.COURSE_RUN:
        runs = rules.course_runs().official().exclude(type__is_marketable=False)
        return bool(runs.filter(course__draft=False).exists())
    if content_type == schema.PROGRAM:
        return Program.objects.exists()
    if content_type == schema.PERSON:
        return Person.objects.filter(published=True).exists()
    if content_type == schema.LEARNER_PATHWAY:
        return LearnerPathway.objects.filter(status=LearnerPathway.Status.ACTIVE).exists()
    raise ValueError(f"not a content type: {content_type!r}")


BUILDERS = {
    "course": course_documents,
    "program": program_documents,
    "person": person_documents,
    "learnerpathway": pathway_documents,
}


def build(kind: str, ids: Sequence[int], *, now: dt.datetime | None = None) -> list[Document]:
    return BUILDERS[kind](ids, now=now)


def batches(ids: Sequence[int], size: int = BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def documents_of(kind: str, ids: Iterable[int]) -> list[Document]:
    found: list[Document] = []
    for batch in batches(sorted(set(ids))):
        found += build(kind, batch)
    return found
