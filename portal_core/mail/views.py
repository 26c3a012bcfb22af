from django.contrib import messages
from django.db import connection
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal_core.mail import selectors, services
from portal_core.mail.errors import MailError
from portal_core.mail.forms import EmailSettingsForm, TestEmailForm
from portal_core.models import OutboxMessage
from portal_core.web.decorators import portal_admin_required
from portal_core.web.pages import render_page
from portal_core.web.ratelimit import rate_limited
from tenants.mail import email_settings_for


def _email_page(request, *, form=None, test_form=None, status=200, test_error: MailError | None = None):
    company = connection.tenant
    current = email_settings_for(company)
    if form is None:
        initial = {"security": "starttls", "port": 587}
        if current is not None:
            initial = {name: getattr(current, name) for name in
                       ("host", "port", "security", "username", "from_email", "from_name", "reply_to")}
        form = EmailSettingsForm(initial=initial)
    return render_page(request, "email_settings.html", "email_settings", status=status, form=form,
                   current=current, test_form=test_form or TestEmailForm(initial={"to": request.user.email}),
                   test_error=test_error, outbox_messages=selectors.outbox_recent(),
                   unsent=selectors.outbox_unsent_counts())


@portal_admin_required
def email_settings(request):
    """Envío de email: the company's SMTP server, a test message, and the outbox's status."""
    if request.method != "POST":
        return _email_page(request)
    form = EmailSettingsForm(request.POST)
    if not form.is_valid():
        return _email_page(request, form=form, status=400)
    services.email_settings_save(company=connection.tenant, by=request.user, **form.service_arguments())
    released = services.outbox_retry_now()  # what waited for (or failed with) the old settings
    messages.success(request, _("Configuración guardada. Pruébela con «Enviar prueba».") if not released else
                     ngettext("Configuración guardada: se está enviando el email que esperaba.",
                              "Configuración guardada: se están enviando los %(count)d emails que esperaban.",
                              released) % {"count": released})
    return redirect("email_settings")


@portal_admin_required
@require_POST
def email_test(request):
    test_form = TestEmailForm(request.POST)
    if not test_form.is_valid():
        return _email_page(request, test_form=test_form, status=400)
    if rate_limited(request, "email-test"):
        return _email_page(request, test_form=test_form, status=429,
                           test_error=MailError(MailError.TOO_MANY_TESTS))
    try:
        services.email_test_send(to=test_form.cleaned_data["to"])
    except MailError as error:
        return _email_page(request, test_form=test_form, status=400, test_error=error)
    messages.success(request, _("Enviamos el email de prueba a %(to)s. Revise su bandeja de entrada.")
                     % {"to": test_form.cleaned_data["to"]})
    return redirect("email_settings")


@portal_admin_required
@require_POST
def outbox_retry(request, message_id: int):
    message = get_object_or_404(OutboxMessage, pk=message_id)
    services.outbox_retry_now(message_ids=[message.pk])
    messages.success(request, _("Reintentando el envío a %(to)s.") % {"to": message.to})
    return redirect("email_settings")


@portal_admin_required
@require_POST
def outbox_retry_all(request):
    count = services.outbox_retry_now()
    messages.success(request, ngettext("Reintentando el envío de %(count)d email.",
                                       "Reintentando el envío de %(count)d emails.", count) % {"count": count})
    return redirect("email_settings")
