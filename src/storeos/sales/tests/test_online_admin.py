import uuid
from decimal import Decimal

from storeos.accounts.models import User
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.shifts import shift_open


def test_orders_and_shifts_are_shown_but_not_editable_in_the_admin(client, store, cashier, bricks):
    shift = shift_open(actor=cashier, store=store, register="T1", opening_float="100")
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1)],
        payments=[Tender("cash", Decimal("99.00"), tendered=Decimal("100.00"))],
        shift=shift,
    )
    client.force_login(User.objects.create_superuser("root", password="pw-not-used-1"))

    listing = client.get("/admin/sales/order/")
    page = client.get(f"/admin/sales/order/{order.pk}/change/")
    shifts = client.get("/admin/sales/shift/")
    edit = client.post(f"/admin/sales/order/{order.pk}/change/", {"note": "changed"})

    assert listing.status_code == page.status_code == shifts.status_code == 200
    assert order.number in listing.content.decode()
    assert "BRICKS" in page.content.decode()
    assert "T1" in shifts.content.decode()
    assert edit.status_code == 403
    order.refresh_from_db()
    assert order.note == ""
