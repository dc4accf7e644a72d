"""Settings for Budgetopfølgning, configured only through environment variables.

Development needs no variables at all: without SECRET_KEY the insecure development key is used,
DEBUG defaults to on and the database is an SQLite file in the project folder. Setting SECRET_KEY
switches the defaults to production (DEBUG off, secure cookies, HTTPS), and production refuses to
start with a missing or weak key or with no ALLOWED_HOSTS.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from environs import Env

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
env.read_env(BASE_DIR / ".env", recurse=False)
# An empty variable means "use the default", as a shell user would expect.
for _name in (
    "DATABASE_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "LOCAL_LOGIN",
    "FORWARDED_ALLOW_IPS",
):
    if os.environ.get(_name) == "":
        del os.environ[_name]

DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=SECRET_KEY == DEV_SECRET_KEY)

if not DEBUG:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
        )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name at least one host when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "agreements",
    "milestones",
    "finance",
]

MIDDLEWARE = [
    # First: answers the load balancer's /healthz probe before host validation and redirects.
    "budgetopfoelgning.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Paths and query strings with control characters are answered 400, never 500.
    "budgetopfoelgning.middleware.RequestSanityMiddleware",
    # Django's, but it does not touch the session of a request that found the database down.
    "budgetopfoelgning.health.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in pages are never served from the browser's cache.
    "budgetopfoelgning.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lock-out raised by the backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "budgetopfoelgning.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "budgetopfoelgning.wsgi.application"

DATABASES = {
    "default": env.dj_db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Form selects iterate their choices; with server-side cursors each costs three round trips
    # (and they do not survive a transaction-pooling proxy such as PgBouncer).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # A database that does not answer fails the request within seconds instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "agreements:list"
LOGOUT_REDIRECT_URL = "login"

# --- Logging in: local passwords and single sign-on (OpenID Connect) ----------------------------

# Local user names and passwords (the demo users). Off: the password form is gone, password
# logins are refused everywhere (also in the admin) and only single sign-on remains.
LOCAL_LOGIN = env.bool("LOCAL_LOGIN", default=True)

# Single sign-on is on when a client id is set. The provider's endpoints come from its discovery
# document at OIDC_ISSUER/.well-known/openid-configuration, or each from its own variable (which
# also overrides a discovered one). mozilla-django-oidc reads the OIDC_RP_* and OIDC_OP_* names.
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_JWKS_URI", default="")
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_END_SESSION_ENDPOINT", default="")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid profile email")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
# The claims (of the ID token or the userinfo answer) that carry name, e-mail and groups.
OIDC_CLAIM_FIRST_NAME = env.str("OIDC_CLAIM_FIRST_NAME", default="given_name")
OIDC_CLAIM_LAST_NAME = env.str("OIDC_CLAIM_LAST_NAME", default="family_name")
OIDC_CLAIM_EMAIL = env.str("OIDC_CLAIM_EMAIL", default="email")
OIDC_CLAIM_GROUPS = env.str("OIDC_CLAIM_GROUPS", default="groups")
# Seconds to wait for the provider; without a limit a provider that hangs would hang the worker.
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
# Authorization code flow with PKCE (S256), state and nonce; the client authenticates with HTTP
# Basic (client_secret_basic). The ID token is kept in the session for the provider's logout.
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_TOKEN_USE_BASIC_AUTH = True
OIDC_STORE_ID_TOKEN = True
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"

if OIDC_ENABLED:
    if not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured("OIDC_CLIENT_SECRET must be set when OIDC_CLIENT_ID is set.")
    if not OIDC_ISSUER and not (
        OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_JWKS_ENDPOINT
    ):
        raise ImproperlyConfigured(
            "Single sign-on needs OIDC_ISSUER (for discovery) or OIDC_AUTHORIZATION_ENDPOINT, "
            "OIDC_TOKEN_ENDPOINT and OIDC_JWKS_URI."
        )
    if OIDC_RP_SIGN_ALGO not in {"RS256", "RS384", "RS512", "PS256", "ES256", "ES384"}:
        raise ImproperlyConfigured(
            f"OIDC_SIGN_ALGO={OIDC_RP_SIGN_ALGO!r} is not supported: use RS256, RS384, RS512, "
            "PS256, ES256 or ES384 (the provider's ID token signing algorithm)."
        )
    if "openid" not in OIDC_RP_SCOPES.split():
        raise ImproperlyConfigured("OIDC_SCOPES must include openid.")
if OIDC_TIMEOUT < 1:
    raise ImproperlyConfigured("OIDC_TIMEOUT must be at least 1 second.")
if not LOCAL_LOGIN and not OIDC_ENABLED:
    raise ImproperlyConfigured(
        "LOCAL_LOGIN=off needs single sign-on (OIDC_CLIENT_ID and the provider): "
        "otherwise nobody can log in."
    )

# django-axes comes first: it refuses a locked-out or throttled login before any password check.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend"]
if LOCAL_LOGIN:
    AUTHENTICATION_BACKENDS.append("django.contrib.auth.backends.ModelBackend")
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("agreements.login.backends.OidcBackend")

# --- Failed logins: lock-out and throttles (agreements/login/throttle.py) ----------------------

# Five failed logins for one user name from one client lock that pair out for an hour
# (django-axes); the same user on another client is not affected.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_VERBOSE = False
# The client is the address the trusted proxy saw (agreements/login/client_ip.py), not the proxy's.
AXES_CLIENT_IP_CALLABLE = "agreements.login.client_ip.client_ip"
# Adds the throttles below to django-axes' lock-out; they count the failure log.
AXES_HANDLER = "agreements.login.throttle.LoginThrottleHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# A refused attempt is not counted, so hammering a lock-out does not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "agreements.login.views.login_refused"

# Per user name, from any client: after this many failures within an hour every further attempt
# waits, 15 s doubling up to LOGIN_USER_MAX_DELAY, so guessing one password from many addresses
# is slow, yet the real user is never kept out for more than a few minutes.
LOGIN_USER_FAILURES_BEFORE_DELAY = env.int("LOGIN_USER_FAILURES_BEFORE_DELAY", default=10)
LOGIN_USER_WINDOW = timedelta(hours=1)
LOGIN_USER_FIRST_DELAY = timedelta(seconds=15)
LOGIN_USER_MAX_DELAY = timedelta(seconds=env.int("LOGIN_USER_MAX_DELAY", default=300))
# Per client address, across user names (password spraying): at most this many failures within
# LOGIN_CLIENT_WINDOW; further password logins from that address wait until older ones expire.
LOGIN_CLIENT_FAILURE_LIMIT = env.int("LOGIN_CLIENT_FAILURE_LIMIT", default=20)
LOGIN_CLIENT_WINDOW = timedelta(minutes=15)
for _name, _value in [
    ("AXES_FAILURE_LIMIT", AXES_FAILURE_LIMIT),
    ("LOGIN_USER_FAILURES_BEFORE_DELAY", LOGIN_USER_FAILURES_BEFORE_DELAY),
    ("LOGIN_CLIENT_FAILURE_LIMIT", LOGIN_CLIENT_FAILURE_LIMIT),
]:
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")
if not LOGIN_USER_FIRST_DELAY <= LOGIN_USER_MAX_DELAY < timedelta(hours=1):
    raise ImproperlyConfigured("LOGIN_USER_MAX_DELAY must be between 15 and 3599 seconds.")

# --- Work outside the web request: one task queue ----------------------------------------

# Reports, e-mail and reminders run on Django's Tasks API (the django-tasks backport) with the
# database backend (django-tasks-db): every application server shares it through the database,
# on SQLite and PostgreSQL alike, and a worker takes each task once (SELECT ... FOR UPDATE SKIP
# LOCKED). Run one or more workers beside the web servers: `manage.py db_worker` (`make run`
# starts one; docs/operations.md has the systemd unit).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# The history is an audit record: it cannot be reverted or edited through the application.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Sessions end after two hours without activity.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True

# Danish is the working language of every user, whatever their browser asks for, so there is
# no LocaleMiddleware; English is listed as the second language for translators.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
# Amounts are grouped explicitly (the "amount" filter); years and ids must never be.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# The pages of the agreements' objects are served by the apps above agreements (which may not
# know them), so the project, which knows every app, says where they are.
ABSOLUTE_URL_OVERRIDES = {
    "agreements.budgetagreement": lambda o: reverse("finance:agreement", args=[o.year]),
    "agreements.initiative": lambda o: reverse("finance:initiative", args=[o.pk]),
    "agreements.committee": lambda o: reverse("milestones:committee", args=[o.code]),
}

# Security headers. HTTPS-only settings apply when DEBUG is off (production).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the health endpoint over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _proxy_addresses(values: list[str]) -> list[str]:
    """FORWARDED_ALLOW_IPS as gunicorn reads it: addresses or networks, or "*" for any peer."""
    for value in values:
        if value == "*":
            continue
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"FORWARDED_ALLOW_IPS: {value!r} is no IP address or network."
            ) from None
    return values


# The reverse proxies whose X-Forwarded-For names the client (agreements/login/client_ip.py).
# Without BEHIND_PROXY nobody is trusted and the client is the peer address of the connection.
TRUSTED_PROXIES = (
    _proxy_addresses(env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"]))
    if BEHIND_PROXY
    else []
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


if OIDC_ENABLED:
    # "Log ud" posts a form here whose answer redirects to the provider's end_session_endpoint,
    # and browsers apply form-action to that redirect too. (An end_session_endpoint on another
    # host than the issuer is allowed by setting OIDC_END_SESSION_ENDPOINT.)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += sorted(
        {_origin(url) for url in (OIDC_ISSUER, OIDC_OP_LOGOUT_ENDPOINT) if url}
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"()": "budgetopfoelgning.logfmt.LogfmtFormatter"},
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every step of a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The municipality whose reports these are; printed in report footers.
MUNICIPALITY_NAME = env.str("MUNICIPALITY_NAME", default="Ballerup Kommune")
