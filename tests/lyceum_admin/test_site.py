"""Lyceum's admin site: its name, the index in sections, section pages, the error summary on top."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from course_metadata.models import Course
from lyceum_admin.sections import SECTIONS
from lyceum_admin.sites import LyceumAdminSite

pytestmark = pytest.mark.django_db


def test_the_admin_site_is_lyceums() -> None:
    assert isinstance(admin.site, LyceumAdminSite)


def test_every_registered_model_has_a_section() -> None:
    sectioned = {label for section in SECTIONS for label in section.models}
    registered = {model._meta.label for model in admin.site._registry}
    assert registered - sectioned == set()
    assert sectioned - registered == set(), "a section names a model that is not registered"


def test_the_index_shows_sections_in_order(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:index"))

    assert response.status_code == 200
    names = [app["name"] for app in response.context["app_list"]]
    assert names == [section.name for section in SECTIONS]
    courses = response.context["app_list"][0]
    assert [model["object_name"] for model in courses["models"][:3]] == ["Course", "CourseRun", "Seat"]
    html = response.content.decode()
    assert "<title>Catalog editing | Lyceum admin</title>" in html
    assert "Django administration" not in html


def test_a_section_has_its_own_page(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:section", kwargs={"slug": "catalogs"}))

    assert response.status_code == 200
    assert [model["object_name"] for model in response.context["app_list"][0]["models"]] == [
        "Catalog",
        "ContentMetadata",
    ]
    assert admin_client.get(reverse("admin:section", kwargs={"slug": "nope"})).status_code == 404


def test_a_user_sees_only_the_sections_they_have_models_in(client: Client, staff_user: Any) -> None:
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(Permission.objects.get(codename="view_catalog"))
    client.force_login(staff_user)

    response = client.get(reverse("admin:index"))

    assert [app["name"] for app in response.context["app_list"]] == ["Catalogs"]
    assert client.get(reverse("admin:section", kwargs={"slug": "courses"})).status_code == 404


def test_an_app_page_still_lists_the_app(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:app_list", kwargs={"app_label": "catalog"}))
    assert response.status_code == 200
    assert response.context["app_list"][0]["app_label"] == "catalog"


def test_a_missing_required_field_is_listed_on_top(admin_client: Client, organization: Any) -> None:
    data: dict[str, Any] = {
        "partner": organization.partner_id,
        "number": "CS303",
        "title": "",
        "authoring_organizations": [organization.pk],
        "enrollment_count": 0,
        "recent_enrollment_count": 0,
    }
    for prefix in ("course_runs", "entitlements", "url_slug_history", "editors"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    response = admin_client.post(reverse("admin:course_metadata_course_add"), data)

    assert response.status_code == 200
    html = response.content.decode()
    summary = html[html.index('id="error-summary"') :]
    assert '<a href="#id_title">Title</a>: This field is required.' in summary
    # The summary comes before the first field of the form.
    assert html.index('id="error-summary"') < html.index('name="partner"')
    assert 'class="required" for="id_title"' in html
    assert not Course.objects.filter(number="CS303").exists()
