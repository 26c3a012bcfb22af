"""Usuarios de la empresa: a titular's page to invite colleagues and manage them, and the
portal admin's list of every colleague. Someone who may not manage colleagues (the portal does
not allow them, a colleague, an admin, an account with no party) gets 404, as does an id that
is not one of the titular's own colleagues."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal_core.access import colleague_selectors
from portal_core.access import services as access
from portal_core.access.errors import AccessError
from portal_core.access.forms import ColleagueInviteForm, ColleaguePermissionsForm
from portal_core.mail import selectors as mail_selectors
from portal_core.web.decorators import portal_admin_required
from portal_core.web.pages import base_url, render_page
from portal_core.web.ratelimit import rate_limited

INVITES_PER_HOUR = 30


def titular_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.viewer.manages_colleagues:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, invite_form=None, status=200):
    link = request.viewer.link
    colleagues = [{"link": colleague, "form": ColleaguePermissionsForm(
        initial={"permissions": colleague.permissions}, auto_id=f"id_{colleague.user_id}_%s", link=link)}
        for colleague in colleague_selectors.team_colleagues(link=link)]
    return render_page(request, "colleagues.html", "colleagues", status=status, link=link, colleagues=colleagues,
                       invitations=colleague_selectors.team_invitations(link=link),
                       invite_form=invite_form or ColleagueInviteForm(
                           initial={"permissions": link.applicable_permissions}, link=link),
                       email_configured=mail_selectors.company_email_configured())


@titular_required
def colleagues(request):
    return _page(request)


@titular_required
@require_POST
def colleague_invite(request):
    form = ColleagueInviteForm(request.POST, link=request.viewer.link)
    if not form.is_valid():
        return _page(request, invite_form=form, status=400)
    # Each invitation says whether an email has an account here: a titular may not probe many.
    if rate_limited(request, f"colleague_invite:{request.user.pk}", limit=INVITES_PER_HOUR):
        form.add_error(None, _("Demasiadas invitaciones en la última hora. Espere un rato y vuelva a intentar."))
        return _page(request, invite_form=form, status=429)
    try:
        access.colleague_invite(titular=request.user, email=form.cleaned_data["email"],
                                permissions=form.cleaned_data["permissions"], base_url=base_url(request))
    except AccessError as error:
        form.add_error("email", error.as_form_error())
        return _page(request, invite_form=form, status=400)
    messages.success(request, _("Invitación enviada a %(email)s: el enlace vale por unos días y se usa una sola "
                                "vez.") % {"email": form.cleaned_data["email"]})
    return redirect("colleagues")


def _team_call(service, **kwargs):
    """A service on one colleague of the titular: anyone else's (or no one's) answers 404."""
    try:
        return service(**kwargs)
    except AccessError as error:
        if error.code == AccessError.COLLEAGUE_NOT_FOUND:
            raise Http404 from error
        raise


@titular_required
@require_POST
def colleague_permissions(request, user_id: int):
    form = ColleaguePermissionsForm(request.POST, link=request.viewer.link)
    if not form.is_valid():
        messages.error(request, _("Elija permisos de la lista."))
        return redirect("colleagues")
    member = _team_call(access.colleague_permissions_set, titular=request.user, user_id=user_id,
                        permissions=form.cleaned_data["permissions"])
    messages.success(request, _("Permisos de %(email)s guardados.") % {"email": member.user.email})
    return redirect("colleagues")


@titular_required
@require_POST
def colleague_active(request, user_id: int, active: bool):
    member = _team_call(access.colleague_set_active, titular=request.user, user_id=user_id, active=active)
    message = _("%(email)s puede volver a ingresar.") if active else _(
        "%(email)s fue desactivado: ya no puede ingresar.")
    messages.success(request, message % {"email": member.user.email})
    return redirect("colleagues")


@portal_admin_required
def colleagues_admin(request):
    """The portal admin's list of every colleague and pending colleague invitation."""
    query = request.GET.get("q", "").replace("\x00", "")[:100]
    return render_page(request, "colleagues_admin.html", "activations",
                       rows=colleague_selectors.all_colleagues(query=query), query=query,
                       allowed=request.viewer.settings.colleagues_allowed)


@portal_admin_required
@require_POST
def colleague_revoke(request, user_id: int):
    member = _team_call(access.colleague_revoke, user_id=user_id, by=request.user)
    messages.success(request, _("Acceso revocado: %(email)s ya no puede ingresar.") % {"email": member.user.email})
    return redirect("colleagues_admin")
