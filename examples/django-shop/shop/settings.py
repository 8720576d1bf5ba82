"""Settings of the shop. The database lives in the directory the platform lets it write to."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# The release the application runs from is read-only; LONGSHORE_STATE_DIR is its own.
STATE_DIR = Path(os.environ.get("LONGSHORE_STATE_DIR", BASE_DIR))

SECRET_KEY = os.environ.get("SHOP_SECRET_KEY", "development-only-key-not-for-production")
DEBUG = False
ALLOWED_HOSTS = ["localhost"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "orders",
]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": STATE_DIR / "shop.sqlite3",
        "OPTIONS": {"timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"

# The shop's own Celery choices; the platform decides the broker, results and security.
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXTENDED = True
CELERY_BROKER_URL = "amqp://guest:guest@localhost:5672//"
