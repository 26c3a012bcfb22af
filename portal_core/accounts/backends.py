from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import get_public_schema_name


class PortalBackend(ModelBackend):
    """Django's ModelBackend, except that on a portal every request reads the account together
    with its customer/supplier link and whether it has two-factor on (one query instead of
    three: the menu and every section need the link, the two-factor middleware the device)."""

    def get_user(self, user_id):
        if connection.schema_name == get_public_schema_name():  # operators have no link
            return super().get_user(user_id)
        model = get_user_model()
        try:
            user = (model._default_manager.select_related("link__customer", "link__supplier")
                    .annotate(has_two_factor_device=Exists(
                        TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
                    .get(pk=user_id))
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
