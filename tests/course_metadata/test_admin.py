"""The admin serves every registered model, and changelists cost a constant number of queries."""

from __future__ import annotations

import functools
import importlib
import itertools
import pkgutil
from collections.abc import Callable
from typing import Any

import factory
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from taggit.models import Tag
from waffle.models import Flag, Sample, Switch

import tests.factories as factories
from catalog.models import ContentMetadata
from catalog.services.refresh import content_refresh
from course_metadata.models import ChangeLogEntry, ConsumerCursor, Course, Track

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
OUR_MODELS = [model for model in REGISTERED if model._meta.app_label == "course_metadata"]

_numbers = itertools.count()


def _all_factories() -> dict[type[Model], Callable[[], Any]]:
    """Every DjangoModelFactory in any module of tests/factories (other areas add their own modules)."""
    found: dict[type[Model], Callable[[], Any]] = {}
    for module_info in pkgutil.iter_modules(factories.__path__):
        module = importlib.import_module(f"{factories.__name__}.{module_info.name}")
        for value in vars(module).values():
            is_factory = isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory)
            if is_factory and value._meta.model is not None and value.__module__ == module.__name__:
                # The most general factory of a model wins (ProgramFactory, not DegreeFactory, for Program).
                found.setdefault(value._meta.model, value)
    return found


# One way to make a row of each registered model.
FACTORY_BY_MODEL = _all_factories()
FACTORY_BY_MODEL.update(
    {
        Group: factories.GroupFactory,
        User: factories.UserFactory,
        Track: lambda: Track.objects.first(),
        Tag: lambda: Tag.objects.create(name=f"machine learning-{next(_numbers)}"),
        Flag: lambda: Flag.objects.create(name=f"demo_flag-{next(_numbers)}"),
        Sample: lambda: Sample.objects.create(name=f"demo_sample-{next(_numbers)}", percent=50),
        Switch: lambda: Switch.objects.create(name=f"demo_switch-{next(_numbers)}"),
        ConsumerCursor: lambda: ConsumerCursor.objects.create(name=f"demo-consumer-{next(_numbers)}"),
        ChangeLogEntry: lambda: factories.CourseFactory() and ChangeLogEntry.objects.first(),
        ContentMetadata: lambda: _content_document(),
    }
)


def _content_document() -> ContentMetadata:
    """A course's catalog document, built the way the catalog consumer builds it."""
    course = factories.CourseRunFactory().course
    content_refresh(course_ids=[course.pk], now=timezone.now())
    return ContentMetadata.objects.filter(course_id=course.pk).first()  # type: ignore[return-value]


def _publisher_row(model_name: str) -> Model:
    """Publisher role assignments and events, for the PUBLISHER_EDITOR role its data migration ships."""
    role = apps.get_model("publisher_api", "PublisherRole").objects.first()
    fields = {"user": factories.UserFactory(), "role": role}
    if model_name == "PublisherRoleEvent":
        fields["action"] = "granted"
    return apps.get_model("publisher_api", model_name).objects.create(**fields)


for _name in ("PublisherRoleAssignment", "PublisherRoleEvent"):
    if apps.is_installed("publisher_api"):
        FACTORY_BY_MODEL[apps.get_model("publisher_api", _name)] = functools.partial(_publisher_row, _name)


def make_row(model: type[Model]) -> Model:
    make = FACTORY_BY_MODEL.get(model)
    row = make() if make is not None else model._default_manager.first()
    if row is None:
        pytest.skip(f"no factory or existing row for {model._meta.label}")
    return row


def admin_url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def label(model: type[Model]) -> str:
    return model._meta.label


def test_every_course_metadata_model_is_registered() -> None:
    expected = {
        model
        for model in apps.get_app_config("course_metadata").get_models()
        # Historical tables are browsed through their model's History button; the Tagged* tables are
        # taggit's through rows, edited as the tags field of the object they tag.
        if not model.__name__.startswith(("Historical", "Tagged"))
    }

    assert expected - set(admin.site._registry) == set()


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_changelist_and_add_pages(admin_client: Client, model: type[Model]) -> None:
    make_row(model)

    changelist = admin_client.get(admin_url(model, "changelist"))
    add = admin_client.get(admin_url(model, "add"))

    assert changelist.status_code == 200
    can_add = admin.site._registry[model].has_add_permission(changelist.wsgi_request)
    assert add.status_code == (200 if can_add else 403)


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_change_page(admin_client: Client, model: type[Model]) -> None:
    row = make_row(model)

    response = admin_client.get(admin_url(model, "change", row.pk))

    assert response.status_code == 200
    assert escape(str(row)) in response.content.decode()


@pytest.mark.parametrize("model", [m for m in OUR_MODELS if hasattr(m, "history")], ids=label)
def test_history_page(admin_client: Client, model: type[Model]) -> None:
    row = make_row(model)

    response = admin_client.get(admin_url(model, "history", row.pk))

    assert response.status_code == 200


def test_course_object_permissions_page(admin_client: Client, course: Course) -> None:
    response = admin_client.get(admin_url(Course, "permissions", course.pk))

    assert response.status_code == 200


def test_course_changelist_query_count_does_not_grow(
    admin_client: Client, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    factories.CourseFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(admin_url(Course, "changelist")).status_code == 200

    factories.CourseFactory.create_batch(20, draft=True)
    with django_assert_max_num_queries(len(few)):
        response = admin_client.get(admin_url(Course, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 22


@pytest.mark.parametrize("model", [m for m in OUR_MODELS if m in FACTORY_BY_MODEL], ids=label)
def test_every_changelist_query_count_does_not_grow(
    admin_client: Client, model: type[Model], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    make_row(model)
    with CaptureQueriesContext(connection) as one_row:
        admin_client.get(admin_url(model, "changelist"))

    for _ in range(6):
        make_row(model)
    with django_assert_max_num_queries(len(one_row)):
        response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200


def test_draft_flag_is_a_list_filter_on_draftable_models(admin_client: Client, course: Course) -> None:
    factories.CourseFactory(partner=course.partner, authoring_organization__key="edX", number="CS101", draft=True)

    everything = admin_client.get(admin_url(Course, "changelist"))
    drafts = admin_client.get(admin_url(Course, "changelist") + "?draft__exact=1")

    assert everything.context["cl"].result_count == 2
    assert [row.draft for row in drafts.context["cl"].result_list] == [True]


def test_course_number_is_read_only_once_the_course_exists(admin_client: Client, course: Course) -> None:
    response = admin_client.get(admin_url(Course, "change", course.pk))

    assert "number" not in response.context["adminform"].form.fields
    assert "number" in admin_client.get(admin_url(Course, "add")).context["adminform"].form.fields


def test_the_course_form_places_every_field_in_exactly_one_section(admin_client: Client, course: Course) -> None:
    """Fieldsets decide what the form edits: a field left out of them would silently disappear from the page."""
    course_admin = admin.site._registry[Course]
    request = admin_client.get(admin_url(Course, "change", course.pk)).wsgi_request
    assert course_admin.fieldsets is not None
    placed = [name for _title, options in course_admin.fieldsets for name in options["fields"]]
    # What the admin would show without fieldsets: every editable field, then the read-only ones.
    every_field = [
        *course_admin.get_form(request, course, fields=None).base_fields,
        *course_admin.get_readonly_fields(request, course),
    ]
    assert sorted(placed) == sorted(set(every_field))
    assert len(placed) == len(set(placed))


def test_the_course_change_page_shows_its_sections(admin_client: Client, course: Course) -> None:
    page = admin_client.get(admin_url(Course, "change", course.pk)).content.decode()
    headings = ["Identity", "Marketing copy", "Media and branding", "Organizations", "Taxonomy", "Enrollment"]
    positions = [page.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert 'name="title"' in page and 'name="full_description"' in page


def _course_add_form(organization_pks: list[int], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": "CS202",
        "title": "Data Structures",
        "authoring_organizations": organization_pks,
        "enrollment_count": 0,
        "recent_enrollment_count": 0,
        "watchers": "[]",
        "enterprise_subscription_opt_in": "on",
    }
    for prefix in ("course_runs", "entitlements", "url_slug_history", "editors"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(overrides)
    return data


def test_adding_a_course_derives_its_key_from_the_first_authoring_organization(
    admin_client: Client, organization: Any
) -> None:
    data = _course_add_form([organization.pk], partner=organization.partner_id)

    response = admin_client.post(admin_url(Course, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    course = Course.objects.get(number="CS202")
    assert course.key == "edX+CS202"
    assert list(course.authoring_organizations.all()) == [organization]


def test_adding_a_course_needs_an_authoring_organization(admin_client: Client, organization: Any) -> None:
    response = admin_client.post(admin_url(Course, "add"), _course_add_form([], partner=organization.partner_id))

    assert response.status_code == 200
    assert "authoring_organizations" in response.context["adminform"].form.errors
    assert not Course.objects.exists()


def test_adding_a_course_with_an_existing_key_is_refused(admin_client: Client, course: Course) -> None:
    organization = course.authoring_organizations.get()
    data = _course_add_form([organization.pk], partner=course.partner_id, number=course.number)

    response = admin_client.post(admin_url(Course, "add"), data)

    assert response.status_code == 200
    assert "number" in response.context["adminform"].form.errors
    assert Course.objects.count() == 1
