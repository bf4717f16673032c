"""The OpenAPI schema documents every route and method the API serves, cleanly and truthfully."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

API_PREFIXES = ("/api/v1/", "/api/v2/")
IGNORED_METHODS = {"head", "options", "trace"}
# The Publisher dispatcher (publisher_api/api/dispatch.py) is a plain view: what it adds to the read
# API's GETs on the paths it shares with it.
DISPATCHER_WRITES = {"collection": {"post"}, "detail": {"patch", "put", "delete"}}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The schema as `manage.py spectacular --validate --fail-on-warn` writes it: this fails on any warning."""
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def _template(route: str) -> str:
    """``courses/<str:identifier>/`` or ``(?P<uuid>[^/.]+)/$`` → ``courses/{}/`` (names do not matter)."""
    route = route.lstrip("^").rstrip("$").replace("\\.", ".")
    route = re.sub(r"/\?$", "/", route)  # an optional trailing slash is documented with the slash
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "{}", route)
    return re.sub(r"<(?:\w+:)?\w+>", "{}", route)


def _api_patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in resolver.url_patterns:
        route = prefix + _template(str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            yield from _api_patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield "/" + route, pattern.callback


def served_operations() -> set[tuple[str, str]]:
    """(path template, method) for every operation the URLconf serves under /api/v1/ and /api/v2/."""
    served: set[tuple[str, str]] = set()
    patterns = list(_api_patterns(get_resolver()))
    paths = {path for path, _ in patterns}
    for path, callback in patterns:
        if not path.startswith(API_PREFIXES) or "format" in path:
            continue
        if f"{path}/" in paths:
            continue  # the same endpoint, also served without its trailing slash for clients that omit it
        if callback.__name__.endswith("_read_write"):
            kind = "detail" if path.endswith("{}/") else "collection"
            # A detail path takes the writes its dispatcher was given (people/ has no DELETE).
            writes = {method.lower() for method in callback.detail_writes} if kind == "detail" else set()
            served |= {(path, method) for method in DISPATCHER_WRITES[kind] & (writes or DISPATCHER_WRITES[kind])}
            continue
        view_class = getattr(callback, "cls", None)
        assert view_class is not None and issubclass(view_class, APIView), f"{path} is not a DRF view"
        actions = getattr(callback, "actions", None)
        methods = set(actions) if actions else {m for m in view_class.http_method_names if hasattr(view_class, m)}
        served |= {(path, method) for method in methods - IGNORED_METHODS}
    return served


def documented_operations(schema: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (re.sub(r"\{\w+\}", "{}", path), method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method != "parameters"
    }


def test_every_route_and_method_is_documented(schema: dict[str, Any]) -> None:
    served = served_operations()

    assert ("/api/v1/courses/{}/", "patch") in served  # the walk sees the Publisher writes
    assert served - documented_operations(schema) == set()
    assert documented_operations(schema) - served == set()


def test_publisher_writes_have_bodies_and_real_status_codes(schema: dict[str, Any]) -> None:
    for collection, answer in (("courses", "Course"), ("course_runs", "CourseRun")):
        detail = next(path for path in schema["paths"] if re.fullmatch(rf"/api/v1/{collection}/\{{\w+\}}/", path))
        create = schema["paths"][f"/api/v1/{collection}/"]["post"]
        patch, put, delete = (schema["paths"][detail][method] for method in ("patch", "put", "delete"))

        assert create["requestBody"]["required"] is True
        assert set(create["responses"]) == {"201", "400", "401", "403", "413"}
        assert create["responses"]["201"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{answer}"
        }
        for operation in (patch, put):
            assert "requestBody" in operation
            assert {"200", "400", "401", "403", "404", "412"} <= set(operation["responses"])
            assert "If-Match" in {parameter["name"] for parameter in operation["parameters"]}
        assert set(delete["responses"]) == {"204", "400", "401", "403", "404", "412"}
        assert "content" not in delete["responses"]["204"]


def test_errors_have_a_documented_shape(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            for code, response in responses.items():
                if code.startswith("4"):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.rsplit("/", 1)[1] in components
    assert components["Error"]["required"] == ["detail"]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_is_defined(schema: dict[str, Any]) -> None:
    defined = {f"#/components/schemas/{name}" for name in schema["components"]["schemas"]}

    assert "#/components/schemas/SizedImage" in set(_refs(schema))
    assert set(_refs(schema)) - defined == set()


def test_answers_do_not_promise_uri_format(schema: dict[str, Any]) -> None:
    """Links that were never set are answered as "", which is not a URI (see drop_uri_format_from_answers)."""
    answers = {name: component for name, component in schema["components"]["schemas"].items()}
    answers = {name: component for name, component in answers.items() if not name.endswith("Request")}

    assert "format: uri" not in yaml.safe_dump(answers)
    assert "format: uri" not in yaml.safe_dump([operation["responses"] for operation in _operations(schema)])
    # Request bodies keep the format: Publisher validates the links it is given.
    assert schema["components"]["schemas"]["VideoInputRequest"]["properties"]["src"]["format"] == "uri"


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for operations in schema["paths"].values() for m, op in operations.items() if m != "parameters"]
