"""The portals sweep: unconfirmed portals suspended after PORTAL_CONFIRM_DAYS, unconfirmed and
never used ones deleted (schema and files) after PORTAL_UNUSED_DELETE_DAYS, half-made schemas
of crashed processes dropped; never a confirmed, used or operator-suspended portal, never a
schema being built; and the dry run changes nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_exists, tenant_context

from portal_core.accounts.models import User
from portal_core.erp.services import api_key_create
from provisioning import services
from provisioning.sweep import portal_never_used, portals_sweep
from tenants.models import Company, PendingSchema, new_schema_name

LATER = {"suspend": timedelta(days=8), "delete": timedelta(days=31)}


def web_portal(name: str, email: str) -> Company:
    return services.portal_create(name=name, email=email, password="secreto42",
                                  visitor=services.Visitor(ip="198.51.100.7"))


def fresh(company) -> Company:
    return Company.objects.get(pk=company.pk)


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def _half_made_schema() -> str:
    """What a crash between CREATE SCHEMA and the Company insert leaves."""
    name = new_schema_name()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{name}"')
        cursor.execute(f'CREATE TABLE "{name}".django_migrations (id serial primary key, app text)')
    return name


def test_a_fresh_portal_counts_as_never_used(db):
    assert portal_never_used(web_portal("Uno", "uno@x.test"))


@pytest.mark.parametrize("use", ["api_key", "second_account", "email_settings", "profile"])
def test_any_use_makes_a_portal_used(db, use):
    company = web_portal("Uno", "uno@x.test")
    with tenant_context(company):
        if use == "api_key":
            api_key_create(name="ERP")
        elif use == "second_account":
            User.objects.create_user("cliente@x.test", "clave123")
    if use == "email_settings":
        from tenants.services import email_settings_update

        email_settings_update(company=company, host="smtp.x.test", port=587, security="starttls", username="",
                              password=None, from_email="avisos@x.test")
    elif use == "profile":
        from tenants.services import company_profile_update

        company_profile_update(company=company, legal_name="Uno S.A.", trade_name="", tax_id="", address="")

    assert not portal_never_used(fresh(company))


def test_unconfirmed_portals_are_suspended_after_the_confirmation_days_and_confirmed_ones_left_alone(db, alfa):
    # given
    company = web_portal("Uno", "uno@x.test")

    # when
    early = portals_sweep(now=timezone.now() + timedelta(days=6))
    late = portals_sweep(now=timezone.now() + LATER["suspend"])

    # then
    assert early.suspended == [] and late.suspended == ["uno"]
    company = fresh(company)
    assert company.status == Company.Status.SUSPENDED
    assert company.suspended_reason == Company.SuspendedReason.UNCONFIRMED
    assert fresh(alfa).status == Company.Status.ACTIVE


def test_an_unconfirmed_never_used_portal_is_deleted_with_its_schema_and_files(db, alfa):
    # given
    company = web_portal("Uno", "uno@x.test")
    mine = default_storage.save(f"portals/{company.schema_name}/pdf/sales/1-abc.pdf", ContentFile(b"%PDF-1"))
    theirs = default_storage.save(f"portals/{alfa.schema_name}/pdf/sales/1-abc.pdf", ContentFile(b"%PDF-1"))

    # when
    report = portals_sweep(now=timezone.now() + LATER["delete"])

    # then
    assert report.deleted == ["uno"] and report.suspended == []
    assert not Company.objects.filter(pk=company.pk).exists()
    assert not schema_exists(company.schema_name)
    assert not default_storage.exists(mine)
    assert default_storage.exists(theirs)
    default_storage.delete(theirs)


def test_used_confirmed_or_operator_suspended_portals_are_never_deleted(db, alfa):
    # given
    used = web_portal("Usado", "usado@x.test")
    with tenant_context(used):
        api_key_create(name="ERP")
    operator_suspended = web_portal("Suspendido", "suspendido@x.test")
    call_command("portal_suspend", "suspendido")

    # when
    report = portals_sweep(now=timezone.now() + LATER["delete"])

    # then: the used one is only suspended (unconfirmed); the others are untouched
    assert report.deleted == [] and report.suspended == ["usado"]
    assert fresh(operator_suspended).suspended_reason == Company.SuspendedReason.OPERATOR
    assert fresh(alfa).status == Company.Status.ACTIVE
    assert all(schema_exists(c.schema_name) for c in (used, operator_suspended, alfa))


def test_the_dry_run_lists_everything_and_changes_nothing(db):
    # given
    to_delete = web_portal("Borrar", "borrar@x.test")
    to_suspend = web_portal("Suspender", "suspender@x.test")
    Company.objects.filter(pk=to_suspend.pk).update(activated_at=timezone.now() - timedelta(days=10))
    Company.objects.filter(pk=to_delete.pk).update(activated_at=timezone.now() - timedelta(days=40))
    orphan = _half_made_schema()
    before = (list(Company.objects.order_by("id").values_list("id", "status", "suspended_reason")), _schemas())

    # when
    output = StringIO()
    call_command("portals_sweep", "--dry-run", stdout=output)

    # then
    text = output.getvalue()
    assert "Se eliminaría: borrar (sin confirmar y sin uso)" in text
    assert "Se suspendería: suspender (email del creador sin confirmar)" in text
    assert f"Se borraría el esquema huérfano: {orphan}" in text
    assert "no se cambió nada" in text
    assert (list(Company.objects.order_by("id").values_list("id", "status", "suspended_reason")), _schemas()) == before


def test_a_half_made_schema_is_dropped_and_one_being_built_is_kept(db):
    # given
    orphan = _half_made_schema()
    being_built = _half_made_schema()
    PendingSchema.objects.create(schema_name=being_built)
    crashed = _half_made_schema()
    PendingSchema.objects.create(schema_name=crashed)
    PendingSchema.objects.filter(schema_name=crashed).update(started_at=timezone.now() - timedelta(hours=2))
    with connection.cursor() as cursor:  # not a generated name: never touched
        cursor.execute('CREATE SCHEMA "p_custom_keep"')

    # when
    report = portals_sweep()

    # then
    assert sorted(report.orphans_dropped) == sorted([orphan, crashed])
    assert not schema_exists(orphan) and not schema_exists(crashed)
    assert schema_exists(being_built) and schema_exists("p_custom_keep")
    assert list(PendingSchema.objects.values_list("schema_name", flat=True)) == [being_built]
    assert all(schema_exists(name) for name in Company.objects.values_list("schema_name", flat=True))


def test_a_spare_being_built_is_marked_until_its_row_exists(db):
    # given
    seen = []

    def spy(company):
        original(company)  # built, and no Company row yet: what a crash would leave
        seen.append((company.schema_name, list(PendingSchema.objects.values_list("schema_name", flat=True)),
                     portals_sweep(dry_run=True).orphans_dropped, schema_exists(company.schema_name)))

    original = services.schema_build
    services.schema_build = spy
    try:
        # when
        company = services.spare_portal_create()
    finally:
        services.schema_build = original

    # then: while migrating, the marker protects it; after, the row does and the marker is gone
    [(schema_name, markers, orphans, existed)] = seen
    assert schema_name == company.schema_name and existed
    assert markers == [schema_name] and schema_name not in orphans
    assert not PendingSchema.objects.exists()
    assert company.schema_name not in portals_sweep(dry_run=True).orphans_dropped


def test_a_portal_confirmed_or_used_after_it_was_listed_is_not_deleted(db):
    # given: two portals the sweep listed for deletion a month later
    from provisioning import confirmation
    from provisioning.sweep import portals_to_delete, unused_portal_delete

    now = timezone.now() + LATER["delete"]
    confirmed, used = web_portal("Uno", "uno@x.test"), web_portal("Dos", "dos@x.test")
    assert {company.slug for company in portals_to_delete(now=now)} == {"uno", "dos"}

    # when: before each is deleted, its owner confirms, or starts using it
    confirmation.owner_email_confirm(company=confirmed, token=confirmation.owner_confirm_token(company=confirmed))
    with tenant_context(used):
        api_key_create(name="ERP")
    deleted = [unused_portal_delete(company_id=company.pk, now=now) for company in (confirmed, used)]

    # then
    assert deleted == [False, False]
    assert schema_exists(confirmed.schema_name) and schema_exists(used.schema_name)


def test_an_orphan_schema_is_dropped_with_the_files_a_crashed_import_saved(db):
    # given: portal_import saves the files before the row exists
    orphan = _half_made_schema()
    default_storage.save(f"portals/{orphan}/logo/a.png", ContentFile(b"png"))
    kept = default_storage.save(f"portals/{new_schema_name()}/logo/b.png", ContentFile(b"png"))
    being_built = _half_made_schema()
    PendingSchema.objects.create(schema_name=being_built)
    building = default_storage.save(f"portals/{being_built}/logo/c.png", ContentFile(b"png"))

    # when
    portals_sweep()

    # then
    assert not default_storage.exists(f"portals/{orphan}/logo/a.png")
    assert default_storage.exists(kept) and default_storage.exists(building)
    for path in (kept, building):
        default_storage.delete(path)
