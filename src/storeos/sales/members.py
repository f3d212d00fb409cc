"""Orders seen from the member programme: which member an order belongs to, moving a merged
member's orders to the member who absorbed them, and whether an order came back in full."""

import uuid as uuid_lib

from django.db import transaction
from django.db.models import F

from storeos.sales.models import Order, OrderLine


def orders_member_count(*, member_id: int) -> int:
    return Order.objects.filter(member_id=member_id).count()


@transaction.atomic
def orders_member_reassign(*, from_member_id: int, to_member_id: int) -> int:
    """Point every order of one member at another (a member merge). Returns how many moved.

    Sales keeps only the member's id, so this is one UPDATE; the caller (loyalty's merge) holds
    both members locked in its transaction.
    """
    if from_member_id == to_member_id:
        return 0
    return Order.objects.filter(member_id=from_member_id).update(member_id=to_member_id)


def order_fully_returned(*, order_uuid: uuid_lib.UUID) -> bool:
    """True when every unit of every line of the order has come back (False for no such order)."""
    lines = OrderLine.objects.filter(order__uuid=order_uuid)
    if not lines.exists():
        return False
    return not lines.filter(returned_quantity__lt=F("quantity")).exists()
