"""User-facing strings are marked for translation, and the API answers in the request's language (ADR 0160)."""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from django.apps import apps
from django.conf import settings
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


# --- every user-facing message is marked ------------------------------------------------------------

SCANNED_PACKAGES = (*PROJECT_APPS, "eventbus", "lyceum_admin", "settings")
# Messages only operators read, in logs and task results, which stay English (ADR 0163): the loaders'
# fetch failures, the event bus's transport errors, the index swap's safety check, internal invariants.
OPERATOR_ONLY = (
    "course_metadata/loaders/",
    "eventbus/producer.py",
    "eventbus/consumers.py",
    "eventbus/redis_consumer.py",
    "eventbus/parking.py",
    "search/indexing.py",
    "catalog/query/tree.py",
    "course_metadata/selectors/query_strings.py",
)
# The catalog query language reports bad input with ValueError; its messages are the API's 400s.
USER_FACING_VALUE_ERRORS = ("catalog/query/",)
GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
# Helpers that take a message for the user: the search API's ``bad(name, message)``, forms' and admins'.
MESSAGE_HELPERS = {"bad", "add_error", "message_user"}
BUILTIN_EXCEPTIONS = {
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
}


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_message(node: ast.expr) -> bool:
    """A literal that reads as a sentence (a space and some letters), not a key, name or format like '%(x)s'."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(str(part.value) for part in node.values if isinstance(part, ast.Constant))
    else:
        return False
    return " " in text.strip() and len(re.findall(r"[A-Za-z]", text)) >= 3


def _literal_messages(node: ast.expr) -> Iterator[ast.expr]:
    """Sentence literals in an error's arguments that no gettext call wraps (dict keys are names, not text)."""
    if isinstance(node, ast.Constant | ast.JoinedStr):
        if _is_message(node):
            yield node
    elif isinstance(node, ast.Call):
        if _callee(node) in GETTEXT_CALLS:
            return
        if _callee(node) == "format" and isinstance(node.func, ast.Attribute) and _is_message(node.func.value):
            yield node.func.value
        for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
            yield from _literal_messages(argument)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _literal_messages(value)
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        for element in node.elts:
            yield from _literal_messages(element)
    elif isinstance(node, ast.BinOp):
        yield from _literal_messages(node.left)
    elif isinstance(node, ast.IfExp):
        yield from _literal_messages(node.body)
        yield from _literal_messages(node.orelse)


def _project_modules() -> list[tuple[str, ast.Module]]:
    return [
        (str(path.relative_to(ROOT)), ast.parse(path.read_text()))
        for package in SCANNED_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _project_exceptions(modules: list[tuple[str, ast.Module]]) -> set[str]:
    """Names of the project's exception classes (``BadParameter``, ``QueryError``...), to a fixed point."""
    known = BUILTIN_EXCEPTIONS | {"APIException", "ValidationError", "ParseError", "NotFound", "PermissionDenied"}
    found: set[str] = set()
    classes = [node for _path, tree in modules for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    grew = True
    while grew:
        grew = False
        for node in classes:
            bases = {_callee(ast.Call(func=base, args=[], keywords=[])) for base in node.bases}
            if node.name not in found and bases & (known | found):
                found.add(node.name)
                grew = True
    return found


def unmarked_messages(path: str, tree: ast.Module, project_exceptions: set[str]) -> list[str]:
    """Error messages built from a plain literal: an exception's, or one handed to a message helper."""
    found = []
    for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
        name = _callee(call)
        is_error = name.endswith(("Error", "Exception", "NotFound", "PermissionDenied", "Throttled"))
        if not (is_error or name in project_exceptions or name in MESSAGE_HELPERS):
            continue
        if name in BUILTIN_EXCEPTIONS and not (name == "ValueError" and path.startswith(USER_FACING_VALUE_ERRORS)):
            continue  # a programming error's message (TypeError, RuntimeError...) is for developers
        arguments = [*call.args, *(k.value for k in call.keywords if k.arg in (None, "detail", "message", "msg"))]
        found += [
            f"{path}:{node.lineno}: {ast.unparse(node)[:90]}" for arg in arguments for node in _literal_messages(arg)
        ]
    return found


def test_every_error_message_for_users_is_marked_for_translation() -> None:
    modules = _project_modules()
    project_exceptions = _project_exceptions(modules)
    unmarked = [
        message
        for path, tree in modules
        if not path.startswith(OPERATOR_ONLY)
        for message in unmarked_messages(path, tree, project_exceptions)
    ]
    assert unmarked == [], "wrap these in gettext (named %(placeholders)s), then `make messages`:\n" + "\n".join(
        unmarked
    )


@pytest.mark.parametrize(
    "source",
    [
        'raise ValidationError({"q": [f"Unknown field {name!r}."]})',
        'raise NotFound("No such catalog.")',
        'raise bad("page", "Give a page number.")',
        'raise BadParameter(f"{value} is not an id.")',
        'self.add_error("number", f"The course {key} already exists.")',
        'raise CommandError("No partner {}.".format(code))',
    ],
)
def test_the_scan_finds_an_unmarked_message(source: str) -> None:
    tree = ast.parse(f"class BadParameter(ValueError): ...\n{source}")
    assert len(unmarked_messages("catalog/api/views.py", tree, {"BadParameter"})) == 1


@pytest.mark.parametrize(
    "source",
    [
        'raise ValidationError({"q": [_("Unknown field %(name)r.") % {"name": name}]})',
        'raise NotFound(gettext_lazy("No such catalog."))',
        'raise TypeError(f"cannot store {value!r}")',  # a programming error, for developers
        'raise ValidationError({"course_run_key": "%(message)s"})',  # no sentence in it
    ],
)
def test_the_scan_passes_a_marked_message_or_a_developer_error(source: str) -> None:
    assert unmarked_messages("catalog/api/views.py", ast.parse(source), set()) == []


@pytest.mark.parametrize("po_file", sorted(ROOT.glob("*/locale/es/LC_MESSAGES/django.po")), ids=str)
def test_every_marked_string_has_a_spanish_translation(po_file: Path) -> None:
    """`make messages` adds each newly marked string untranslated; the Spanish must be written before merging."""
    catalog = polib.pofile(str(po_file))
    missing = [entry.msgid for entry in catalog if not entry.obsolete and (not entry.translated() or entry.fuzzy)]
    assert missing == [], f"translate these in {po_file.relative_to(ROOT)}:\n" + "\n".join(missing)


def test_every_package_with_marked_strings_has_a_spanish_catalog() -> None:
    packages = {path.relative_to(ROOT).parts[0] for path in ROOT.glob("*/locale/es/LC_MESSAGES/django.po")}
    assert packages == set(SCANNED_PACKAGES)


# --- the API answers in the request's language -------------------------------------------------------


def test_the_locale_middleware_reads_the_request_language_after_the_session() -> None:
    middleware = list(settings.MIDDLEWARE)
    locale = middleware.index("django.middleware.locale.LocaleMiddleware")
    assert middleware.index("django.contrib.sessions.middleware.SessionMiddleware") < locale
    assert locale < middleware.index("django.middleware.common.CommonMiddleware")
    assert {code for code, _name in settings.LANGUAGES} == {"en", "es"}


SPANISH_400S = [
    pytest.param(
        "/api/v1/search/all/",
        {"page": "x"},
        {"page": ["'x' no es un número entero de 1 a 10000."]},
        id="search-page",
    ),
    pytest.param(
        "/api/v1/search/all/",
        {"ordering": "colour"},
        {"ordering": ["No se puede ordenar por 'colour'; use uno de: start, aggregation_key."]},
        id="search-ordering",
    ),
    pytest.param(
        "/api/v1/course_runs/",
        {"include_restricted": "nope"},
        {"include_restricted": ["'nope' no es uno de: custom-b2b-enterprise, custom-b2c."]},
        id="course-runs-restriction",
    ),
    pytest.param(
        "/api/v1/catalog-queries/get_query_by_hash/",
        {},
        {"hash": ["Debe indicar al menos uno de los siguientes parámetros de consulta: hash."]},
        id="enterprise-query-by-hash",
    ),
]


@pytest.mark.parametrize(("path", "query", "spanish"), SPANISH_400S)
def test_representative_400s_come_out_in_spanish(
    client_of_staff: APIClient, path: str, query: dict[str, str], spanish: dict[str, list[str]]
) -> None:
    answer = client_of_staff.get(path, query, HTTP_ACCEPT_LANGUAGE="es")
    assert (answer.status_code, answer.json()) == (400, spanish)
    assert answer["Content-Language"] == "es"
    english = client_of_staff.get(path, query, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and english.json() != spanish


def test_a_catalog_query_error_comes_out_in_spanish(client_of_staff: APIClient) -> None:
    answer = client_of_staff.post(
        "/api/v1/catalogs/",
        {"title": "Bad", "query": {"colour": "red"}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert answer.status_code == 400
    assert answer.json() == {"query": ["colour: campo desconocido 'colour'"]}


def test_a_search_query_syntax_error_comes_out_in_spanish(client_of_staff: APIClient) -> None:
    answer = client_of_staff.get("/api/v1/search/all/", {"q": "title:(python"}, HTTP_ACCEPT_LANGUAGE="es")
    assert answer.status_code == 400
    assert answer.json()["q"][0].startswith("la consulta termina demasiado pronto")


def test_an_unknown_api_path_is_a_spanish_404(client_of_staff: APIClient) -> None:
    answer = client_of_staff.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="es")
    assert (answer.status_code, answer.json()) == (404, {"detail": "No encontrado."})


def test_the_admin_speaks_spanish_when_asked(client: Any, db: None) -> None:
    client.force_login(User.objects.create_superuser("editora", "editora@example.org", "x"))
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Cursos y ediciones" in index and "Edición del catálogo" in index
    form = client.get("/admin/course_metadata/course/add/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert ">Identidad</h2>" in form and ">Textos de marketing</h2>" in form
    assert "Los campos marcados con" in form
