"""The shop serves no pages in this example: its work happens in Celery tasks."""

urlpatterns: list = []
