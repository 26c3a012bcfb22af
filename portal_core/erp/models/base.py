from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 16, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 3}


class ErpRecord(models.Model):
    """A row the ERP feeds: `external_id` is the ERP's key, so the sync is an idempotent upsert.

    `content_hash` is the hash of the row as last received (lines included): a replayed row
    whose hash matches is left untouched. `synced_at` changes only when the content does (the
    sync writes it itself; the ORM's auto_now only on a save() outside the sync): the API reads
    rows back in (synced_at, id) order, which every concrete model indexes.
    """

    external_id = models.CharField(_("id en el ERP"), max_length=64, unique=True)
    content_hash = models.CharField(max_length=32, editable=False)
    synced_at = models.DateTimeField(_("sincronizado"), auto_now=True)

    class Meta:
        abstract = True
