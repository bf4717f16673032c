"""The admin writes rule-bearing rows through row_save, like every other write path (ADR 0010).

Django's own ``save_model``/``save_formset`` call ``save()``, which no longer applies the row rules, so every
admin of such a model, and every admin with an inline of one, must be a ``RowRulesAdminMixin``. A new admin
that forgets it fails here.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

from course_metadata.admin.base import RowRulesAdminMixin
from course_metadata.models import Course, Person
from course_metadata.rules.rows import has_row_rules
from tests.course_metadata.test_rules_rich_text import CLEAN, PAYLOAD


def test_every_admin_that_writes_rule_bearing_rows_uses_row_save() -> None:
    missing = []
    for model, model_admin in admin.site._registry.items():
        written = [model, *(inline.model for inline in model_admin.inlines)]
        if any(has_row_rules(each) for each in written) and not isinstance(model_admin, RowRulesAdminMixin):
            missing.append(type(model_admin).__name__)
    assert missing == []


@pytest.mark.django_db
def test_the_admin_cleans_rich_text_and_fills_the_slug(admin_client: Client, course: Course) -> None:
    person = Person.objects.create(partner=course.partner, given_name="Ada", family_name="Lovelace", slug="ada")
    model_admin = admin.site._registry[Person]
    request = admin_client.get("/").wsgi_request
    person.bio = PAYLOAD
    model_admin.save_model(request, person, form=None, change=True)
    assert Person.objects.get(pk=person.pk).bio == CLEAN
