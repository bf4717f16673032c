"""manage.py rebuild_catalog_membership (and rebuild_catalog_content): drift repair, dry runs, the swing guard."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Catalog, CatalogMembership, ContentDocument, ContentMetadata
from tests.catalog.conftest import make_course

pytestmark = pytest.mark.django_db


def members(catalog: Catalog) -> set[str]:
    return set(CatalogMembership.objects.filter(catalog=catalog).values_list("content__content_key", flat=True))


def rebuild(*args: str) -> str:
    out = StringIO()
    call_command("rebuild_catalog_membership", "--no-progress", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def catalogs(make_catalog, run_consumer) -> tuple[Catalog, Catalog]:
    for number in ("A1", "B2", "C3"):
        make_course(org_key="edX", number=number, runs=[{}])
    make_course(org_key="MITx", number="M1", runs=[{}])
    run_consumer()
    return make_catalog({"org": "edX", "content_type": "course"}), make_catalog({"org": "MITx"})


def test_a_rebuild_repairs_drift_and_reports_it(catalogs):
    edx, _mitx = catalogs
    expected = members(edx)
    CatalogMembership.objects.filter(catalog=edx, content__content_key="edX+A1").delete()
    stray = ContentMetadata.objects.get(content_key="MITx+M1")
    CatalogMembership.objects.create(
        catalog=edx, content=stray, date_updated=stray.data_modified_timestamp, created=stray.created
    )
    version = Catalog.objects.get(pk=edx.pk).content_version

    out = rebuild()
    assert f"{edx.uuid} " in out
    assert "+1 -1" in out
    assert "2 catalogs checked; 1 changed: +1 -1" in out
    assert members(edx) == expected
    assert Catalog.objects.get(pk=edx.pk).content_version == version + 1
    # Re-running is safe: nothing left to change.
    assert "0 changed: +0 -0" in rebuild()


def test_a_dry_run_reports_without_writing(catalogs):
    edx, _ = catalogs
    CatalogMembership.objects.filter(catalog=edx).delete()
    out = rebuild("--dry-run")
    assert "would change +3 -0" in out
    assert "dry run: nothing written" in out
    assert members(edx) == set()


def test_one_catalog_by_uuid(catalogs):
    edx, mitx = catalogs
    CatalogMembership.objects.all().delete()
    rebuild("--catalog", str(mitx.uuid))
    assert members(edx) == set()
    assert members(mitx) == {"MITx+M1", "course-v1:MITx+M1+1T2024"}
    with pytest.raises(CommandError, match="No catalog"):
        rebuild("--catalog", "not-a-uuid")


def test_the_guard_refuses_a_large_swing_unless_forced(catalogs, settings):
    edx, _mitx = catalogs
    settings.CATALOG_REBUILD_GUARD_MIN_SIZE = 3
    settings.CATALOG_REBUILD_MAX_SWING = 0.5
    # A broken upstream: every edX document suddenly claims another organization.
    ContentMetadata.objects.filter(f_org="edX").update(f_org="Broken")
    with pytest.raises(CommandError, match=r"1 catalog\(s\) would swing by more than 50%"):
        rebuild()
    assert len(members(edx)) == 3
    out = rebuild("--force")
    assert "+0 -3" in out
    assert members(edx) == set()


def test_small_catalogs_are_not_guarded(catalogs, settings):
    _, mitx = catalogs
    settings.CATALOG_REBUILD_GUARD_MIN_SIZE = 100
    ContentMetadata.objects.filter(f_org="MITx").update(f_org="Broken")
    rebuild()
    assert members(mitx) == set()


def test_rebuilding_content_recreates_documents_and_membership(catalogs):
    edx, _ = catalogs
    ContentMetadata.objects.filter(content_key="edX+B2").delete()
    ContentMetadata.objects.filter(content_key="edX+C3").update(document_hash="stale")
    ContentDocument.objects.filter(content__content_key="edX+C3").update(document={"stale": True})
    out = StringIO()
    call_command("rebuild_catalog_content", "--no-progress", stdout=out)
    assert "2 created or changed" in out.getvalue()
    assert members(edx) == {"edX+A1", "edX+B2", "edX+C3"}
    assert ContentMetadata.objects.get(content_key="edX+C3").document["key"] == "edX+C3"
