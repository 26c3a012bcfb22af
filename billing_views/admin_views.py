"""The portal admin's pages: Cuentas corrientes, Ventas and Perfil."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal_core import exports
from portal_core.access import selectors as core_selectors
from portal_core.accounts import two_factor
from portal_core.company import services as company
from portal_core.company.errors import ImageRejected
from portal_core.models import Customer, Supplier
from portal_core.notifications import services as notifications
from portal_core.notifications.errors import NotificationError
from portal_core.notifications.forms import NotificationSettingsForm
from portal_core.notifications.kinds import KINDS as NOTIFICATION_KINDS
from portal_core.notifications.selectors import notification_settings
from portal_core.web.decorators import portal_admin_required
from portal_core.web.menu import menu_for
from tenants.images import png_response

from . import admin_selectors as analytics
from . import selectors, sheets
from .admin_forms import ArticlesForm, BalancesForm, ProfileImageForm, RankingForm, SwitchesForm, TwoFactorPolicyForm
from .charts import bar_chart
from .formats import money
from .ledger import ledger_response, statement_response
from .paging import synced_page

KINDS = {"clientes": "customers", "proveedores": "suppliers"}


def _render(request, template, url_name, status=200, **context):
    if template == "profile.html" and "notification_form" not in context:  # Perfil's every answer
        context["notification_form"] = _notification_form()
    return render(request, f"billing_views/admin/{template}", {"menu": menu_for(request, url_name), **context},
                  status=status)


def _period(form) -> analytics.Period:
    return analytics.Period(form.value("desde"), form.value("hasta"))


@portal_admin_required
@require_GET
@never_cache
def balances(request, tab="clientes"):
    kind = KINDS.get(tab)
    if kind is None:
        raise Http404
    form = BalancesForm(request.GET or None)
    today, sort = timezone.localdate(), form.value("orden") or "-saldo"
    rows = analytics.party_balances(kind=kind, period=_period(form), search=form.value("buscar") or "",
                                    today=today, sort=sort)
    export = exports.requested_format(request)
    if export:
        return exports.export_logged(
            sheets.balances_export(rows, export_format=export, filename=f"saldos-{tab}"),
            user=request.user, what=f"admin_balances_{tab}", export_format=export)
    # Totals, count and rendered rows add up every movement of the portal: kept until its next sync.
    version, asked = request.viewer.data_version, repr((kind, _period(form), form.value("buscar"), sort, today))
    page = synced_page(request, rows, version=version, per_page=50)
    return _render(request, "balances.html", "admin_balances", form=form, tab=tab, sort=sort, page=page,
                   totals=selectors.until_next_sync(f"admin-balances:{asked}", version,
                                                    lambda: analytics.balances_totals(rows)),
                   rows_key="|".join([version, asked, str(page.number), get_language() or ""]))


@portal_admin_required
@require_GET
@never_cache
def party_ledger(request, tab, party_id: int):
    """One party's current account, as the admin sees it from the balances list."""
    kind, party = _tab_party(tab, party_id)
    return ledger_response(request, party=party, show_balances=True, menu_entry="admin_balances",
                           export_name="admin_party_ledger", title=party.business_name, back_tab=tab,
                           accounts=core_selectors.party_accounts(**{kind: party}),
                           statement_url=reverse("admin_party_statement", args=[tab, party.pk]))


@portal_admin_required
@require_GET
@never_cache
def party_statement(request, tab, party_id: int):
    """*Descargar resumen* of any party, as the party itself would get it, with balances (the
    admin always sees them)."""
    _, party = _tab_party(tab, party_id)
    return statement_response(request, party=party, show_balances=True, menu_entry="admin_balances",
                              ledger_url=reverse("admin_party_ledger", args=[tab, party.pk]),
                              export_name="admin_party_statement", title=party.business_name)


def _tab_party(tab: str, party_id: int):
    kind = {"clientes": "customer", "proveedores": "supplier"}.get(tab)
    if kind is None:
        raise Http404
    return kind, get_object_or_404(Customer if kind == "customer" else Supplier, pk=party_id)


@portal_admin_required
@require_GET
def sales(request):
    ranking_form = RankingForm(request.GET or None, prefix="r")
    articles_form = ArticlesForm(request.GET or None, prefix="a")
    branch = ranking_form.value("sucursal")
    supplier = articles_form.value("proveedor")
    by = articles_form.value("por") or "cantidad"
    # Both add up every sale of the portal: kept until its next sync.
    version = request.viewer.data_version
    ranking_period, articles_period = _period(ranking_form), _period(articles_form)
    branch_id, supplier_id = branch.id if branch else None, supplier.id if supplier else None
    ranking = selectors.until_next_sync(
        f"admin-ranking:{ranking_period!r}:{branch_id}", version,
        lambda: analytics.customer_ranking(period=ranking_period, branch_id=branch_id))
    articles = selectors.until_next_sync(
        f"{analytics.BEST_SELLING_KEY}:{articles_period!r}:{supplier_id}:{by}", version,
        lambda: analytics.best_selling_articles(period=articles_period, supplier_id=supplier_id, by=by))
    table = exports.requested_format(request, offered=("ranking", "articulos"))
    if table:
        response = sheets.ranking_csv(ranking) if table == "ranking" else sheets.articles_csv(articles)
        return exports.export_logged(response, user=request.user, what=f"admin_sales_{table}", export_format="csv")
    value = "amount" if by == "importe" else "quantity"
    return _render(request, "sales.html", "admin_sales", ranking_form=ranking_form, articles_form=articles_form,
                   ranking=ranking, articles=articles, by=by,
                   ranking_chart=bar_chart([(r["customer__business_name"], r["amount"], money(r["amount"]))
                                            for r in ranking], title=_("Ranking de clientes")),
                   articles_chart=bar_chart([(a["article__description"], a[value],
                                              money(a["amount"]) if by == "importe" else f"{a['quantity']:.0f}")
                                             for a in articles], title=_("Artículos más vendidos")))


@portal_admin_required
def profile(request):
    """Perfil: the portal's image and what customers and suppliers may see."""
    current = request.viewer.settings
    if request.method == "POST" and request.POST.get("section") == "two_factor":
        return _profile_two_factor(request, current)
    if request.method == "POST":
        form = SwitchesForm(request.POST)
        if form.is_valid():
            company.portal_settings_update(changes=form.cleaned_data, by=request.user)
            messages.success(request, _("Cambios guardados."))
            return redirect("profile")
    else:
        form = SwitchesForm(initial={name: getattr(current, name) for name in SwitchesForm.base_fields})
    return _render(request, "profile.html", "profile", form=form, image_form=ProfileImageForm(),
                   policy_form=_policy_form(current))


def _policy_form(current):
    return TwoFactorPolicyForm(initial={"two_factor_policy": current.two_factor_policy})


def _profile_two_factor(request, current):
    """Perfil's «Verificación en dos pasos»: who must use it."""
    policy_form = TwoFactorPolicyForm(request.POST)
    if not policy_form.is_valid():
        switches = SwitchesForm(initial={name: getattr(current, name) for name in SwitchesForm.base_fields})
        return _render(request, "profile.html", "profile", status=400, form=switches,
                       image_form=ProfileImageForm(), policy_form=policy_form)
    two_factor.two_factor_policy_set(policy=policy_form.cleaned_data["two_factor_policy"], actor=request.user)
    messages.success(request, _("Cambios guardados."))
    return redirect("profile")


def _notification_form(data=None):
    current = notification_settings()
    return NotificationSettingsForm(data, initial={
        "kinds": [code for code in NOTIFICATION_KINDS if code not in current.disabled_kinds],
        "due_soon_days": current.due_soon_days})


@portal_admin_required
@require_POST
def profile_notifications(request):
    """Perfil → Notificaciones: which notification kinds the portal sends."""
    form = _notification_form(request.POST)
    if form.is_valid():
        try:
            notifications.notification_settings_save(enabled_kinds=set(form.cleaned_data["kinds"]),
                                                     due_soon_days=form.cleaned_data["due_soon_days"], by=request.user)
        except NotificationError as error:
            form.add_error("due_soon_days", error.as_form_error())
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect(reverse("profile") + "#notificaciones")
    current = request.viewer.settings
    switches = SwitchesForm(initial={name: getattr(current, name) for name in SwitchesForm.base_fields})
    return _render(request, "profile.html", "profile", status=400, form=switches, image_form=ProfileImageForm(),
                   policy_form=_policy_form(current), notification_form=form)


@portal_admin_required
@require_POST
def profile_image(request):
    form = ProfileImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            company.profile_image_update(upload=form.cleaned_data["imagen"], by=request.user)
        except ImageRejected as error:
            form.add_error("imagen", error.as_form_error())
        else:
            messages.success(request, _("Imagen de perfil actualizada."))
            back = request.POST.get("next", "")
            safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure())
            return redirect(back if back and safe else "profile")
    current = request.viewer.settings
    switches = SwitchesForm(initial={name: getattr(current, name) for name in SwitchesForm.base_fields})
    return _render(request, "profile.html", "profile", status=400, image_form=form, form=switches,
                   policy_form=_policy_form(current))


@require_GET
def profile_image_file(request):
    """The portal's image for its pages (public: it is the portal's own branding)."""
    response = png_response(request.viewer.settings.profile_image)
    response["Cache-Control"] = "public, max-age=300"
    return response
