# The image the Helm chart runs (web, worker, beat and the migrations job use it alike).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app

# pg_dump captures the portal schema template (tenants.schema_template); it must be as new as the
# database server, else PG_DUMP names another or new portals are migrated the standard way.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# Static files are served by WhiteNoise from STATIC_ROOT; settings need their variables to load
# (placeholders for this step only: nothing is encrypted or connected to while collecting).
RUN SECRET_KEY=build ERP_WIDGET_SECRET=build DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1rZXktbmV2ZXItZW5jcnlwdHMtMDA= \
    python manage.py collectstatic --noinput \
 && useradd --uid 10001 --no-create-home --home-dir /app portal \
 && mkdir -p /app/.local && chown portal /app/.local

USER 10001
# 8000: the site; 9100 (METRICS_PORT): /metrics for Prometheus. Bind, workers, request limits
# and the metrics hooks are in config/gunicorn.py.
EXPOSE 8000 9100
CMD ["gunicorn", "-c", "config/gunicorn.py"]
