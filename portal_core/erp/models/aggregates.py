from django.db import models


class ArticleSalesDaily(models.Model):
    """Units and pesos sold per article per day (credit notes subtract, voided documents do not
    count, dollars at each document's rate). Kept exact by the sales-invoices sync, so the
    best-selling report reads days, not a million lines."""

    date = models.DateField()
    article = models.ForeignKey("portal_core.Article", on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(max_digits=20, decimal_places=3)
    # Six decimals hold amount (2) x exchange rate (4) exactly: adding and removing
    # contributions never rounds, so the row always equals a recount.
    amount = models.DecimalField(max_digits=26, decimal_places=6)

    class Meta:
        # One index only: every sync batch writes here, and the report's date-range scan
        # reads a year in tens of milliseconds through it.
        constraints = [models.UniqueConstraint(fields=["date", "article"], name="article_sales_daily_uniq")]
