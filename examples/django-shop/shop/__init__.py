"""The shop project. Its Celery application loads with Django, as Celery's guide does it."""

from shop.celery import app as celery_app

__all__ = ("celery_app",)
