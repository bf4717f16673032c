"""User-facing strings are marked for translation, and the API answers in the request's language (ADR 0160)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from rest_framework.test import APIClient

from course_metadata.api.renderers import ORJSONRenderer

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = ("course_metadata", "publisher_api", "catalog", "search")
# Fields another library's metaclass adds (edx-rbac's assignment gets ``role`` from ``role_class``).
ADDED_BY_LIBRARIES = {("PublisherRoleAssignment", "role")}


def project_models() -> list:
    return [
        model
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        # simple_history builds its models' names from ours ("historical course").
        if not model.__name__.startswith("Historical")
    ]


def inherited_from_libraries(model: type) -> set[str]:
    """Fields a model takes from another library's abstract model (taggit's ``tag``, edx-rbac's ``role``)."""
    names: set[str] = set()
    for base in model.__mro__[1:]:
        meta = getattr(base, "_meta", None)
        if meta is not None and meta.abstract and base.__module__.split(".")[0] not in PROJECT_APPS:
            names |= {field.name for field in meta.local_fields + meta.local_many_to_many}
    return names


def test_every_model_name_field_name_and_help_text_is_marked_for_translation() -> None:
    unmarked = []
    for model in project_models():
        theirs = inherited_from_libraries(model) | {
            name for owner, name in ADDED_BY_LIBRARIES if owner == model.__name__
        }
        for option in ("verbose_name", "verbose_name_plural"):
            if not isinstance(getattr(model._meta, option), Promise):
                unmarked.append(f"{model.__name__}.Meta.{option}")
        for field in model._meta.get_fields(include_parents=False):
            if field.auto_created or (not field.concrete and not field.many_to_many) or field.name in theirs:
                continue
            if not isinstance(field.verbose_name, Promise):
                unmarked.append(f"{model.__name__}.{field.name}: verbose_name={field.verbose_name!r}")
            if field.help_text and not isinstance(field.help_text, Promise):
                unmarked.append(f"{model.__name__}.{field.name}: help_text={field.help_text!r}")
    assert unmarked == [], "mark these with gettext_lazy (then `make messages`):\n" + "\n".join(unmarked)


@pytest.mark.parametrize("po_file", sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po")), ids=str)
def test_the_committed_catalogs_are_compiled(po_file: Path) -> None:
    """Each .mo holds exactly the translations of its .po: `make messages` was run after the last edit."""
    mo_file = po_file.with_suffix(".mo")
    assert mo_file.exists(), f"{mo_file} is missing: run `make messages`"
    translated = {entry.msgid: entry.msgstr for entry in polib.pofile(str(po_file)) if entry.translated()}
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(mo_file)) if entry.msgid}
    assert translated, f"{po_file} translates nothing"
    assert compiled == translated, f"{mo_file} is out of date: run `make messages`"


@pytest.fixture
def client_of_staff(db: None) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.create_user(username="reader", is_staff=True))
    return client


def test_an_api_error_comes_out_in_spanish_when_the_request_asks_for_it(client_of_staff: APIClient) -> None:
    answer = client_of_staff.get("/api/v1/courses/", {"page": "tres"}, HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert answer.status_code == 400
    assert answer.json() == {"page": ["'tres' no es un número de página (1, 2, ... o 'last')."]}
    assert answer["Content-Language"] == "es"


def test_a_body_error_comes_out_in_spanish(client_of_staff: APIClient) -> None:
    answer = client_of_staff.post(
        "/api/v1/catalogs/", data="{", content_type="application/json", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("Error al analizar el JSON: ")


@pytest.mark.parametrize("language", [None, "fr-FR,fr;q=0.9", "en-US"])
def test_without_a_catalog_for_the_language_errors_stay_in_english(
    client_of_staff: APIClient, language: str | None
) -> None:
    headers: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    answer = client_of_staff.get("/api/v1/courses/", {"page": "tres"}, **headers)
    assert answer.json() == {"page": ["'tres' is not a page number (1, 2, ... or 'last')."]}


def test_the_json_renderer_writes_a_lazy_string_as_text_in_the_active_language() -> None:
    with translation.override("es"):
        assert ORJSONRenderer().render({"detail": gettext_lazy("Not found.")}) == b'{"detail":"No encontrado."}'
