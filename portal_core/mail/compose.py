"""Composing an email: rendered from its templates in Spanish, with the company's logo and sender."""

from email.mime.image import MIMEImage

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation

from portal_core.models import OutboxMessage
from tenants.mail import (
    company_connection,
    company_sender,
    email_settings_for,
    platform_connection,
)

LOGO_CID = "logo"


def _logo_part() -> MIMEImage:
    path = connection.tenant.logo
    content = None
    if path:
        try:
            with default_storage.open(path, "rb") as logo:
                content = logo.read()
        except FileNotFoundError:
            content = None
    if content is None:
        with open(finders.find("img/default-logo.png"), "rb") as logo:
            content = logo.read()
    part = MIMEImage(content, "png")
    part.add_header("Content-ID", f"<{LOGO_CID}>")
    part.add_header("Content-Disposition", "inline", filename="logo.png")
    return part


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of `portal_core/email/<template>.{txt,html}` (the text's first
    line is the subject)."""
    company = connection.tenant
    context = {"company": company, "company_name": company.display_name, **context}
    # The portal's customers and suppliers read Spanish, whatever language the sender browses in.
    with translation.override(settings.LANGUAGE_CODE):
        subject, _blank, body_text = render_to_string(f"portal_core/email/{template}.txt", context).partition("\n")
        subject = subject.strip()[:200]
        body_html = render_to_string(f"portal_core/email/{template}.html", {**context, "subject": subject})
    return subject, body_text.strip() + "\n", body_html


def compose_email(*, subject: str, body_text: str, body_html: str, to: str, sender: str,
                  headers: dict | None = None) -> tuple[EmailMultiAlternatives, str]:
    """The email, ready to send through the company's server (or the platform's), with the
    company's logo inline, and the server it goes through. Raises LookupError while the
    company has not configured email."""
    company = connection.tenant
    if sender == OutboxMessage.Sender.COMPANY:
        email_settings = email_settings_for(company)
        if email_settings is None:
            raise LookupError("email not configured")
        from_email, reply_to = company_sender(company, email_settings)
        backend = company_connection(email_settings)
        where = f"{email_settings.host}:{email_settings.port}"
    else:
        from_email, reply_to, backend, where = settings.DEFAULT_FROM_EMAIL, [], platform_connection(), ""
    email = EmailMultiAlternatives(subject=subject, body=body_text, from_email=from_email, to=[to],
                                   reply_to=reply_to, headers=headers or {}, connection=backend)
    email.mixed_subtype = "related"  # the logo is an inline part the HTML shows by its Content-ID
    email.attach_alternative(body_html, "text/html")
    email.attach(_logo_part())
    return email, where


