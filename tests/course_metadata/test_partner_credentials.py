"""A partner's OAuth2 client secret is encrypted at rest and write-only in the admin (ADR 0072)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from course_metadata.models import Partner
from dbkit import encrypted
from tests.factories.users import StaffUserFactory

SECRET = "lms-oauth2-client-secret-1234567890"


def stored_column(partner: Partner) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT oauth2_client_secret FROM course_metadata_partner WHERE id = %s", [partner.pk])
        return cursor.fetchone()[0]


def change_url(partner: Partner) -> str:
    return reverse("admin:course_metadata_partner_change", args=[partner.pk])


def form_data(partner: Partner, **overrides: Any) -> dict[str, Any]:
    data = {
        field.name: getattr(partner, field.name)
        for field in Partner._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in {"uuid", "oauth2_client_secret"}
    }
    data["uses_publisher"] = "on" if partner.uses_publisher else ""
    data["oauth2_client_secret"] = ""
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def partner_with_secret(partner: Partner) -> Partner:
    partner.oauth2_client_id = "lyceum-loader"
    partner.oauth2_client_secret = SECRET
    partner.save()
    return partner


def test_the_database_holds_ciphertext_and_the_model_the_plain_secret(partner_with_secret: Partner) -> None:
    column = stored_column(partner_with_secret)
    assert SECRET not in column
    assert column.startswith(encrypted.TOKEN_PREFIX)
    assert Partner.objects.get(pk=partner_with_secret.pk).oauth2_client_secret == SECRET


def test_an_empty_secret_is_stored_empty(partner: Partner) -> None:
    assert stored_column(partner) == "" and Partner.objects.get(pk=partner.pk).oauth2_client_secret == ""


def test_keys_rotate_newest_first_and_a_lost_key_names_the_setting(partner_with_secret: Partner, settings: Any) -> None:
    settings.LYCEUM_SECRETS_KEYS = ["a-new-key-for-stored-credentials-000000", *settings.LYCEUM_SECRETS_KEYS]
    assert Partner.objects.get(pk=partner_with_secret.pk).oauth2_client_secret == SECRET  # old key still decrypts
    partner_with_secret.save()  # re-saving encrypts under the newest key
    settings.LYCEUM_SECRETS_KEYS = settings.LYCEUM_SECRETS_KEYS[:1]
    assert Partner.objects.get(pk=partner_with_secret.pk).oauth2_client_secret == SECRET
    settings.LYCEUM_SECRETS_KEYS = ["yet-another-key-that-never-encrypted-anything"]
    with pytest.raises(ImproperlyConfigured, match="LYCEUM_SECRETS_KEY"):
        Partner.objects.get(pk=partner_with_secret.pk)


def test_the_change_page_never_shows_the_secret(admin_client: Client, partner_with_secret: Partner) -> None:
    page = admin_client.get(change_url(partner_with_secret)).content.decode()
    assert SECRET not in page
    assert 'type="password"' in page
    assert "A secret is stored" in page


def test_a_blank_secret_keeps_the_stored_one(admin_client: Client, partner_with_secret: Partner) -> None:
    response = admin_client.post(change_url(partner_with_secret), form_data(partner_with_secret, name="Renamed"))
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = Partner.objects.get(pk=partner_with_secret.pk)
    assert (partner.name, partner.oauth2_client_secret) == ("Renamed", SECRET)


def test_a_typed_secret_replaces_it_and_the_box_can_remove_it(
    admin_client: Client, partner_with_secret: Partner
) -> None:
    replaced = "a-brand-new-client-secret"
    admin_client.post(change_url(partner_with_secret), form_data(partner_with_secret, oauth2_client_secret=replaced))
    assert Partner.objects.get(pk=partner_with_secret.pk).oauth2_client_secret == replaced
    admin_client.post(change_url(partner_with_secret), form_data(partner_with_secret, clear_oauth2_client_secret="on"))
    assert Partner.objects.get(pk=partner_with_secret.pk).oauth2_client_secret == ""
    page = admin_client.get(change_url(partner_with_secret)).content.decode()
    assert "No secret is stored" in page


def test_the_admin_log_and_history_name_the_field_and_never_its_value(
    admin_client: Client, partner_with_secret: Partner
) -> None:
    admin_client.post(change_url(partner_with_secret), form_data(partner_with_secret, oauth2_client_secret="rotated-1"))
    entries = " ".join(entry.change_message for entry in LogEntry.objects.all())
    assert "rotated-1" not in entries and SECRET not in entries
    history = admin_client.get(reverse("admin:course_metadata_partner_history", args=[partner_with_secret.pk]))
    assert "rotated-1" not in history.content.decode()


@pytest.mark.django_db
def test_staff_who_may_only_view_partners_see_whether_a_secret_is_set_not_what_it_is(
    partner_with_secret: Partner,
) -> None:
    viewer = StaffUserFactory.create()
    viewer.user_permissions.add(Permission.objects.get(codename="view_partner"))
    client = Client()
    client.force_login(viewer)
    response = client.get(change_url(partner_with_secret))
    assert response.status_code == 200
    page = response.content.decode()
    assert SECRET not in page
    assert "OAuth2 client secret stored" in page


def test_the_loaders_credentials_never_print_the_secret() -> None:
    from course_metadata.loaders.http import ClientCredentials

    credentials = ClientCredentials(
        token_url="https://lms.example.com/oauth2/access_token", client_id="c", client_secret=SECRET
    )
    assert SECRET not in repr(credentials) and SECRET not in str(credentials)


def test_dumpdata_writes_the_secret_encrypted_and_loaddata_restores_it(
    partner_with_secret: Partner, tmp_path: Any
) -> None:
    fixture = tmp_path / "partners.json"
    call_command("dumpdata", "course_metadata.Partner", output=str(fixture), verbosity=0)
    dumped = fixture.read_text()
    assert SECRET not in dumped
    (row,) = (row for row in json.loads(dumped) if row["pk"] == partner_with_secret.pk)
    assert row["fields"]["oauth2_client_secret"].startswith(encrypted.SERIALIZED_PREFIX + encrypted.TOKEN_PREFIX)

    Partner.objects.filter(pk=partner_with_secret.pk).update(oauth2_client_secret="overwritten")
    call_command("loaddata", str(fixture), verbosity=0)
    assert Partner.objects.get(pk=partner_with_secret.pk).oauth2_client_secret == SECRET
    assert stored_column(partner_with_secret).startswith(encrypted.TOKEN_PREFIX)


def test_a_dump_made_under_a_key_this_deployment_lacks_refuses_to_load(
    partner_with_secret: Partner, tmp_path: Any, settings: Any
) -> None:
    fixture = tmp_path / "partners.json"
    call_command("dumpdata", "course_metadata.Partner", output=str(fixture), verbosity=0)
    settings.LYCEUM_SECRETS_KEYS = ["a-key-that-never-encrypted-this-dump-000000"]
    with pytest.raises(DeserializationError, match="LYCEUM_SECRETS_KEY"):
        call_command("loaddata", str(fixture), verbosity=0)


def test_a_plain_secret_validates_unchanged(partner: Partner) -> None:
    partner.oauth2_client_secret = "typed-in-the-admin"
    partner.full_clean()
    assert partner.oauth2_client_secret == "typed-in-the-admin"
