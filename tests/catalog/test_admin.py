"""Catalog admin: the query form field (JSON or Lucene) with errors naming the key, saving through the
services, and the membership preview."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.admin import CatalogForm
from catalog.models import Catalog, CatalogQueryIndex
from tests.catalog.conftest import make_course
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(SuperuserFactory())
    return client


def test_the_form_names_the_bad_key():
    form = CatalogForm(data={"title": "X", "query": '{"org__nope": "edX"}'})
    assert not form.is_valid()
    assert str(form.errors["query"][0]).startswith("org__nope:")  # the message (the stubs allow a ValidationError)
    lucene = CatalogForm(data={"title": "X", "query": "org:edX AND level_type:Advanced"})
    assert lucene.is_valid(), lucene.errors
    assert lucene.cleaned_data["query"] == "org:edX AND level_type:Advanced"
    broken = CatalogForm(data={"title": "X", "query": '{"org": '})
    assert not broken.is_valid()
    assert "does not parse" in broken.errors["query"][0]


def test_adding_through_the_admin_builds_the_index_and_previews_membership(admin_client, run_consumer, commit):
    make_course(org_key="edX", runs=[{}])
    run_consumer()
    response = admin_client.post(
        "/admin/catalog/catalog/add/", {"title": "Admin made", "query": '{"org": "edX"}', "include_archived": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    catalog = Catalog.objects.get(title="Admin made")
    assert CatalogQueryIndex.objects.filter(catalog=catalog, field="org", value="edX").exists()
    commit()
    page = admin_client.get(f"/admin/catalog/catalog/{catalog.pk}/change/")
    assert page.status_code == 200
    assert "2 stored members; the query selects 2 of 2 documents now." in page.content.decode()
    edited = admin_client.post(
        f"/admin/catalog/catalog/{catalog.pk}/change/", {"title": "Admin made", "query": '{"org__bad": 1}'}
    )
    assert edited.status_code == 200
    assert "org__bad:" in edited.content.decode()
    permissions = admin_client.get(f"/admin/catalog/catalog/{catalog.pk}/permissions/")
    assert permissions.status_code == 200


def test_the_enterprise_fields_are_edited_through_the_services(admin_client):
    response = admin_client.post("/admin/catalog/catalog/add/", {"title": "Enterprise", "query": '{"org": "edX"}'})
    assert response.status_code == 302, response.content.decode()[:2000]
    catalog = Catalog.objects.get(title="Enterprise")
    assert catalog.enabled_course_modes == [] and catalog.catalog_query_uuid is not None
    edited = admin_client.post(
        f"/admin/catalog/catalog/{catalog.pk}/change/",
        {
            "title": "Enterprise",
            "query": '{"org": "edX"}',
            "enterprise_customer_name": "Acme",
            "enabled_course_modes": '["verified"]',
            "publish_audit_enrollment_urls": "on",
        },
    )
    assert edited.status_code == 302, edited.content.decode()[:2000]
    catalog.refresh_from_db()
    assert (catalog.enterprise_customer_name, catalog.enabled_course_modes) == ("Acme", ["verified"])
    assert catalog.publish_audit_enrollment_urls is True
    assert catalog.content_version == 2  # the items' enrollment URLs changed
    bad = admin_client.post(
        f"/admin/catalog/catalog/{catalog.pk}/change/",
        {"title": "Enterprise", "query": '{"org": "edX"}', "enabled_course_modes": '{"a": 1}'},
    )
    assert bad.status_code == 200 and "course mode slugs" in bad.content.decode()


def test_the_preview_lists_the_selected_courses_a_page_at_a_time(
    admin_client, run_consumer, commit, django_assert_max_num_queries
):
    from catalog.admin import PREVIEW_PAGE_SIZE

    for number in range(PREVIEW_PAGE_SIZE + 3):
        make_course(org_key="edX", number=f"P{number:03d}", runs=[{}])
    make_course(org_key="MITx", number="M1", runs=[{}])
    run_consumer()
    catalog = Catalog.objects.create(title="edX only", query={"org": "edX"})
    url = f"/admin/catalog/catalog/{catalog.pk}/change/"

    first = admin_client.get(url).content.decode()
    preview = first[first.index('id="catalog-preview"') :]
    assert f"Courses the query selects ({PREVIEW_PAGE_SIZE + 3})" in preview
    assert "edX+P000" in preview and f"edX+P{PREVIEW_PAGE_SIZE - 1:03d}" in preview
    assert f"edX+P{PREVIEW_PAGE_SIZE:03d}" not in preview and "MITx+M1" not in preview
    assert "Page 1 of 2" in preview

    second = admin_client.get(f"{url}?preview_page=2").content.decode()
    assert f"edX+P{PREVIEW_PAGE_SIZE + 2:03d}" in second and "edX+P000<" not in second
    assert "Page 2 of 2" in second
    # A page costs the same whatever the page size: one count, one page of courses with partner and type.
    with django_assert_max_num_queries(40) as captured:
        admin_client.get(url)
    few = len(captured)
    for number in range(5):
        make_course(org_key="edX", number=f"Q{number:03d}", runs=[{}])
    run_consumer()
    with django_assert_max_num_queries(few):
        admin_client.get(url)
