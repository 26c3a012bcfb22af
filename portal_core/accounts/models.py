from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def normalize_email(email: str) -> str:
    """Emails are usernames: compared and stored trimmed and lower-cased."""
    return (email or "").strip().lower()


def axes_username(request, credentials) -> str:
    """The username django-axes counts failures against."""
    submitted = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalize_email(submitted)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email=normalize_email(username))

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An email is required")
        user = self.model(email=normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An account: an operator in the public schema, a portal account in a portal's schema."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("nombre"), max_length=150, blank=True)
    is_portal_admin = models.BooleanField(_("administrador del portal"), default=False)
    is_active = models.BooleanField(_("activo"), default=True)
    is_staff = models.BooleanField(_("operador de la plataforma"), default=False)
    date_joined = models.DateTimeField(_("alta"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("cuenta")
        verbose_name_plural = _("cuentas")

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name or self.email
