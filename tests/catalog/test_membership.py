"""Membership kept current by the change-log consumer: edits, candidates only, deletions, programs."""

from __future__ import annotations

import pytest

from catalog.models import Catalog, CatalogMembership, ContentMetadata
from catalog.selectors import matching
from catalog.services import membership
from course_metadata.models import Course, CourseRun
from tests.catalog.conftest import make_course, run_keys
from tests.factories import LevelTypeFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def member_keys(catalog: Catalog) -> set[str]:
    return set(CatalogMembership.objects.filter(catalog=catalog).values_list("content__content_key", flat=True))


def version(catalog: Catalog) -> int:
    return Catalog.objects.values_list("content_version", flat=True).get(pk=catalog.pk)


def test_new_content_joins_matching_catalogs_through_the_consumer(make_catalog, run_consumer):
    edx = make_catalog({"org": "edX"})
    mitx = make_catalog({"org": "MITx"})
    course = make_course(org_key="edX", runs=[{}, {}])
    run_consumer()
    assert member_keys(edx) == {"edX+CS101", *run_keys(course)}
    assert member_keys(mitx) == set()
    assert version(edx) > edx.content_version
    assert version(mitx) == mitx.content_version


def test_editing_a_course_moves_membership_and_version_in_one_consumer_run(make_catalog, run_consumer):
    course = make_course(runs=[{}])
    run_consumer()
    intro = make_catalog({"level_type": "Introductory", "content_type": "course"})
    advanced = make_catalog({"level_type": "Advanced"})
    Course.objects.filter(pk=course.pk).update(level_type=LevelTypeFactory(name="Introductory"))
    run_consumer()
    assert member_keys(intro) == {"edX+CS101"}
    before_intro, before_advanced = version(intro), version(advanced)

    course.refresh_from_db()
    course.level_type = LevelTypeFactory(name="Advanced")
    course.save()
    run_consumer()

    assert member_keys(intro) == set()
    # The run's document embeds its course's level type, so the run moves along with the course.
    assert member_keys(advanced) == {"edX+CS101", *run_keys(course)}
    assert version(intro) == before_intro + 1
    assert version(advanced) == before_advanced + 1


def test_a_data_change_of_a_member_bumps_the_version_and_date_updated(make_catalog, run_consumer):
    course = make_course(runs=[{}])
    run_consumer()
    catalog = make_catalog({"content_type": "course", "org": "edX"})
    before = version(catalog)
    stamp = CatalogMembership.objects.get(catalog=catalog).date_updated
    course.refresh_from_db()
    course.short_description = "Now with more examples."
    course.save()
    run_consumer()
    assert member_keys(catalog) == {"edX+CS101"}
    assert version(catalog) == before + 1
    assert CatalogMembership.objects.get(catalog=catalog).date_updated > stamp


def test_a_course_change_only_evaluates_candidate_catalogs(make_catalog, run_consumer, monkeypatch):
    course = make_course(org_key="edX", runs=[{}, {}])
    run_consumer()
    for index in range(40):
        make_catalog({"org": f"Other{index}X"})
    make_catalog({"aggregation_key": ["course:edX+CS101", "course:Nope+1"]})
    make_catalog({"org": "edX", "content_type": "courserun"})
    make_catalog({"title__not": "nothing"})  # unindexable: evaluated against every change
    evaluated: list[tuple[int, str]] = []
    real_accepts = membership.accepts

    def counting(query, document):
        evaluated.append((id(query), document.document["key"]))
        return real_accepts(query, document)

    monkeypatch.setattr(membership, "accepts", counting)
    course.refresh_from_db()
    course.title = "A new title"
    course.save()
    run_consumer()

    documents = 3  # the course and its two runs
    # Course: the aggregation_key catalog, the org catalog (indexed by org) and the unindexable one;
    # each run: the org catalog and the unindexable one.
    assert len(evaluated) == 3 + 2 * 2
    assert {key for _, key in evaluated} == {"edX+CS101", *run_keys(course)}
    assert len(evaluated) < documents * Catalog.objects.count()


def test_candidate_lookup_uses_the_most_selective_field(make_catalog):
    catalog = make_catalog({"org": ["edX", "MITx"], "content_type": "course", "level_type__not": "Advanced"})
    by_type = make_catalog({"content_type": "courserun", "hidden": False})
    assert membership.candidate_catalog_ids({"org": "edX", "content_type": "course"}) == {catalog.pk}
    # The index narrows by org only; the evaluator rejects the wrong content type afterwards.
    assert membership.candidate_catalog_ids({"org": "MITx", "content_type": "courserun"}) == {catalog.pk, by_type.pk}
    assert membership.candidate_catalog_ids({"org": "HarvardX", "content_type": "course"}) == set()
    assert membership.candidate_catalog_ids({"org": ["edX", "MITx"], "content_type": "program"}) == {catalog.pk}


def test_deleting_content_removes_it_from_catalogs(make_catalog, run_consumer):
    course = make_course(runs=[{}, {}])
    run_consumer()
    catalog = make_catalog({"org": "edX"})
    assert len(member_keys(catalog)) == 3
    before = version(catalog)
    doomed = CourseRun.objects.official().filter(course=course).order_by("key").first()
    assert doomed is not None
    doomed.delete()
    run_consumer()
    assert doomed.key not in member_keys(catalog)
    assert not ContentMetadata.objects.filter(content_key=doomed.key).exists()
    assert version(catalog) > before

    Course.objects.filter(pk=course.pk).delete()
    run_consumer()
    assert member_keys(catalog) == set()
    assert not ContentMetadata.objects.filter(course_id=course.pk).exists()


def test_a_course_change_reevaluates_programs_containing_it(make_catalog, run_consumer):
    course = make_course(runs=[{"pacing_type": "self_paced"}])
    program = ProgramFactory(partner=course.partner, courses=[course])
    run_consumer()
    catalog = make_catalog({"content_type": "program", "seat_types": "professional"})
    assert member_keys(catalog) == set()
    from tests.factories import SeatFactory, SeatTypeFactory

    run = CourseRun.objects.official().get(course=course)
    SeatFactory(course_run=run, type=SeatTypeFactory(slug="professional"))
    run_consumer()
    assert member_keys(catalog) == {str(program.uuid)}


def test_draft_edits_do_not_touch_membership(make_catalog, run_consumer):
    course = make_course(runs=[{}])
    run_consumer()
    catalog = make_catalog({"org": "edX"})
    before = version(catalog)
    from course_metadata.services.drafts import course_ensure_draft

    draft = course_ensure_draft(course=course)
    draft.title = "Draft title"
    draft.save()
    run_consumer()
    assert version(catalog) == before
    assert ContentMetadata.objects.get(content_key="edX+CS101").document["title"] == course.title


def test_the_python_and_sql_rules_agree_on_built_documents(make_catalog, run_consumer):
    make_course(org_key="edX", number="A1", runs=[{}, {"hidden": True}])
    make_course(org_key="MITx", number="B2", runs=[{"pacing_type": "self_paced"}])
    run_consumer()
    queries = [
        {"org": "edX"},
        {"content_type": "courserun", "hidden": False},
        {"pacing_type__not": "self_paced"},
        "org:MITx AND content_type:courserun",
        {"availability": ["Current", "Upcoming"], "first_enrollable_paid_seat_price__lte": "100"},
    ]
    for query in queries:
        catalog = make_catalog(query)
        parsed = catalog.parsed_query
        python = {row.content_key for row in ContentMetadata.objects.all() if matching.accepts(parsed, row.document)}
        assert member_keys(catalog) == python, query
