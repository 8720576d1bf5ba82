"""The example Celery application that Longshore deploys."""

__version__ = "0.1.0"
