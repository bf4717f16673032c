"""Every field and nested key of the consumer contract is served with its JSON type.

``contract/`` holds a copy of the contract files (the fields consumers of the existing service read).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

CONTRACT_DIR = Path(__file__).parent / "contract"

ENDPOINTS = {
    "courses.json": "/api/v1/courses/",
    "course_runs.json": "/api/v1/course_runs/",
    "programs.json": "/api/v1/programs/",
}


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def type_matches(value: Any, expected: str) -> bool:
    """``null`` in the contract means "not set in the sample": any value (or null) is fine there."""
    if expected == "null":
        return True
    options = [option.strip() for option in expected.split("|")]
    for option in options:
        if option.startswith("array of "):
            element = option.removeprefix("array of ")
            if isinstance(value, list) and value and all(json_type(item) == element for item in value):
                return True
        elif json_type(value) == option:
            return True
    return False


def load(name: str) -> dict[str, Any]:
    return json.loads((CONTRACT_DIR / name).read_text())


def seeded_result(body: dict[str, Any], catalog: Any, contract_file: str) -> dict[str, Any]:
    """The fully populated object of the seeded catalog, found by its identity (never "the first result",
    which depends on what else the database holds)."""
    if contract_file == "programs.json":
        return next(result for result in body["results"] if result["uuid"] == str(catalog.program.uuid))
    if contract_file == "courses.json":
        return next(result for result in body["results"] if result["key"] == catalog.course.key)
    return next(result for result in body["results"] if result["key"] == catalog.course_run.key)


@pytest.mark.parametrize("contract_file", sorted(ENDPOINTS))
def test_every_contract_field_has_its_type(contract_file: str, catalog: Any, api: APIClient) -> None:
    contract = load(contract_file)
    body = api.get(ENDPOINTS[contract_file]).json()

    assert list(body) == contract["list_envelope"]
    result = seeded_result(body, catalog, contract_file)
    missing = [name for name in contract["fields"] if name not in result]
    assert missing == []
    wrong = {
        name: (contract["types"][name], json_type(result[name]))
        for name in contract["fields"]
        if not type_matches(result[name], contract["types"][name])
    }
    assert wrong == {}


@pytest.mark.parametrize("contract_file", sorted(ENDPOINTS))
def test_every_nested_key_is_present(contract_file: str, catalog: Any, api: APIClient) -> None:
    contract = load(contract_file)
    result = seeded_result(api.get(ENDPOINTS[contract_file]).json(), catalog, contract_file)

    for name, keys in contract["nested"].items():
        value = result[name]
        items = value if isinstance(value, list) else [value]
        assert items, f"{name} is empty in the seeded catalog"
        for item in items:
            assert isinstance(item, dict), name
            assert sorted(set(keys) - set(item)) == [], name


def test_course_detail_has_the_list_fields(catalog: Any, api: APIClient) -> None:
    contract = load("courses.json")
    detail = api.get(f"/api/v1/courses/{catalog.course.key}/").json()

    assert sorted(set(contract["fields"]) - set(detail)) == []
