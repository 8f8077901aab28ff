"""Stored idempotent answers of webhook creation held the signing secret shown once;
the new answers leave it out, and this removes it from the ones already stored."""

from django.db import migrations


def forget_secrets(apps, schema_editor):
    IdempotentRequest = apps.get_model("api", "IdempotentRequest")
    for record in IdempotentRequest.objects.filter(path__endswith="/webhooks").iterator():
        body = record.response_body
        if isinstance(body, dict) and "secret" in body:
            del body["secret"]
            record.save(update_fields=["response_body"])


class Migration(migrations.Migration):
    dependencies = [("api", "0002_token_records_owner_powers")]

    operations = [migrations.RunPython(forget_secrets, migrations.RunPython.noop)]
