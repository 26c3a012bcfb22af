"""Registro de actividad: who did what to whom, from where (DESIGN, Access). Rows are written
by the service that makes the change, in its transaction (portal_core.activity.services.audit_record)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN_OK = "login_ok", _("Ingreso")
        LOGIN_FAILED = "login_failed", _("Ingreso fallido")
        LOGIN_LOCKED = "login_locked", _("Ingreso bloqueado")
        OTP_FAILED = "otp_failed", _("Código de verificación incorrecto")
        REGISTRATION = "registration", _("Registro")
        REGISTRATION_VERIFIED = "registration_verified", _("Email de registro verificado")
        REGISTRATION_APPROVED = "registration_approved", _("Petición aprobada")
        REGISTRATION_REJECTED = "registration_rejected", _("Petición rechazada")
        INVITATION_SENT = "invitation_sent", _("Invitación enviada")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitación aceptada")
        OWNER_NOTIFIED = "owner_notified", _("Aviso al titular")
        OWNER_OBJECTED = "owner_objected", _("Objeción del titular")
        OBJECTION_RESOLVED = "objection_resolved", _("Objeción resuelta")
        ACCOUNT_ACTIVATED = "account_activated", _("Cuenta activada")
        ACCOUNT_DEACTIVATED = "account_deactivated", _("Cuenta desactivada")
        PASSWORD_RESET = "password_reset", _("Contraseña restablecida")
        OTP_ENABLED = "otp_enabled", _("Verificación en dos pasos activada")
        OTP_DISABLED = "otp_disabled", _("Verificación en dos pasos desactivada")
        OTP_RECOVERY_USED = "otp_recovery_used", _("Código de recuperación usado")
        API_KEY_CREATED = "api_key_created", _("Clave de API creada")
        API_KEY_REVOKED = "api_key_revoked", _("Clave de API revocada")
        SETTINGS_EMAIL = "settings_email", _("Envío de email modificado")
        SETTINGS_COMPANY = "settings_company", _("Empresa modificada")
        SETTINGS_PROFILE = "settings_profile", _("Perfil modificado")
        EXPORT = "export", _("Exportación")
        ZIP_DOWNLOAD = "zip_download", _("Descarga de comprobantes")
        COLLEAGUE_INVITED = "colleague_invited", _("Usuario de la empresa invitado")
        COLLEAGUE_JOINED = "colleague_joined", _("Usuario de la empresa aceptó la invitación")
        COLLEAGUE_PERMISSIONS = "colleague_permissions", _("Permisos de usuario de la empresa modificados")
        COLLEAGUE_DEACTIVATED = "colleague_deactivated", _("Usuario de la empresa desactivado")
        COLLEAGUE_REACTIVATED = "colleague_reactivated", _("Usuario de la empresa reactivado")
        COLLEAGUE_REVOKED = "colleague_revoked", _("Usuario de la empresa revocado por el administrador")
        PICKUP_WINDOW_SAVED = "pickup_window_saved", _("Ventana de retiro guardada")
        PICKUP_WINDOW_DELETED = "pickup_window_deleted", _("Ventana de retiro eliminada")
        PICKUP_SCHEDULED = "pickup_scheduled", _("Retiro programado")
        PICKUP_CANCELLED = "pickup_cancelled", _("Retiro cancelado")
        PICKUP_DONE = "pickup_done", _("Pago retirado")
        PICKUP_KEPT = "pickup_kept", _("Retiro conservado ante la sincronización")

    created_at = models.DateTimeField(_("fecha"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("quién"))
    actor_email = models.CharField(_("quién"), max_length=254, blank=True)  # kept if the account goes
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    kind = models.CharField(_("qué"), max_length=30, choices=Kind.choices, db_index=True)
    target = models.CharField(_("sobre quién"), max_length=300, blank=True)
    detail = models.JSONField(_("detalle"), default=dict, blank=True)

    class Meta:
        verbose_name = _("actividad")
        verbose_name_plural = _("registro de actividad")
        indexes = [models.Index(fields=["actor_email", "created_at"], name="audit_actor_idx")]
