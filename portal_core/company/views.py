from django.contrib import messages
from django.db import connection
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from portal_core.company import services
from portal_core.company.errors import ImageRejected
from portal_core.company.forms import CompanyForm
from portal_core.web.decorators import portal_admin_required
from portal_core.web.pages import render_page
from tenants.images import png_response


@portal_admin_required
def company_settings(request):
    """Empresa: nombre de fantasía, datos fiscales and "Logo de empresa" (used in every email)."""
    company = connection.tenant
    if request.method == "POST":
        form = CompanyForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.company_settings_save(
                    company=company, by=request.user, logo=data["logo"], legal_name=data["legal_name"],
                    trade_name=data["trade_name"], tax_id=data["tax_id"], address=data["address"])
            except ImageRejected as error:
                form.add_error("logo", error.as_form_error())
            else:
                messages.success(request, _("Datos de la empresa guardados."))
                return redirect("company_settings")
    else:
        form = CompanyForm(initial={"trade_name": company.trade_name, "legal_name": company.legal_name,
                                    "tax_id": company.tax_id, "address": company.address})
    return render_page(request, "company_settings.html", "company_settings", form=form,
                   status=400 if form.errors else 200)


@portal_admin_required
def company_logo(request):
    """The company's logo, for its admin's Empresa page."""
    return png_response(connection.tenant.logo)
