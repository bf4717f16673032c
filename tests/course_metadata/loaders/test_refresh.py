"""refresh_course_metadata against a local LMS and e-commerce on a real socket (tests/.../fake_services.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from course_metadata.loaders.http import ApiClient, ClientCredentials, FetchFailed, join
from course_metadata.models import ChangeLogEntry, Course, CourseEntitlement, CourseRun, Partner, Seat
from course_metadata.services.drafts import course_run_draft_update
from tests.course_metadata.loaders.fake_services import (
    ECOMMERCE_COURSES,
    ECOMMERCE_PRODUCTS,
    LMS_COURSES,
    FakeServices,
    ecommerce_course,
    entitlement_product,
    lms_run,
    serving,
)
from tests.factories import CourseFactory, CourseRunFactory, OrganizationFactory, PartnerFactory

pytestmark = pytest.mark.django_db

# 7 courses, 13 runs: three LMS pages of 5 (the loader asks for 50; the fake server is told 5 below).
RUNS = [(f"Org{i // 2 % 3}X", f"C{i // 2}", f"{i % 2 + 1}T2030") for i in range(12)] + [("Org9X", "SOLO", "1T2030")]


@pytest.fixture
def services() -> Iterator[FakeServices]:
    state = FakeServices(
        lms_runs=[lms_run(*parts) for parts in RUNS],
        # Audit seats only at first: content without entitlements can only be typed "Audit Only".
        ecommerce_courses=[ecommerce_course(f"course-v1:{o}+{n}+{r}", verified_price=None) for o, n, r in RUNS],
        stall_seconds=0.6,
    )
    with serving(state):
        yield state


@pytest.fixture
def lms_partner(services: FakeServices, settings: pytest.FixtureRequest) -> Partner:
    settings.LOADER_HTTP_TIMEOUT = 0.3  # type: ignore[attr-defined]
    settings.LOADER_HTTP_BACKOFF = 0  # type: ignore[attr-defined]
    settings.LOADER_HTTP_ATTEMPTS = 3  # type: ignore[attr-defined]
    return PartnerFactory.create(
        short_code="lms",
        lms_url=services.base_url,
        courses_api_url=f"{services.base_url}/api/courses/v1/",
        ecommerce_api_url=f"{services.base_url}/api/v2/",
        oauth2_client_id=services.client_id,
        oauth2_client_secret=services.client_secret,
    )


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    from course_metadata.loaders import ecommerce, lms

    monkeypatch.setattr(lms.CoursesApiLoader, "page_size", 5)
    monkeypatch.setattr(ecommerce.EcommerceSeatsLoader, "page_size", 5)
    monkeypatch.setattr(ecommerce.EcommerceEntitlementsLoader, "page_size", 2)


def refresh(*extra: str) -> None:
    call_command("refresh_course_metadata", "--partner_code", "lms", "--no-progress", *extra)


def test_first_load_then_an_unchanged_run_writes_nothing(services: FakeServices, lms_partner: Partner) -> None:
    refresh()
    assert Course.objects.official().filter(partner=lms_partner).count() == 7
    assert CourseRun.objects.official().filter(course__partner=lms_partner).count() == 13
    run = CourseRun.objects.get(key="course-v1:Org0X+C0+1T2030")
    assert run.course.key == "Org0X+C0"
    assert run.start == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert run.enrollment_end == dt.datetime(2030, 2, 1, tzinfo=dt.UTC)
    assert run.title_override == "Org0X C0: a course"
    assert run.course.card_image_url.endswith("block@course.jpg")
    assert list(run.course.authoring_organizations.values_list("key", flat=True)) == ["Org0X"]
    seats = {(seat.type.slug, seat.price, seat.currency, seat.sku) for seat in run.seats.all()}
    assert seats == {("audit", Decimal("0.00"), "USD", "AOrg0XC01T2030")}
    # The type matcher gave the untyped content the type its seats fit.
    assert run.course.type is not None and run.course.type.slug == "audit-only"
    assert run.type is not None and run.type.slug == "audit-only"
    # Every request carried the JWT, fetched once and reused.
    assert services.tokens_issued == 1
    assert all(query.get("username") == ["lyceum_worker"] for path, query in services.requests if path == LMS_COURSES)

    assert ChangeLogEntry.objects.filter(object_type="courserun").count() == 13
    # The second run writes nothing at all (so no change-log entry, timestamp or history row either). The
    # test runs in one transaction, where the log would coalesce entries: the statements are the evidence.
    with CaptureQueriesContext(connection) as queries:
        refresh()
    writes = [q["sql"] for q in queries if q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert len(queries) <= 7 * 7, len(queries)  # a few reads for each of the 7 pages, none per run


@pytest.mark.django_db(transaction=True)
def test_a_first_load_logs_each_course_and_run_twice(services: FakeServices, lms_partner: Partner) -> None:
    """Committed for real (each write group is its own transaction): the LMS write logs a course and its
    runs once, and the e-commerce write that adds their seats and, all its runs selling, their types, once
    more. The type match no longer writes them a third time (ADR 0124)."""
    refresh()
    courses = Course.objects.official().filter(partner=lms_partner)
    assert courses.count() == 7 and not courses.filter(type=None).exists()
    assert not CourseRun.objects.filter(course__partner=lms_partner, type=None).exists()
    for object_type, expected in (("course", 7), ("courserun", 13)):
        entries = ChangeLogEntry.objects.filter(object_type=object_type)
        assert entries.values("object_id").distinct().count() == expected
        assert entries.count() == 2 * expected, object_type
    # Each object's entries are in commit order: created by the LMS write, then changed by the e-commerce one.
    run = CourseRun.objects.get(key="course-v1:Org0X+C0+1T2030")
    logged = list(ChangeLogEntry.objects.filter(object_type="courserun", object_id=run.pk).order_by("txid", "id"))
    assert len(logged) == 2
    if connection.vendor == "postgresql":  # SQLite has no transaction ids (txid 0): commit order is id order
        assert len({entry.txid for entry in logged}) == 2
    assert run.data_modified_timestamp == logged[-1].timestamp


def test_changes_are_applied_and_seats_follow_ecommerce(services: FakeServices, lms_partner: Partner) -> None:
    refresh()
    key = "course-v1:Org0X+C0+2T2030"
    services.lms_runs[1] = lms_run("Org0X", "C0", "2T2030", start="2030-03-01T00:00:00Z", pacing="self", hidden=True)
    other = "course-v1:Org1X+C1+1T2030"
    services.ecommerce_courses[2] = ecommerce_course(other, verified_price="79.00")
    with CaptureQueriesContext(connection) as queries:
        refresh()
    run = CourseRun.objects.get(key=key, draft=False)
    assert run.start == dt.datetime(2030, 3, 1, tzinfo=dt.UTC)
    assert (run.pacing_type, run.hidden) == ("self_paced", True)
    verified = Seat.objects.get(course_run__key=other, type__slug="verified")
    assert (verified.price, verified.upgrade_deadline) == (Decimal("79.00"), dt.datetime(2030, 5, 1, tzinfo=dt.UTC))
    # Only those two runs (and the new seat, and the history of both) were written.
    updated = {q["sql"].split()[1] for q in queries if q["sql"].startswith("UPDATE")}
    assert updated == {'"course_metadata_courserun"'}, updated
    services.ecommerce_courses[2] = ecommerce_course(other, verified_price=None)
    refresh()
    assert not Seat.objects.filter(course_run__key=other, type__slug="verified").exists()
    assert Seat.objects.filter(course_run__key=other, type__slug="audit").exists()


def test_entitlements_loaded_and_unlisted_ones_deleted(services: FakeServices, lms_partner: Partner) -> None:
    refresh()
    courses = list(Course.objects.official().filter(partner=lms_partner).order_by("key"))
    services.entitlement_products = [
        entitlement_product(str(course.uuid), sku=f"E{i}") for i, course in enumerate(courses)
    ]
    refresh()
    assert CourseEntitlement.objects.official().filter(course__partner=lms_partner).count() == 7
    entitlement = CourseEntitlement.objects.get(course=courses[0])
    assert (entitlement.mode.slug, entitlement.price, entitlement.currency, entitlement.sku) == (
        "verified",
        Decimal("99.00"),
        "USD",
        "E0",
    )
    services.entitlement_products = services.entitlement_products[1:]
    refresh()
    assert not CourseEntitlement.objects.filter(course=courses[0]).exists()
    assert CourseEntitlement.objects.official().filter(course__partner=lms_partner).count() == 6


def test_transient_failures_are_retried(services: FakeServices, lms_partner: Partner) -> None:
    services.fail(LMS_COURSES, 2, "503", "timeout")
    services.fail(ECOMMERCE_COURSES, 1, "garbage")
    refresh()  # succeeds: each page answered on its last attempt
    assert CourseRun.objects.filter(course__partner=lms_partner).count() == 13
    assert Seat.objects.filter(course_run__course__partner=lms_partner).count() == 13
    assert services.count(LMS_COURSES) == 3 + 2


def test_a_failing_page_is_reported_and_the_rest_loads(
    services: FakeServices, lms_partner: Partner, capsys: pytest.CaptureFixture[str]
) -> None:
    services.fail(LMS_COURSES, 2, "500", "500", "500")
    services.fail(ECOMMERCE_PRODUCTS, 1, "garbage", "garbage", "garbage")
    with pytest.raises(CommandError, match="failures"):
        refresh()
    # Pages 1 and 3 of the LMS were loaded; page 2's five runs were not.
    assert CourseRun.objects.filter(course__partner=lms_partner).count() == 13 - 5
    err = capsys.readouterr().err
    assert "lms courses page 2: HTTP 500 (after 3 attempts)" in err
    assert "ecommerce entitlements page 1: the body is not valid JSON" in err
    out_lines = capsys.readouterr().out
    del out_lines


def test_a_page_that_disappears_between_calls_is_a_failure(services: FakeServices, lms_partner: Partner) -> None:
    services.fail(LMS_COURSES, 3, "404")
    with pytest.raises(CommandError):
        refresh()
    assert CourseRun.objects.filter(course__partner=lms_partner).count() == 10


def test_a_run_under_the_wrong_course_is_refused(services: FakeServices, lms_partner: Partner) -> None:
    organization = OrganizationFactory.create(partner=lms_partner, key="Org0X")
    other = CourseFactory.create(partner=lms_partner, authoring_organization=organization, number="OTHER")
    stray = CourseRunFactory.create(course=other, key="course-v1:Org0X+OTHER+1T2030")
    # Data written before the run-key rule existed (every write path refuses it now).
    CourseRun.objects.filter(pk=stray.pk).update(key="course-v1:Org0X+C0+1T2030")
    with pytest.raises(CommandError):
        refresh()
    assert CourseRun.objects.get(key="course-v1:Org0X+C0+1T2030").course == other
    assert CourseRun.objects.filter(course__partner=lms_partner).count() == 13


def test_a_draft_being_edited_keeps_the_authors_changes(services: FakeServices, lms_partner: Partner) -> None:
    refresh()
    key = "course-v1:Org0X+C0+1T2030"
    official = CourseRun.objects.get(key=key, draft=False)
    draft = course_run_draft_update(course_run=official, fields={"title_override": "The author's title"})
    services.lms_runs[0] = lms_run("Org0X", "C0", "1T2030", end="2031-01-01T00:00:00Z", name="Studio's title")
    refresh()
    draft.refresh_from_db()
    official.refresh_from_db()
    assert official.end == draft.end == dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    assert official.title_override == "Studio's title"
    assert draft.title_override == "The author's title"  # the author's value stays; publishing reports the conflict
    # A value only the loader changed is not a conflict the next time.
    services.lms_runs[0] = lms_run("Org0X", "C0", "1T2030", end="2031-02-01T00:00:00Z", name="Studio's title")
    refresh()
    draft.refresh_from_db()
    assert draft.end == dt.datetime(2031, 2, 1, tzinfo=dt.UTC)


def test_unknown_partner_is_named() -> None:
    with pytest.raises(CommandError, match="No partner 'nope'"):
        call_command("refresh_course_metadata", "--partner_code", "nope", "--no-progress")


def test_token_is_cached_until_it_expires(services: FakeServices) -> None:
    now = [0.0]
    services.token_lifetime = 600
    credentials = ClientCredentials(
        token_url=join(services.base_url, "oauth2/access_token"),
        client_id=services.client_id,
        client_secret=services.client_secret,
        clock=lambda: now[0],
    )
    client = ApiClient(credentials=credentials, timeout=2, backoff=0)
    client.get_json(join(services.base_url, LMS_COURSES))
    now[0] = 500.0
    client.get_json(join(services.base_url, LMS_COURSES))
    assert services.tokens_issued == 1
    now[0] = 560.0  # inside the renewal margin
    client.get_json(join(services.base_url, LMS_COURSES))
    assert services.tokens_issued == 2


def test_bad_credentials_say_what_to_fix(services: FakeServices) -> None:
    credentials = ClientCredentials(
        token_url=join(services.base_url, "oauth2/access_token"), client_id="x", client_secret="y"
    )
    with pytest.raises(FetchFailed, match="oauth2_client_id"):
        ApiClient(credentials=credentials, timeout=2).get_json(join(services.base_url, LMS_COURSES))


def test_the_periodic_task_refreshes_every_partner(services: FakeServices, lms_partner: Partner) -> None:
    from course_metadata.tasks.loading import refresh_course_metadata

    result = refresh_course_metadata.delay().get()
    # 7 courses, 13 runs and 13 seats created, 7 courses typed.
    assert result == {"changed": 7 + 13 + 13 + 7, "failures": 0}
    assert refresh_course_metadata.delay().get() == {"changed": 0, "failures": 0}


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_loader_that_fills_the_tables_refreshes_the_planners_statistics(
    services: FakeServices, lms_partner: Partner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Freshly filled tables look nearly empty to the planner until autovacuum analyzes them; a loader that
    # wrote many rows analyzes them itself, so the next pages and the next refresh are planned on real sizes.
    from course_metadata.loaders import refresh as refreshing

    monkeypatch.setattr(refreshing, "STATISTICS_AFTER_ROWS", 10)

    def analyzed(queries: CaptureQueriesContext) -> list[str]:
        return [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]

    with CaptureQueriesContext(connection) as first:
        refresh()
    assert analyzed(first) and "course_metadata_courserun" in analyzed(first)[0]
    with CaptureQueriesContext(connection) as second:
        refresh()  # unchanged: nothing written, so nothing analyzed
    assert analyzed(second) == []
