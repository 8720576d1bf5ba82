"""The shop's Celery application, in Celery's usual Django layout, plus one line for the platform."""

import os

from celery import Celery

import longshore_celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
longshore_celery.configure(app)
app.autodiscover_tasks()
