"""Settings of the CHM portal: one module, read from environment variables.

Defaults give a working development portal (SQLite file, console email, Celery tasks run eagerly).
Production sets ``DEBUG=false``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and
``REDIS_URL``; with those, ``manage.py check --deploy`` reports nothing.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("TESTING", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"  # nosec B105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_ID = 1

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "django_celery_beat",
    "import_export",
    "health_check",
    "corsheaders",
    # The portal's own apps, from the most shared to the most specific.
    "chm_portal.core",
    "chm_portal.vocabularies",
    "chm_portal.accounts",
    "chm_portal.alerts",
    "chm_portal.quality",
    "partners",
    "needs",
    "commitments",
    "matchmaking",
    "elearning",
    "monitoring",
    "embeds",
]

MIDDLEWARE = [
    # First, as django-cors-headers asks: its headers go on every answer of the embeds' JSON.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy headers (see "Security" below).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "chm_portal.accounts.middleware.StaffMfaMiddleware",
    "chm_portal.core.db_outage.DatabaseOutageMiddleware",
    # Last: it answers anonymous visitors of public pages before the view runs.
    "chm_portal.core.page_cache.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "chm_portal.urls"
WSGI_APPLICATION = "chm_portal.wsgi.application"
ASGI_APPLICATION = "chm_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chm_portal.core.context_processors.portal",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The portal's queries are short; compiling them (JIT) costs more than it saves: the
    # indicators' aggregates ran up to four times slower with it. Parallel plans only add
    # contention when every core already serves a request (bench/README.md): off by default.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options",
        "-c jit=off -c max_parallel_workers_per_gather="
        f"{env.int('PG_MAX_PARALLEL_WORKERS_PER_GATHER', default=0)}",
    )
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Adopt Django 6.0 behaviour now: URLs typed without a scheme are taken as https.
FORMS_URLFIELD_ASSUME_HTTPS = True

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "chm_portal.core.cache.PortalRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
                # A cache outage degrades pages to uncached, it does not break them.
                "IGNORE_EXCEPTIONS": True,
            },
            "KEY_PREFIX": "chm",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development and tests whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Languages ------------------------------------------------------------------------------
# The interface is translated into English, French and Spanish; content fields also accept the
# other UN languages (Arabic, Chinese, Russian), shown with fallback to English.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
CONTENT_LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("ru", _("Russian")),
]
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in CONTENT_LANGUAGES)
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# A record written in French shows in French to a Spanish reader until it is translated.
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "fr", "es")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "chm_portal.accounts.forms.SignupProfileForm"
# Proxies of ours in front of the portal (each adds itself to X-Forwarded-For): rate limits
# count per client address, read from that header only as far as our own proxies wrote it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Failed sign-ins (form and API token endpoint alike), per client address and per email address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "5/m/ip,3/m/key",  # nosec B105 # a rate, not a password
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff must set up a second factor before using the admin (off in tests and for the demo).
CHM_STAFF_REQUIRE_MFA = env.bool("STAFF_REQUIRE_MFA", default=not (DEBUG or TESTING))

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="CHM portal <noreply@chm-portal.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
HELPDESK_EMAIL = env.str("HELPDESK_EMAIL", default="helpdesk@chm-portal.example")
# Who hears about requests waiting past the help desk's commitment.
HELPDESK_SUPERVISOR_EMAILS = env.list("HELPDESK_SUPERVISOR_EMAILS", default=[HELPDESK_EMAIL])
# The help desk's commitment: a decision on every request within this many working days.
HELPDESK_RESPONSE_WORKING_DAYS = env.int("HELPDESK_RESPONSE_WORKING_DAYS", default=10)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "chm_portal.core.api.pagination.PortalPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["chm_portal.core.api.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="600/hour"),
        "user": env.str("API_USER_RATE", default="3000/hour"),
    },
    # Without it DRF would count per X-Forwarded-For as the client sent it (easily varied).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CHM portal API",
    "DESCRIPTION": "Open data of the biodiversity Clearing-House Mechanism portal: vocabularies, "
    "needs, partners' databases, matchmaking, e-learning and indicators.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc are served from the vendored sidecar package, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name with another one get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "PostStatusEnum": "elearning.models.PostStatus",
        "CommitmentStatusEnum": "commitments.models.ModerationStatus",
        "QuestionKindEnum": "elearning.models.Question.Kind",
    },
}

# --- Background work ------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Results are stored only where a broker is: the heartbeat and the CI worker test read them.
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = timedelta(hours=1)
# Without a broker, tasks run in the web process as soon as they are sent.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# An unacknowledged task (its worker died) is delivered again after visibility_timeout: keep it
# longer than CELERY_TASK_TIME_LIMIT, or a task still running is delivered a second time.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "max_retries": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request gives up on an unreachable broker within about a second; sweeps resend later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "needs-escalate-overdue": {
        "task": "needs.tasks.escalate_overdue_needs",
        "schedule": timedelta(hours=6),
    },
    "needs-send-pending-notifications": {
        "task": "needs.tasks.send_pending_need_notifications",
        "schedule": timedelta(minutes=5),
    },
    "core-send-pending-tasks": {
        "task": "chm_portal.core.tasks.send_pending_tasks",
        "schedule": timedelta(minutes=5),
    },
    "core-worker-heartbeat": {
        "task": "chm_portal.core.tasks.worker_heartbeat",
        "schedule": timedelta(minutes=5),
    },
    "accounts-remind-pending-role-requests": {
        "task": "chm_portal.accounts.tasks.remind_pending_role_requests",
        "schedule": timedelta(days=1),
    },
    "partners-close-expired-records": {
        "task": "partners.tasks.close_expired_records",
        "schedule": timedelta(hours=1),
    },
    "partners-harvest-due-sources": {
        "task": "partners.tasks.harvest_due_sources",
        "schedule": timedelta(hours=1),
    },
    "alerts-send-saved-search-digests": {
        "task": "chm_portal.alerts.tasks.send_saved_search_digests",
        "schedule": timedelta(hours=1),
    },
    "alerts-send-deadline-reminders": {
        "task": "chm_portal.alerts.tasks.send_deadline_reminders",
        "schedule": timedelta(hours=6),
    },
    # Suggestions of requests whose request or offers changed (debounced; see below), and all
    # of them every night, in chunks that spread over the workers.
    "matchmaking-process-suggestion-refreshes": {
        "task": "matchmaking.tasks.process_suggestion_refreshes",
        "schedule": timedelta(minutes=1),
    },
    "matchmaking-refresh-all-suggestions": {
        "task": "matchmaking.tasks.refresh_all_suggestions",
        "schedule": crontab(hour=2, minute=30),
    },
    # Match notifications (emails and inbox) lost while the broker was down.
    "matchmaking-send-pending-match-notifications": {
        "task": "matchmaking.tasks.send_pending_match_notifications",
        "schedule": timedelta(minutes=5),
    },
    "matchmaking-send-pending-project-notifications": {
        "task": "matchmaking.tasks.send_pending_project_notifications",
        "schedule": timedelta(minutes=5),
    },
    "matchmaking-remind-overdue-projects": {
        "task": "matchmaking.tasks.remind_overdue_projects",
        "schedule": crontab(hour=6, minute=15),
    },
    # Every indicator of the dashboards, after the night's suggestions; and the recomputes staff
    # asked for while the broker was down.
    "monitoring-recompute-daily": {
        "task": "monitoring.tasks.recompute_daily",
        "schedule": crontab(hour=3, minute=30),
    },
    "monitoring-run-pending-recomputes": {
        "task": "monitoring.tasks.run_pending_recomputes",
        "schedule": timedelta(minutes=10),
    },
}

# --- Security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
X_FRAME_OPTIONS = "DENY"
# Where lessons' videos play (chm_portal.core.richtext.video_embed_url gives only these).
VIDEO_EMBED_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
# The Content Security Policy (django-csp; docs/security.md says why each source is there).
# Scripts come only from the portal's own files: no inline script, no event handler attribute;
# a template that cannot avoid an inline script gives it ``nonce="{{ request.csp_nonce }}"``.
# Styles may be inline: the admin, import-export, Swagger UI, Redoc and the inline SVG charts
# write style attributes and <style> elements, and a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        # Images of authors' rich text on other hosts show only where their host is listed.
        "img-src": [SELF, "data:", *env.list("CSP_IMG_HOSTS", default=[])],
        "frame-src": VIDEO_EMBED_ORIGINS,
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "report-uri": env.str("CSP_REPORT_URI", default="") or None,
    },
}
# Browser features the portal never uses are switched off for it and for the videos it embeds;
# the videos keep full screen and picture-in-picture.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "serial": [],
    "usb": [],
    "fullscreen": ["self", *VIDEO_EMBED_ORIGINS],
    "picture-in-picture": ["self", *VIDEO_EMBED_ORIGINS],
}
# Any site may read the embeddable components' JSON (embeds/, /<lang>/embed/<key>.json) from a
# script, without cookies; no other address of the portal answers other origins' scripts.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_URLS_REGEX = rf"^/(?:{'|'.join(code for code, _name in LANGUAGES)})/embed/[\w-]+\.json$"

# --- Portal ---------------------------------------------------------------------------------
API_MAX_PAGE_SIZE = 100
# Public pages are served to anonymous visitors from the cache for at most this long after a change
# that sent no signal (chm_portal/core/page_cache.py); 0 turns the cache off. Capped at a minute.
PUBLIC_PAGE_CACHE_SECONDS = min(env.int("PUBLIC_PAGE_CACHE_SECONDS", default=60), 60)
# The facet counts of a list's filter combination are the same for everyone, signed in or not:
# kept in the cache as public pages are (same versions, same cap); 0 turns it off.
FACET_CACHE_SECONDS = min(env.int("FACET_CACHE_SECONDS", default=60), 60)
# Suggestions are recomputed this long after the last change of a request or an offer, so that a
# burst of edits costs one computation (at once when tasks run eagerly: no beat to sweep).
MATCHING_REFRESH_DEBOUNCE_SECONDS = env.int(
    "MATCHING_REFRESH_DEBOUNCE_SECONDS", default=0 if CELERY_TASK_ALWAYS_EAGER else 30
)
# The IATI organisation identifier of the publisher (the CBD Secretariat's, in production): the
# reporting organisation of the IATI activity XML and the prefix of every activity's identifier
# (chm_portal/core/iati.py). The default is a placeholder for development; never change it once
# published, since IATI identifiers must stay stable.
IATI_ORGANISATION_IDENTIFIER = env.str("IATI_ORGANISATION_IDENTIFIER", default="XX-CHM-PORTAL")
# Database connections that compute the indicators side by side in a recompute (each indicator
# is a few aggregate queries: the database does the work). 1 computes them one after another.
MONITORING_RECOMPUTE_WORKERS = env.int("MONITORING_RECOMPUTE_WORKERS", default=3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
