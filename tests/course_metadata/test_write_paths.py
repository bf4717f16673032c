"""Every write path calls the subscription inclusion service itself (docs/decisions/0022-visible-write-path.rst).

No receiver derives the flags any more, so each path that changes an input has its own test: the admin
(through its HTTP forms, here), the Publisher API (through HTTP,
tests/publisher_api/test_publisher_subscription_inclusion.py) and the demo seeder
(tests/course_metadata/test_seed_catalog.py::test_subscription_flags_already_agree_with_the_rules). The
Publisher and draft services are covered through the API; the rules themselves in
tests/course_metadata/test_subscription_inclusion.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from course_metadata.models import Course, Organization
from tests.course_metadata.test_admin import _course_add_form, admin_url
from tests.factories import CourseFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def flag(obj: Any) -> bool:
    return type(obj).objects.values_list("enterprise_subscription_inclusion", flat=True).get(pk=obj.pk)


def change_form_data(client: Client, url: str, **overrides: Any) -> dict[str, Any]:
    """The data the admin's change form would post back unchanged, with ``overrides`` applied."""
    context = client.get(url).context
    data: dict[str, Any] = {}
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    for name, value in overrides.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.fixture
def included(organization: Organization) -> Organization:
    Organization.objects.filter(pk=organization.pk).update(enterprise_subscription_inclusion=True)
    organization.refresh_from_db()
    return organization


# --- admin ---------------------------------------------------------------------------------------------------


def test_admin_adding_a_course_derives_its_flag(admin_client: Client, included: Organization) -> None:
    response = admin_client.post(admin_url(Course, "add"), _course_add_form([included.pk], partner=included.partner_id))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert flag(Course.objects.get(number="CS202")) is True


def test_admin_flipping_an_organization_reaches_its_courses(admin_client: Client, included: Organization) -> None:
    course = CourseFactory(authoring_organization=included, partner=included.partner)
    assert flag(course) is True
    url = admin_url(Organization, "change", included.pk)

    response = admin_client.post(url, change_form_data(admin_client, url, enterprise_subscription_inclusion=False))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert flag(included) is False
    assert flag(course) is False


def test_admin_deleting_an_organization_recomputes_its_courses(admin_client: Client, included: Organization) -> None:
    opted_out = OrganizationFactory(partner=included.partner, enterprise_subscription_inclusion=False)
    course = CourseFactory(authoring_organizations=[included, opted_out], partner=included.partner)
    assert flag(course) is False

    response = admin_client.post(admin_url(Organization, "delete", opted_out.pk), {"post": "yes"})

    assert response.status_code == 302
    assert flag(course) is True
