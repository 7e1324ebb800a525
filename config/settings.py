"""Settings, read from environment variables with safe local defaults.

Embedded default: SQLite in the project folder, Celery tasks run in-process.
Set DATABASE_URL and CELERY_BROKER_URL for PostgreSQL and Redis.
A process refuses to start with DEBUG off and no DJANGO_SECRET_KEY, unless GIAINGAN_LOCAL=1 says it is a
local run (`make run` and the tests set it).
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
LOCAL_RUN = env_bool("GIAINGAN_LOCAL", False)

VAR_DIR = Path(os.environ.get("GIAINGAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key(path: Path) -> str:
    """A random key kept in the machine's var folder, never in the repository; made once, shared by its processes."""
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # atomic: of two processes starting together, one key wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if key.startswith("change-me"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY vẫn là giá trị mẫu của deploy/giaingan.env.example: hãy đặt một khoá ngẫu nhiên."
        )
    if key:
        return key
    if DEBUG or LOCAL_RUN:
        return _local_secret_key(VAR_DIR / "local_secret_key")
    raise ImproperlyConfigured(
        "Chưa đặt DJANGO_SECRET_KEY: khi DJANGO_DEBUG tắt, dịch vụ không chạy với một khoá mặc định. "
        "Đặt DJANGO_SECRET_KEY (ví dụ: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
        "hoặc GIAINGAN_LOCAL=1 cho một lần chạy thử trên máy này."
    )


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with the service's site: its home page is the staff's week.
    "config.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "axes",
    "districts",
    "investors",
    "disbursement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Serves the admin's and the API documentation's assets under every server, runserver included.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'giaingan.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent readers while an import writes; wait instead of failing on a lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Refuses a login while its username and address are locked out, before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Failed logins: after LOGIN_FAILURE_LIMIT failures for one username from one address, that pair is locked
# for LOGIN_LOCKOUT_MINUTES. Locking the pair, not the username alone, keeps a guesser elsewhere from locking
# a colleague out. Attempts are kept in the database; the admin (Axes) lists them and lifts a lock.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.requests.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# The project's own catalogue, then Vietnamese for Django's, DRF's and django-filter's messages where theirs
# are missing or poor (the API's errors): both win over the packages' catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "frameworks"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Without `collectstatic` the assets are found in the installed apps; a deployment that collects them
# sets WHITENOISE_USE_FINDERS=false.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# Uploads: workbooks larger than this are refused before they are read.
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_BYTES", str(20 * 1024 * 1024)))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024)))
# Uploads with more rows than this, or larger than these bytes on disk or unpacked, run as a background job;
# smaller ones are read inside the web request.
IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "3000"))
IMPORT_BACKGROUND_BYTES = env_int("IMPORT_BACKGROUND_BYTES", 1024 * 1024)
IMPORT_BACKGROUND_UNCOMPRESSED_BYTES = env_int("IMPORT_BACKGROUND_UNCOMPRESSED_BYTES", 10 * 1024 * 1024)
# Uploaded files are removed by the daily retention job: refused ones after this many days, the others after
# IMPORT_UPLOAD_RETENTION_DAYS, except a file whose import made a stored snapshot (its trace).
IMPORT_REFUSED_RETENTION_DAYS = env_int("IMPORT_REFUSED_RETENTION_DAYS", 7)
IMPORT_UPLOAD_RETENTION_DAYS = env_int("IMPORT_UPLOAD_RETENTION_DAYS", 30)
# A unit disbursing more than 100% of its plan plus this many points is confirmed item by item.
IMPORT_RATIO_ABOVE_PLAN_POINTS = int(os.environ.get("IMPORT_RATIO_ABOVE_PLAN_POINTS", "5"))
# An import keeps at most this many errors, and as many warnings; their totals are counted.
IMPORT_MAX_STORED_ERRORS = int(os.environ.get("IMPORT_MAX_STORED_ERRORS", "200"))
# ... and at most this many unknown names (the next ones show once these are resolved) and units missing from it.
IMPORT_MAX_STORED_NAMES = int(os.environ.get("IMPORT_MAX_STORED_NAMES", "500"))
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_FILE_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Celery. No broker configured: run tasks in-process, so the service needs no server.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task runs longer than this: the worker kills it. A message a dead worker took comes back to the queue after
# the broker's visibility timeout, which must be longer than the longest task (else a live task is delivered twice),
# and an import claimed by a dead worker is retaken after IMPORT_CLAIM_TIMEOUT_SECONDS, longer than the longest task
# too (a live worker renews its claim as it reads). `check --deploy` warns when they are not.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
BROKER_VISIBILITY_TIMEOUT = env_int("CELERY_BROKER_VISIBILITY_TIMEOUT", 2 * CELERY_TASK_TIME_LIMIT)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
IMPORT_CLAIM_TIMEOUT_SECONDS = env_int("IMPORT_CLAIM_TIMEOUT_SECONDS", CELERY_TASK_TIME_LIMIT + 60)
IMPORT_MAX_RETAKES = env_int("IMPORT_MAX_RETAKES", 3)
# The sweeper (every SWEEP_EVERY_SECONDS) sends outbox rows unsent for OUTBOX_RESEND_SECONDS and queues again
# the jobs and digest deliveries left pending for JOB_PENDING_REQUEUE_SECONDS.
SWEEP_EVERY_SECONDS = env_int("SWEEP_EVERY_SECONDS", 60)
OUTBOX_RESEND_SECONDS = env_int("OUTBOX_RESEND_SECONDS", 30)
JOB_PENDING_REQUEUE_SECONDS = env_int("JOB_PENDING_REQUEUE_SECONDS", 300)
# One beat process sends the schedule: it holds a lock it renews each tick; another beat waits, and takes over
# BEAT_LOCK_SECONDS after the holder stops renewing.
CELERY_BEAT_SCHEDULER = "disbursement.beat:SingleBeatScheduler"
BEAT_LOCK_SECONDS = env_int("BEAT_LOCK_SECONDS", 60)
# Named queues, so each kind of work can get its own workers on its own machines (deploy/giaingan-worker@.service).
# A worker started without -Q serves all three. Each queue has its own exchange and routing key: queues left on the
# default binding would all receive every message.
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in ("imports", "compute", "email")]
CELERY_TASK_ROUTES = {
    "disbursement.importing.*": {"queue": "imports"},
    "disbursement.digest.*": {"queue": "email"},
    # The daily follow-up evaluates flags; its emails go out as tasks of their own on the email queue.
    "disbursement.followup.tasks.run_follow_up_task": {"queue": "compute"},
    "disbursement.followup.*": {"queue": "email"},
    "disbursement.figures.*": {"queue": "compute"},
    "disbursement.upkeep.*": {"queue": "compute"},
}
CELERY_TASK_DEFAULT_QUEUE = "compute"
# Workers write a heartbeat per queue they serve (config/health.py); /health/ready reads it.
CELERY_IMPORTS = ["config.health"]
HEALTH_WORKER_QUEUES = env_list("HEALTH_WORKER_QUEUES", "imports,compute,email")
HEALTH_HEARTBEAT_SECONDS = env_int("HEALTH_HEARTBEAT_SECONDS", 30)
HEALTH_HEARTBEAT_MAX_AGE = env_int("HEALTH_HEARTBEAT_MAX_AGE", 120)

# Email.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "giaingan@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# The official report (.docx): its layout, a docxtpl template staff may replace with their own Word file
# (empty: the shipped disbursement/report/docx_templates/bao-cao-giai-ngan.docx), and the office's names.
REPORT_DOCX_TEMPLATE = os.environ.get("REPORT_DOCX_TEMPLATE", "")
REPORT_DOCX_PARENT_BODY = os.environ.get("REPORT_DOCX_PARENT_BODY", "UBND THÀNH PHỐ HẢI PHÒNG")
REPORT_DOCX_ISSUER = os.environ.get("REPORT_DOCX_ISSUER", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ")
REPORT_DOCX_SYMBOL = os.environ.get("REPORT_DOCX_SYMBOL", "BC-SKHĐT")
REPORT_DOCX_PLACE = os.environ.get("REPORT_DOCX_PLACE", "Hải Phòng")
REPORT_DOCX_SIGNER_TITLE = os.environ.get("REPORT_DOCX_SIGNER_TITLE", "GIÁM ĐỐC")
REPORT_DOCX_SIGNER_NAME = os.environ.get("REPORT_DOCX_SIGNER_NAME", "")
REPORT_DOCX_RECIPIENTS = os.environ.get("REPORT_DOCX_RECIPIENTS", "UBND thành phố")
# Weekly digest: a failed send is retried after 1, 2, 4, 8, 16 times this many seconds.
DIGEST_RETRY_BASE_SECONDS = int(os.environ.get("DIGEST_RETRY_BASE_SECONDS", "60"))
# A digest lists at most this many units per stream (the first and last halves of the ranking, then how many
# more), and as many flags raised or cleared and reallocation candidates.
DIGEST_MAX_UNITS = env_int("DIGEST_MAX_UNITS", 40)
# Explanation requests: how long the emailed link stays valid, the default deadline in working days, how many
# working days before the deadline the reminder goes out, and how often one address may use the public form.
EXPLANATION_LINK_MAX_AGE_DAYS = env_int("EXPLANATION_LINK_MAX_AGE_DAYS", 30)
EXPLANATION_WORKING_DAYS = env_int("EXPLANATION_WORKING_DAYS", 5)
EXPLANATION_REMINDER_DAYS_BEFORE = env_int("EXPLANATION_REMINDER_DAYS_BEFORE", 1)
EXPLANATION_FORM_LIMIT = env_int("EXPLANATION_FORM_LIMIT", 30)
EXPLANATION_FORM_WINDOW_SECONDS = env_int("EXPLANATION_FORM_WINDOW_SECONDS", 600)

# One cache for every web process: the API's per-key throttle and its cached responses are shared
# when CACHE_URL points to Redis; the local default keeps them per process. With Redis unreachable the API
# answers without it (disbursement/api/sharedcache.py); short socket timeouts keep a silent host from holding requests.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHE_SOCKET_TIMEOUT = float(os.environ.get("CACHE_SOCKET_TIMEOUT", "1"))
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "giaingan",
            "OPTIONS": {"socket_connect_timeout": CACHE_SOCKET_TIMEOUT, "socket_timeout": CACHE_SOCKET_TIMEOUT},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "giaingan"}
    )
}

# HTTPS, switched on by the deployment's environment (deploy/giaingan.env.example); off for a local run on http.
# Behind nginx, which overwrites X-Forwarded-Proto and X-Real-IP: trust them for the scheme and the client address.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
# Probes may call the application server directly over http.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# One Content-Security-Policy for every page, the admin, the API and its documentation: nothing is loaded from
# outside the service, so a networkless office still reads every page. Inline scripts and styles stay allowed for
# the admin's templates and the documentation bundles; Swagger UI starts a worker from a blob.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "worker-src": [SELF, "blob:"],
        "connect-src": [SELF],
    }
}

# CORS: only the configured dashboards may call the API from a browser.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "disbursement.api.base.ApiAutoSchema",
    # Dashboards call with 'Authorization: Api-Key <key>'; staff with their session. Anonymous gets nothing;
    # writes need the admin's model permissions (disbursement/api/permissions.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "disbursement.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["disbursement.api.permissions.ModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "disbursement.api.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "disbursement.api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "disbursement.api.exceptions.api_exception_handler",
    # Vietnamese view names in OPTIONS answers and the browsable API.
    "VIEW_NAME_FUNCTION": "disbursement.api.base.view_name",
    # An atomic counter per key or account and window in the shared cache; lets requests through if it is down.
    "DEFAULT_THROTTLE_CLASSES": ["disbursement.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "apikey": os.environ.get("API_KEY_THROTTLE_RATE", "600/minute"),
        "staff": os.environ.get("API_STAFF_THROTTLE_RATE", "1200/minute"),
    },
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
}

# The API's root listing, schema and documentation pages describe the interface, never data: public by default,
# so a dashboard's developer reads them in a browser, where an API key cannot be sent. Off: a key or staff session.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", True)

SPECTACULAR_SETTINGS = {
    "TITLE": "API giải ngân vốn đầu tư công",
    "DESCRIPTION": (
        "Số liệu giải ngân, tỷ lệ, xếp hạng và cảnh báo theo chủ đầu tư và quận, huyện.\n\n"
        "- **Xác thực**: tiêu đề `Authorization: Api-Key <khóa>` (nút *Authorize*), hoặc phiên đăng nhập "
        "của cán bộ. Tài liệu và lược đồ mở cho mọi người (trừ khi đặt API_DOCS_PUBLIC=0); số liệu thì cần khóa.\n"
        "- **Đơn vị**: mọi câu trả lời ghi một đơn vị là `unit` {level, id, code, name, display_name}; "
        "các bộ lọc nhận mã (`?investor=SYT`, `?district=KT`); mã không có trả lời 400 nêu mã đó.\n"
        '- **Lỗi**: `{"error": {"code", "message", "details"}}`, thông báo tiếng Việt.\n'
        "- **Bộ nhớ đệm**: danh sách theo kỳ số liệu có `ETag`, `Last-Modified`; gửi lại `If-None-Match` "
        "để nhận 304 khi chưa có gì mới.\n"
        "- `/api/v1/` liệt kê mọi thao tác."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation pages load Swagger UI and Redoc from this service, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Who may read the schema and its pages: disbursement.api.permissions.DocumentationPermission (API_DOCS_PUBLIC).
    "SERVE_PERMISSIONS": ["disbursement.api.permissions.DocumentationPermission"],
    # `check --deploy` also builds the API schema: a defect there (two components of one name) fails it.
    "ENABLE_DJANGO_DEPLOY_CHECK": True,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "disbursement.api.base.describe_path_parameters",
    ],
    "ENUM_NAME_OVERRIDES": {
        "BasisEnum": "disbursement.api.serializers.BASIS_CHOICES",
        "UnitLevelEnum": "disbursement.models.reference.CapitalStream.UnitLevel",
        "FigureScopeEnum": "disbursement.models.results.Figure.Scope",
        "ApiKeyScopeEnum": "disbursement.models.apikeys.ApiKey.Scope",
        "CityPlanLevelEnum": "disbursement.models.plans.CityPlan.Level",
        "ComparisonBasisEnum": "core.succession.ComparisonBasis",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes announces itself at every start; its warnings (lockouts) still show.
    "loggers": {"axes.apps": {"level": "WARNING"}},
}

# Vietnamese number and date notation in the staff pages (thousands dots, d/m/Y).
FORMAT_MODULE_PATH = ["config.formats"]
