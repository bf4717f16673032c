"""Partners' OAuth2 client secrets are stored encrypted (ADR 0072): the column becomes text holding Fernet
tokens, and secrets stored in plain text before are encrypted in place (and decrypted back on reversal)."""

from django.db import migrations

import dbkit.encrypted


def _stored(apps, schema_editor):
    Partner = apps.get_model("course_metadata", "Partner")
    table = schema_editor.quote_name(Partner._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, oauth2_client_secret FROM {table} WHERE oauth2_client_secret <> ''")
        return cursor.fetchall()


def _write(schema_editor, rows):
    table = schema_editor.quote_name("course_metadata_partner")
    with schema_editor.connection.cursor() as cursor:
        for pk, value in rows:
            cursor.execute(f"UPDATE {table} SET oauth2_client_secret = %s WHERE id = %s", [value, pk])


def encrypt_plain_secrets(apps, schema_editor):
    rows = _stored(apps, schema_editor)
    _write(
        schema_editor,
        [(pk, value if value.startswith(dbkit.encrypted.TOKEN_PREFIX) else dbkit.encrypted.encrypt(value)) for pk, value in rows],
    )


def decrypt_secrets(apps, schema_editor):
    rows = _stored(apps, schema_editor)
    _write(schema_editor, [(pk, dbkit.encrypted.decrypt(value)) for pk, value in rows])


class Migration(migrations.Migration):

    dependencies = [
        ('course_metadata', '0006_translatable_names'),
    ]

    operations = [
        migrations.AlterField(
            model_name='partner',
            name='oauth2_client_secret',
            field=dbkit.encrypted.EncryptedTextField(blank=True, verbose_name='OAuth2 client secret'),
        ),
        migrations.RunPython(encrypt_plain_secrets, decrypt_secrets),
    ]
