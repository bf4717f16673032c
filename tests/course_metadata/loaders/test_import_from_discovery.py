"""import_from_discovery against a local server serving a course-discovery's response shapes."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from course_metadata.models import (
    Course,
    CourseRun,
    CourseType,
    Curriculum,
    Degree,
    LearnerPathway,
    Organization,
    Partner,
    Person,
    Program,
    Subject,
    Topic,
)
from tests.course_metadata.loaders.fake_services import FakeServices, serving
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

TOKEN = "discovery-token"


def u() -> str:
    return str(uuid.uuid4())


ORGS = [{"uuid": u(), "key": "HarvardX", "name": "Harvard"}, {"uuid": u(), "key": "MITx", "name": "MIT"}]
SUBJECTS = [{"uuid": u(), "name": "Computer Science", "slug": "computer-science", "subtitle": "", "description": ""}]
TOPICS = [{"uuid": u(), "name": "Python", "slug": "python", "subtitle": "", "description": "", "long_description": ""}]
PEOPLE = [
    {"uuid": u(), "given_name": "Ada", "family_name": "Lovelace", "slug": "ada-lovelace", "bio": "", "email": None},
    {"uuid": u(), "given_name": "Alan", "family_name": "Turing", "slug": "alan-turing", "bio": "", "email": None},
]
VERIFIED_AUDIT = u()
VERIFIED_AUDIT_RUN, AUDIT_RUN = u(), u()
TYPE_OPTIONS = {
    "name": "Course List",
    "actions": {
        "POST": {
            "type": {
                "type": "field",
                "type_options": [
                    {
                        "uuid": VERIFIED_AUDIT,
                        "name": "Verified and Audit",
                        "entitlement_types": ["verified"],
                        "course_run_types": [
                            {"uuid": VERIFIED_AUDIT_RUN, "name": "Verified and Audit", "modes": ["audit", "verified"]},
                            {"uuid": AUDIT_RUN, "name": "Audit Only", "modes": ["audit"]},
                        ],
                    }
                ],
            }
        }
    },
}


def seat(type_: str, price: str, sku: str) -> dict[str, Any]:
    return {
        "type": type_,
        "price": price,
        "currency": "USD",
        "upgrade_deadline": "2030-05-01T00:00:00Z" if type_ == "verified" else None,
        "upgrade_deadline_override": None,
        "credit_provider": None,
        "credit_hours": None,
        "sku": sku,
        "bulk_sku": None,
    }


def course(org: dict[str, Any], number: str, runs: int) -> dict[str, Any]:
    key = f"{org['key']}+{number}"
    run_bodies = [
        {
            "uuid": u(),
            "key": f"course-v1:{key}+{i + 1}T2030",
            "title": f"Course {number}",
            "start": f"2030-0{i + 1}-01T00:00:00Z",
            "end": "2030-12-01T00:00:00Z",
            "enrollment_start": None,
            "enrollment_end": None,
            "announcement": None,
            "go_live_date": None,
            "pacing_type": "self_paced",
            "status": "published",
            "hidden": False,
            "license": "",
            "content_language": "en-us",
            "transcript_languages": ["en-us"],
            "min_effort": 2,
            "max_effort": 4,
            "weeks_to_complete": 6,
            "mobile_available": True,
            "external_key": None,
            "reporting_type": "mooc",
            "eligible_for_financial_aid": True,
            "has_ofac_restrictions": None,
            "ofac_comment": "",
            "enrollment_count": 10,
            "recent_enrollment_count": 1,
            "staff": [{"uuid": PEOPLE[0]["uuid"], "given_name": "Ada", "email": None}],
            "run_type": VERIFIED_AUDIT_RUN,
            "type": "verified",
            "seats": [seat("audit", "0.00", f"A{number}{i}"), seat("verified", "49.00", f"V{number}{i}")],
        }
        for i in range(runs)
    ]
    return {
        "uuid": u(),
        "key": key,
        "title": f"Course {number}",
        "short_description": "<p>Short</p>",
        "full_description": "<p>Full</p>",
        "outcome": "",
        "card_image_url": "https://img.example.org/card.jpg",
        "image": {"src": "https://img.example.org/image.jpg", "description": None, "height": None, "width": None},
        "key_for_reruns": "",
        "url_slug": f"course-{number.lower().replace('.', '-')}",
        "type": VERIFIED_AUDIT,
        "course_type": "verified-audit",
        "owners": [{"uuid": org["uuid"], "key": org["key"]}],
        "sponsors": [],
        "subjects": [{"uuid": SUBJECTS[0]["uuid"], "name": "Computer Science"}],
        "topics": ["Python"],
        "entitlements": [
            {"mode": "verified", "price": "99.00", "currency": "USD", "sku": f"E{number}", "expires": None}
        ],
        "canonical_course_run_key": run_bodies[0]["key"],
        "course_runs": run_bodies,
        "enrollment_count": 10,
        "recent_enrollment_count": 1,
    }


COURSES = [course(ORGS[0], "CS50", 2), course(ORGS[1], "6.00x", 1), course(ORGS[1], "18.01x", 3)]
PROGRAMS: list[dict[str, Any]] = [
    {
        "uuid": u(),
        "title": "MIT Math",
        "subtitle": "",
        "type": "XSeries",
        "type_attrs": {"uuid": u(), "slug": "xseries", "coaching_supported": False},
        "status": "active",
        "marketing_slug": "mit-math",
        "courses": [{"uuid": COURSES[1]["uuid"]}, {"uuid": COURSES[2]["uuid"]}],
        "authoring_organizations": [{"uuid": ORGS[1]["uuid"]}],
        "hidden": False,
        "degree": None,
        "curricula": [],
    },
    {
        "uuid": u(),
        "title": "Master of Computing",
        "type": "Masters",
        "type_attrs": {"uuid": u(), "slug": "masters", "coaching_supported": False},
        "status": "active",
        "marketing_slug": "computing",
        "courses": [{"uuid": COURSES[0]["uuid"]}],
        "authoring_organizations": [{"uuid": ORGS[0]["uuid"]}],
        "degree": {
            "application_requirements": "<p>A bachelor's degree</p>",
            "apply_url": "https://apply.example.org",
            "overall_ranking": "#1",
            "costs": [{"description": "Tuition", "amount": "$10,000"}],
            "deadlines": [],
            "rankings": [],
            "specializations": ["Systems", "Theory"],
        },
        "curricula": [
            {
                "uuid": u(),
                "name": "2030 curriculum",
                "marketing_text": "",
                "marketing_text_brief": "",
                "is_active": True,
                "courses": [{"key": "HarvardX+CS50", "uuid": COURSES[0]["uuid"], "title": "", "is_active": True}],
                "programs": [],
            }
        ],
    },
]
PATHWAYS: list[dict[str, Any]] = [
    {
        "uuid": u(),
        "title": "Become a programmer",
        "status": "active",
        "overview": "",
        "banner_image": {"src": "https://img.example.org/banner.jpg"},
        "card_image": None,
        "visible_via_association": True,
        "steps": [
            {
                "uuid": u(),
                "min_requirement": 1,
                "courses": [{"content_type": "course", "key": "HarvardX+CS50", "uuid": COURSES[0]["uuid"]}],
                "programs": [{"content_type": "program", "uuid": PROGRAMS[0]["uuid"]}],
                "blocks": [],
            },
            {
                "uuid": u(),
                "min_requirement": 1,
                "courses": [],
                "programs": [],
                "blocks": [
                    {
                        "content_type": "block",
                        "block_id": "block-v1:MITx+6.00x+1T2030+type@vertical+block@intro",
                        "course_key": "MITx+6.00x",
                        "estimated_completion_time": 1.5,
                    }
                ],
            },
        ],
    }
]


@pytest.fixture
def discovery(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServices]:
    from course_metadata.loaders import discovery as module

    monkeypatch.setattr(module, "PAGE_SIZE", 2)
    state = FakeServices(
        listings={
            "/api/v1/organizations/": copy.deepcopy(ORGS),
            "/api/v1/subjects/": copy.deepcopy(SUBJECTS),
            "/api/v1/topics/": copy.deepcopy(TOPICS),
            "/api/v1/people/": copy.deepcopy(PEOPLE),
            "/api/v1/courses/": copy.deepcopy(COURSES),
            "/api/v1/programs/": copy.deepcopy(PROGRAMS),
            "/api/v1/learner-pathway/": copy.deepcopy(PATHWAYS),
        },
        options={"/api/v1/courses/": TYPE_OPTIONS},
        required_authorization=f"JWT {TOKEN}",
    )
    with serving(state):
        yield state


@pytest.fixture
def target(settings: Any) -> Partner:
    settings.LOADER_HTTP_TIMEOUT = 2
    settings.LOADER_HTTP_BACKOFF = 0
    return PartnerFactory.create(short_code="edx")


def run_import(discovery: FakeServices, token: str = TOKEN) -> None:
    call_command("import_from_discovery", "--url", discovery.base_url, "--token", token, "--no-progress")


def test_import_keeps_uuids_and_keys_and_a_rerun_writes_nothing(discovery: FakeServices, target: Partner) -> None:
    run_import(discovery)
    assert {str(o.uuid) for o in Organization.objects.filter(partner=target)} == {o["uuid"] for o in ORGS}
    assert str(Subject.objects.get(partner=target).uuid) == SUBJECTS[0]["uuid"]
    assert str(Topic.objects.get(partner=target).uuid) == TOPICS[0]["uuid"]
    assert Person.objects.count() == 2
    # The shipped type took the incumbent's uuid, so courses and runs point at it.
    assert str(CourseType.objects.get(slug="verified-and-audit").uuid) == VERIFIED_AUDIT
    cs50 = Course.objects.get(partner=target, key="HarvardX+CS50", draft=False)
    assert str(cs50.uuid) == COURSES[0]["uuid"]
    assert cs50.type is not None and cs50.type.slug == "verified-and-audit"
    assert list(cs50.authoring_organizations.values_list("key", flat=True)) == ["HarvardX"]
    assert cs50.topics.names()[0] == "Python"
    assert cs50.image_url == "https://img.example.org/image.jpg"
    assert cs50.entitlements.get().price == Decimal("99.00")
    run = CourseRun.objects.get(key="course-v1:HarvardX+CS50+2T2030")
    assert str(run.uuid) == COURSES[0]["course_runs"][1]["uuid"]
    assert run.start == dt.datetime(2030, 2, 1, tzinfo=dt.UTC)
    assert (run.status, run.pacing_type, run.min_effort) == ("published", "self_paced", 2)
    assert run.type is not None and str(run.type.uuid) == VERIFIED_AUDIT_RUN
    assert [p.given_name for p in run.staff.all()] == ["Ada"]
    assert {(s.type.slug, s.price) for s in run.seats.all()} == {("audit", Decimal("0")), ("verified", Decimal("49"))}
    assert cs50.canonical_course_run is not None and cs50.canonical_course_run.key.endswith("1T2030")
    program = Program.objects.get(uuid=str(PROGRAMS[0]["uuid"]))
    assert list(program.courses.values_list("key", flat=True)) == ["MITx+6.00x", "MITx+18.01x"]
    assert program.type is not None and program.type.slug == "xseries"
    degree = Degree.objects.get(uuid=str(PROGRAMS[1]["uuid"]))
    assert (degree.apply_url, degree.type.slug if degree.type else None) == ("https://apply.example.org", "masters")
    assert [(c.description, c.amount) for c in degree.costs.all()] == [("Tuition", "$10,000")]
    assert [s.value for s in degree.specializations.order_by("pk")] == ["Systems", "Theory"]
    curriculum = Curriculum.objects.get(program=degree)
    assert [m.course.key for m in curriculum.course_memberships.all()] == ["HarvardX+CS50"]
    pathway = LearnerPathway.objects.get(uuid=str(PATHWAYS[0]["uuid"]))
    assert pathway.banner_image_url == "https://img.example.org/banner.jpg"
    first, second = pathway.steps.order_by("sort_order")
    assert [n.course.key for n in first.courses.all()] == ["HarvardX+CS50"]
    assert [n.program.title for n in first.programs.all()] == ["MIT Math"]
    assert [(n.course.key, n.estimated_hours) for n in second.blocks.all()] == [("MITx+6.00x", 1.5)]

    with CaptureQueriesContext(connection) as queries:
        run_import(discovery)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


def test_changes_upsert_and_report(
    discovery: FakeServices, target: Partner, capsys: pytest.CaptureFixture[str]
) -> None:
    run_import(discovery)
    capsys.readouterr()
    courses = discovery.listings["/api/v1/courses/"]
    courses[0]["title"] = "CS50 renamed"
    courses[0]["course_runs"][0]["seats"] = courses[0]["course_runs"][0]["seats"][:1]  # verified seat withdrawn
    run_import(discovery)
    out = capsys.readouterr().out
    assert Course.objects.get(key="HarvardX+CS50", draft=False).title == "CS50 renamed"
    assert not CourseRun.objects.get(key="course-v1:HarvardX+CS50+1T2030").seats.filter(type__slug="verified").exists()
    seat_line = next(line for line in out.splitlines() if line.startswith("seat "))
    assert seat_line.split()[1:5] == ["0", "0", "1", "11"]  # created, updated, deleted, unchanged


def test_a_run_key_of_another_course_is_refused(discovery: FakeServices, target: Partner) -> None:
    discovery.listings["/api/v1/courses/"][1]["course_runs"][0]["key"] = "course-v1:HarvardX+CS50+9T2030"
    with pytest.raises(CommandError):
        run_import(discovery)
    assert not CourseRun.objects.filter(key="course-v1:HarvardX+CS50+9T2030").exists()
    assert not Course.objects.filter(key="MITx+6.00x").exists()  # the course is refused whole
    assert Course.objects.filter(key="MITx+18.01x").exists()  # the rest of the page loads


def test_a_bad_token_is_reported(discovery: FakeServices, target: Partner, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CommandError):
        run_import(discovery, token="wrong")
    assert "HTTP 401" in capsys.readouterr().err
    assert not Course.objects.exists()


def test_partner_must_be_named_when_there_are_several(discovery: FakeServices, target: Partner) -> None:
    PartnerFactory.create(short_code="other")
    with pytest.raises(CommandError, match="--partner_code"):
        run_import(discovery)


def test_imported_programs_ask_for_skill_tagging_as_any_other_write_would(
    discovery: FakeServices, target: Partner, django_capture_on_commit_callbacks: Any
) -> None:
    """Created active (first published here), or overview changed: announced after commit; else nothing."""
    from course_metadata.signals import program_skills_update_requested

    requested: list[str] = []

    def record(sender: Any, program_uuid: Any, **kwargs: Any) -> None:
        requested.append(str(program_uuid))

    program_skills_update_requested.connect(record)
    try:
        programs = discovery.listings["/api/v1/programs/"]
        programs[0]["overview"] = "<p>Calculus, then more calculus</p>"
        with django_capture_on_commit_callbacks(execute=True):
            run_import(discovery)
        assert sorted(requested) == sorted([PROGRAMS[0]["uuid"], PROGRAMS[1]["uuid"]])  # a program and a degree

        requested.clear()
        programs[0]["title"] = "MIT Mathematics"  # not what skills are computed from
        with django_capture_on_commit_callbacks(execute=True):
            run_import(discovery)
        assert Program.objects.get(uuid=PROGRAMS[0]["uuid"]).title == "MIT Mathematics"
        assert requested == []

        programs[0]["overview"] = "<p>Linear algebra too</p>"
        with django_capture_on_commit_callbacks(execute=True):
            run_import(discovery)
        assert requested == [PROGRAMS[0]["uuid"]]

        requested.clear()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            programs[1]["status"] = "unpublished"
            programs[0]["overview"] = "<p>Rolled back</p>"
            run_import(discovery)
        assert requested == []  # nothing is announced before the commit
        assert len(callbacks) >= 1
    finally:
        program_skills_update_requested.disconnect(record)
