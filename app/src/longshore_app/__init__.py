"""The example Celery application that Longshore deploys: a thin user of longshore-celery."""

__version__ = "0.2.0"
