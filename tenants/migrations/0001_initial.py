import django.db.models.deletion
import django_tenants.postgresql_backend.base
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Company",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("schema_name", models.CharField(db_index=True, max_length=63, unique=True, validators=[django_tenants.postgresql_backend.base._check_schema_name])),
                ("name", models.CharField(blank=True, max_length=100, verbose_name="nombre del portal")),
                ("slug", models.CharField(blank=True, max_length=63, null=True, unique=True, verbose_name="subdominio")),
                ("status", models.CharField(choices=[("spare", "Reserva"), ("active", "Activo"), ("suspended", "Suspendido")], default="spare", max_length=10, verbose_name="estado")),
                ("owner_email", models.EmailField(blank=True, max_length=254, verbose_name="email del creador")),
                ("erp_company_id", models.CharField(blank=True, max_length=64, null=True, unique=True, verbose_name="id de empresa en el ERP")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="creado")),
                ("activated_at", models.DateTimeField(blank=True, null=True, verbose_name="activado")),
            ],
            options={"verbose_name": "empresa", "verbose_name_plural": "empresas",
                     "indexes": [models.Index(fields=["status"], name="company_status_idx")]},
        ),
        migrations.CreateModel(
            name="Domain",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("domain", models.CharField(db_index=True, max_length=253, unique=True)),
                ("is_primary", models.BooleanField(db_index=True, default=True)),
                ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="domains", to="tenants.company")),
            ],
            options={"verbose_name": "dominio", "verbose_name_plural": "dominios"},
        ),
    ]
