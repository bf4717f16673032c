"""API errors are JSON, as the OpenAPI schema documents them, wherever they come from."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/course_editors/1.5/",  # <int:pk> does not match
        "/api/v1/organizations/a.b/",  # the router's lookup excludes dots
        "/api/v1/no-such-endpoint/",
    ],
)
def test_an_api_path_no_route_matches_answers_json_404(api_client: APIClient, staff_user: User, path: str) -> None:
    api_client.force_authenticate(staff_user)

    response = api_client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_other_paths_keep_the_html_page(api_client: APIClient, db: None) -> None:
    response = api_client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_error_of_the_catalog_csv_is_json(api_client: APIClient, staff_user: User) -> None:
    anonymous = api_client.get("/api/v1/catalogs/1/csv/")
    api_client.force_authenticate(staff_user)
    missing = api_client.get("/api/v1/catalogs/999999/csv/")

    assert anonymous.status_code == 401
    assert missing.status_code == 404
    for response in (anonymous, missing):
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {"detail"}
