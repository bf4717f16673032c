"""Rules: a course's number never changes (reruns take ``key_for_reruns``); run slugs are title + run key.

The plain "number cannot change" and "slug combines title and key" cases are in test_models.py; these add
the rename-for-reruns path, its validation message on every path, and one slug shared by a run's draft and
official versions.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from course_metadata.models import Course
from course_metadata.services.rows import row_save
from tests.course_metadata.rules_fixtures import draft_of
from tests.factories import CourseFactory, CourseRunFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cs101() -> Course:
    return CourseFactory(authoring_organization=OrganizationFactory(key="edX"), number="CS101", title="My Course")


def test_a_course_is_renamed_for_future_runs_through_key_for_reruns(cs101: Course) -> None:
    # Guards: Course.number stays (save raises), while key_for_reruns moves new run keys.
    cs101.key_for_reruns = "edX+CS102x"
    row_save(cs101)
    rerun = CourseRunFactory(course=cs101, term="1T2025")

    cs101.refresh_from_db()
    assert (cs101.key, cs101.number) == ("edX+CS101", "CS101")
    assert rerun.key == "course-v1:edX+CS102x+1T2025"

    cs101.number = "CS102x"
    with pytest.raises(ValidationError) as error:
        row_save(cs101)
    assert error.value.message_dict["number"] == ["A course's number cannot change after it is created."]


@pytest.mark.parametrize("bad", ["edX CS102", "edX+", "+CS102", "edXCS102", "edX+CS+102", "edX+CS 102"])
def test_key_for_reruns_must_be_a_course_key_with_a_clear_message(cs101: Course, bad: str) -> None:
    # Guards: Course.validate_key_for_reruns, called from clean().
    cs101.key_for_reruns = bad

    with pytest.raises(ValidationError) as error:
        cs101.full_clean()

    message = error.value.message_dict["key_for_reruns"][0]
    assert message.startswith(f"'{bad}' is not a course key. Use the form org+number (e.g. edX+CS101x)")


def test_key_for_reruns_is_validated_on_save_too(cs101: Course) -> None:
    # Guards: the same check in row_save (loaders and services that skip full_clean()).
    cs101.key_for_reruns = "edX CS102"

    with pytest.raises(ValidationError) as error:
        row_save(cs101)

    assert "key_for_reruns" in error.value.message_dict
    assert Course.objects.get(pk=cs101.pk).key_for_reruns == ""


def test_a_run_slug_never_equals_its_course_slug(cs101: Course) -> None:
    # Guards: CourseRun.save fills a blank slug from title + run key.
    run = CourseRunFactory(course=cs101, key="course-v1:edX+CS101+2024", slug="")

    assert run.slug == "my-course-course-v1edxcs1012024"
    assert run.slug != cs101.url_slug


def test_a_run_created_for_a_draft_course_gets_the_slug_of_its_official_version(cs101: Course) -> None:
    # Guards: CourseRun.counterpart_slug — a draft run reuses its official's slug, whatever the draft title.
    official_run = CourseRunFactory(course=cs101, key="course-v1:edX+CS101+2024", slug="")
    draft = draft_of(cs101, title="My Course, Renamed")

    draft_run = CourseRunFactory(course=draft, key=official_run.key, slug="")

    assert draft_run.draft
    assert draft_run.slug == official_run.slug == "my-course-course-v1edxcs1012024"


def test_an_official_run_published_from_a_new_draft_keeps_the_draft_slug(cs101: Course) -> None:
    # Guards: the other direction — a draft-first run keeps one slug once its official row is created.
    draft = draft_of(cs101, title="My Course, Renamed")
    draft_run = CourseRunFactory(course=draft, key="course-v1:edX+CS101+3T2025", slug="")

    official_run = CourseRunFactory(course=cs101, key=draft_run.key, slug="")

    assert draft_run.slug == "my-course-renamed-course-v1edxcs1013t2025"
    assert official_run.slug == draft_run.slug
