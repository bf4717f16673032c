# Lyceum application image: gunicorn (web) and Celery (worker, beat) run from it; see docker-compose.yml.
FROM python:3.11-slim

# PYTHONPATH: edx-opaque-keys installs a stray top-level `settings` package; the application's must win.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    LYCEUM_VAR_DIR=/app/var \
    DJANGO_SETTINGS_MODULE=settings.production

WORKDIR /app

# Dependencies first, so that code changes reuse this layer.
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .

# settings.production insists on a real SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, JWT and secrets key; collectstatic
# needs none of them, so it gets throwaway values that exist only for this build step. The secrets are random, not
# written here: a value written in the repository is public, and production would accept a copied one (ADR 0075).
RUN BUILD_ONLY_SECRET="$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    && SECRET_KEY="$BUILD_ONLY_SECRET" \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    ALLOWED_HOSTS=localhost \
    JWT_SECRET_KEY="$BUILD_ONLY_SECRET" \
    LYCEUM_SECRETS_KEY="$BUILD_ONLY_SECRET" \
    python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app --no-create-home lyceum \
    && chown -R lyceum:lyceum /app/var

USER lyceum
EXPOSE 8000
CMD ["gunicorn", "settings.wsgi", "--bind", "0.0.0.0:8000"]
