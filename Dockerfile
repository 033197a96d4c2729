# Production image of the CHM portal: gunicorn serves the app, whitenoise its static files.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 portal
WORKDIR /app

COPY pyproject.toml README.md ./
COPY chm_portal ./chm_portal
COPY needs ./needs
COPY partners ./partners
COPY matchmaking ./matchmaking
COPY elearning ./elearning
COPY monitoring ./monitoring
RUN pip install --no-cache-dir .

COPY . .
# Static files and translations are built into the image; the build needs no real secrets.
RUN TESTING=true python manage.py compilemessages --ignore=.venv -v 0 \
    && TESTING=true python manage.py collectstatic --no-input -v 0 \
    && mkdir -p /app/media && chown -R portal:portal /app/media

USER portal
EXPOSE 8000
# Settings in gunicorn.conf.py (workers, timeout long enough for full exports).
CMD ["gunicorn", "chm_portal.wsgi"]
