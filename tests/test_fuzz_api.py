"""Schema fuzzing: every documented operation, called with generated input as a staff user and as a plain
user, never answers 5xx and answers what the schema says (status code, content type, headers, body).

schemathesis reads the live schema from /api-docs/schema/ and calls the WSGI application in-process, so
the requests see the test's database (PostgreSQL in CI) holding a small seeded catalog. Each operation
gets schemathesis's coverage phase (boundary and invalid values of every parameter and body field, and
methods the path does not document) and a bounded run of generated cases, valid and invalid; detail paths
are also called with seeded identifiers, so real objects are answered and written. Everything is
derandomized: the same code always sends the same requests. Every failing operation is reported, not just
the first.

schemathesis's own pytest integration (``schema.parametrize()``) does not work with this pytest, so the
operations are walked here with its public strategy and coverage APIs.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from catalog.models import Catalog
from course_metadata.models import Course, CourseRun, Organization, Program
from settings.wsgi import application
from tests.factories import StaffUserFactory, UserFactory

PASSWORD = "fuzz-password"
# Enough generated cases per operation to reach its error paths, few enough for CI's two busy cores
# (the coverage phase adds its own deterministic cases on top).
MAX_EXAMPLES = 10
CHECKS: list[Callable[..., Any]] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    # Shrinking would multiply the run time; the failing case is reported as found.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    report_multiple_bugs=False,
)


@pytest.fixture(scope="module")
def raw_schema(django_db_blocker: Any) -> dict[str, Any]:
    """The live schema, fetched once (it needs no database)."""
    with django_db_blocker.unblock():
        return dict(schemathesis.openapi.from_wsgi("/api-docs/schema/?format=json", application).raw_schema)


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Django closes the connection after each WSGI request; the test's transaction must outlive them."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def seed() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Seed a small catalog. Returns identifiers of seeded objects by the detail paths' parameter names,
    and, by create path, the references a valid body needs (so creates get past validation)."""
    call_command("seed_catalog", courses=6, organizations=2, seed=7, no_progress=True, stdout=None)
    course = Course.objects.filter(draft=False).order_by("key").first()
    course_run = CourseRun.objects.filter(draft=False).order_by("key").first()
    program = Program.objects.order_by("pk").first()
    organization = Organization.objects.order_by("pk").first()
    assert course and course_run and program and organization and course.type and course_run.type
    catalog = Catalog.objects.create(title="Fuzzed", query={"org": organization.key})
    path_parameters = {
        "key_or_uuid": course.key,
        "key": course_run.key,
        "uuid": str(program.uuid),
        "id": str(catalog.pk),
    }
    references = {
        "/api/v1/courses/": {"org": organization.key, "type": str(course.type.uuid)},
        "/api/v1/course_runs/": {"course": course.key, "run_type": str(course_run.type.uuid)},
    }
    return path_parameters, references


def with_references(case: Any, number: str, references: dict[str, str]) -> Any:
    """A generated create body with seeded references (and a valid course number) put in."""
    if isinstance(case.body, dict):
        case.body = {**case.body, **references}
        if "number" in case.body:
            case.body["number"] = number
    return case


def basic_auth(user: User) -> dict[str, str]:
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _failures(error: BaseException) -> list[BaseException]:
    return list(getattr(error, "exceptions", [error]))


def cover_operation(operation: Any, *, headers: dict[str, str]) -> list[str]:
    """schemathesis's coverage phase for one operation; one message per distinct failure."""
    api = operation.schema
    config = api.config.generation_for(operation=operation, phase="coverage")
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    found: dict[str, str] = {}
    for case in api.iter_coverage_cases(operation, generation_modes=modes, generation_config=config):
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as error:  # each distinct failure is collected and reported
            for failure in _failures(error):
                found.setdefault(type(failure).__name__, str(error))
    return list(found.values())


def fuzz_operation(
    operation: Any, *, headers: dict[str, str], seeded: dict[str, str], references: dict[str, dict[str, str]]
) -> None:
    """Generated cases for one operation, valid and invalid, and with seeded identifiers and references."""
    names = {parameter.name for parameter in operation.path_parameters}
    strategies = [operation.as_strategy(), operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)]
    if names and names <= set(seeded):
        strategies.append(operation.as_strategy(path_parameters={name: seeded[name] for name in names}))
    if operation.method.upper() == "POST" and operation.path in references:
        numbers = st.from_regex(r"[A-Za-z0-9_.~-]{1,12}", fullmatch=True)
        refs = references[operation.path]
        strategies.append(st.builds(lambda case, number: with_references(case, number, refs), strategies[0], numbers))

    @FUZZ_SETTINGS
    @given(case=st.one_of(strategies))
    def call(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()


@pytest.mark.parametrize("role", ["staff", "plain"])
def test_api_answers_as_documented(raw_schema: dict[str, Any], role: str, db: None, keep_connection: None) -> None:
    factory = StaffUserFactory if role == "staff" else UserFactory
    headers = basic_auth(factory.create(username=f"fuzz-{role}", password=PASSWORD))
    seeded, references = seed()
    api = schemathesis.openapi.from_dict(raw_schema)
    api.app = application
    operations = [result.ok() for result in api.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) > 50

    failures: list[str] = []
    for operation in operations:
        failures += [
            f"{operation.label} (coverage): {message}" for message in cover_operation(operation, headers=headers)
        ]
        try:
            fuzz_operation(operation, headers=headers, seeded=seeded, references=references)
        except (Exception, BaseExceptionGroup) as error:  # every operation's failure is collected and reported
            failures.append(f"{operation.label}: {error}")

    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures)
