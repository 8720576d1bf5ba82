from django.db import models


class Order(models.Model):
    """One order placed through a task."""

    reference = models.CharField(max_length=64, unique=True)
    sku = models.CharField(max_length=32)
    quantity = models.PositiveIntegerField()
    total_cents = models.PositiveIntegerField()
    placed_at = models.DateTimeField(auto_now_add=True)
