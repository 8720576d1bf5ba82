"""The shop's tasks: orders are checked with pydantic and stored with Django's ORM."""

import fcntl
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from pydantic import BaseModel, Field

_migrated = False


class OrderIn(BaseModel):
    reference: str = Field(min_length=1, max_length=64)
    sku: str = Field(min_length=1, max_length=32)
    quantity: int = Field(gt=0)
    unit_cents: int = Field(ge=0)


def _ensure_schema() -> None:
    """Apply the migrations once per process, one process at a time (SQLite)."""
    global _migrated
    if _migrated:
        return
    with open(Path(settings.STATE_DIR) / "migrate.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        call_command("migrate", interactive=False, verbosity=0)
    _migrated = True


@shared_task(name="orders.tasks.place_order")
def place_order(payload: dict) -> dict:
    """Store an order; return its reference and total."""
    from orders.models import Order

    _ensure_schema()
    order_in = OrderIn.model_validate(payload)
    order, _ = Order.objects.get_or_create(
        reference=order_in.reference,
        defaults={
            "sku": order_in.sku,
            "quantity": order_in.quantity,
            "total_cents": order_in.quantity * order_in.unit_cents,
        },
    )
    return {"reference": order.reference, "total_cents": order.total_cents}


@shared_task(name="orders.tasks.send_receipt")
def send_receipt(reference: str) -> str:
    """Pretend to e-mail the receipt of an order."""
    return f"receipt sent for {reference}"


@shared_task(name="orders.tasks.batch_totals")
def batch_totals() -> int:
    """Sum every order's total, in cents."""
    from django.db.models import Sum

    from orders.models import Order

    _ensure_schema()
    return Order.objects.aggregate(total=Sum("total_cents"))["total"] or 0
