from django.db import migrations


def create_public_company(apps, schema_editor):
    """The row django-tenants needs for the public schema (the root domain, the public site)."""
    Company = apps.get_model("tenants", "Company")
    Company.objects.get_or_create(
        schema_name="public", defaults={"name": "Plataforma", "status": "active"}
    )


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]
    operations = [migrations.RunPython(create_public_company, migrations.RunPython.noop)]
