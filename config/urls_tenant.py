"""URLs of a portal's subdomain."""

from django.urls import include, path

from portal_core.access import colleague_views
from portal_core.access import views as access_views
from portal_core.accounts import two_factor_views
from portal_core.accounts import views as accounts_views
from portal_core.activity import views as activity_views
from portal_core.company import views as company_views
from portal_core.erp import views as erp_views
from portal_core.mail import views as mail_views
from portal_core.notifications import views as notification_views
from portal_core.web import views as web_views
from provisioning import views as provisioning_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("ingresar/", accounts_views.LoginView.as_view(), name="login"),
    path("ingresar/codigo/", two_factor_views.login_code, name="login_code"),
    path("mi-cuenta/", two_factor_views.my_account, name="my_account"),
    path("mi-cuenta/verificacion/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path("mi-cuenta/verificacion/codigos/", two_factor_views.recovery_codes_regenerate,
         name="recovery_codes_regenerate"),
    path("mi-cuenta/verificacion/desactivar/", two_factor_views.two_factor_disable, name="two_factor_disable"),
    path("mi-cuenta/notificaciones/", notification_views.preferences, name="notification_preferences"),
    # The one-click unsubscribe of every notification email (RFC 8058): no login, no CSRF.
    path("avisos/baja/<str:token>/", notification_views.unsubscribe, name="notification_unsubscribe"),
    path("mi-cuenta/usuarios/", colleague_views.colleagues, name="colleagues"),
    path("mi-cuenta/usuarios/invitar/", colleague_views.colleague_invite, name="colleague_invite"),
    path("mi-cuenta/usuarios/<int:user_id>/permisos/", colleague_views.colleague_permissions,
         name="colleague_permissions"),
    path("mi-cuenta/usuarios/<int:user_id>/desactivar/", colleague_views.colleague_active, {"active": False},
         name="colleague_deactivate"),
    path("mi-cuenta/usuarios/<int:user_id>/reactivar/", colleague_views.colleague_active, {"active": True},
         name="colleague_reactivate"),
    path("salir/", accounts_views.logout, name="logout"),
    path("registro/", access_views.register, name="register"),
    path("registro/confirmar/<str:token>/", access_views.registration_verify, name="registration_verify"),
    path("aviso/<str:token>/", access_views.owner_notice, name="owner_notice"),
    path("recuperar-contrasena/", accounts_views.password_forgot, name="password_forgot"),
    path("restablecer/<uidb64>/<token>/", accounts_views.PasswordResetView.as_view(), name="password_reset"),
    path("invitacion/<str:token>/", access_views.invitation_accept, name="invitation_accept"),
    # The owner email of a portal made on the public site (provisioning.confirmation).
    path("confirmar-email/reenviar/", provisioning_views.owner_confirm_resend, name="owner_confirm_resend"),
    path("confirmar-email/<str:token>/", provisioning_views.owner_email_confirm, name="owner_email_confirm"),
    path("integracion-erp/", erp_views.integration, name="integration"),
    path("integracion-erp/claves/", erp_views.api_key_create, name="api_key_create"),
    path("integracion-erp/claves/<int:key_id>/revocar/", erp_views.api_key_revoke, name="api_key_revoke"),
    path("administrador/activaciones/", access_views.activations, name="activations"),
    path("administrador/activaciones/partes/", access_views.activation_parties, name="activation_parties"),
    path("administrador/activaciones/peticiones/<int:registration_id>/", access_views.registration_link,
         name="registration_link"),
    path("administrador/activaciones/peticiones/<int:registration_id>/aprobar/", access_views.registration_approve,
         name="registration_approve"),
    path("administrador/activaciones/peticiones/<int:registration_id>/rechazar/", access_views.registration_reject,
         name="registration_reject"),
    path("administrador/activaciones/objeciones/<int:notice_id>/revocar/", access_views.objection_resolve,
         {"revoke": True}, name="objection_revoke"),
    path("administrador/activaciones/objeciones/<int:notice_id>/desestimar/", access_views.objection_resolve,
         {"revoke": False}, name="objection_dismiss"),
    path("administrador/actividad/", activity_views.activity_log, name="activity_log"),
    path("administrador/activaciones/invitaciones/<int:invitation_id>/reenviar/", access_views.invitation_resend,
         name="invitation_resend"),
    path("administrador/activaciones/cuentas/<int:user_id>/activar/", access_views.account_active,
         {"active": True}, name="account_activate"),
    path("administrador/activaciones/cuentas/<int:user_id>/desactivar/", access_views.account_active,
         {"active": False}, name="account_deactivate"),
    path("administrador/activaciones/usuarios-de-empresas/", colleague_views.colleagues_admin,
         name="colleagues_admin"),
    path("administrador/activaciones/usuarios-de-empresas/<int:user_id>/revocar/", colleague_views.colleague_revoke,
         name="colleague_revoke"),
    path("administrador/activaciones/cargar/", access_views.invitations_load, name="invitations_load"),
    path("administrador/activaciones/cargar/invitar/", access_views.invitations_send, name="invitations_send"),
    path("administrador/activaciones/invitaciones/lote/<int:batch_id>/", access_views.invitation_batch,
         name="invitation_batch"),
    path("administrador/email/", mail_views.email_settings, name="email_settings"),
    path("administrador/email/prueba/", mail_views.email_test, name="email_test"),
    path("administrador/email/mensajes/<int:message_id>/reintentar/", mail_views.outbox_retry,
         name="outbox_retry"),
    path("administrador/email/mensajes/reintentar/", mail_views.outbox_retry_all, name="outbox_retry_all"),
    path("administrador/empresa/", company_views.company_settings, name="company_settings"),
    path("administrador/empresa/logo/", company_views.company_logo, name="company_logo"),
    path("", include("billing_views.urls")),
    path("api/v1/", include("portal_core.erp.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

# A database that cannot be reached answers 503, not 500 (portal_core.web.unavailable).
handler500 = "portal_core.web.unavailable.server_error"
