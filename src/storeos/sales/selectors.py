"""Reads of orders and shifts, limited to the stores the asking user may see."""

import datetime as dt
import uuid as uuid_lib

from django.db.models import Prefetch, QuerySet

from storeos.accounts.permissions import Perm, has_perm, require_somewhere, scope_to_stores
from storeos.core.errors import NotFound, PermissionDenied
from storeos.sales.errors import CartInvalid, OrderNotFound
from storeos.sales.models import Order, OrderLine, Payment, Shift
from storeos.sales.pricing import CartItem, PricedCart, price_cart
from storeos.stores.models import Store

MAX_PAGE = 200


def _visible_orders(user) -> QuerySet[Order]:
    orders = Order.objects.all()
    if user is None:  # the system itself (a job, an import)
        return orders
    require_somewhere(user, Perm.SALES_VIEW)
    return scope_to_stores(orders, user, Perm.SALES_VIEW)


def order_list(
    *,
    user,
    store_id: int | None = None,
    channel: str | None = None,
    status: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Order], int]:
    """One page of the orders `user` may see, newest first, and how many match in all.

    Dates are business days (the store's calendar), both ends included.
    """
    orders = _visible_orders(user)
    if store_id is not None:
        orders = orders.filter(store_id=store_id)
    if channel:
        orders = orders.filter(channel=channel)
    if status:
        orders = orders.filter(status=status)
    if date_from is not None:
        orders = orders.filter(business_date__gte=date_from)
    if date_to is not None:
        orders = orders.filter(business_date__lte=date_to)
    total = orders.count()
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    page = list(
        orders.select_related("store").order_by("-created_at", "-pk")[offset : offset + limit]
    )
    return page, total


def order_get(*, user, order_uuid: uuid_lib.UUID) -> Order:
    """The order with its lines and payments; `order_not_found` when it does not exist or
    belongs to a store the user does not see (ids cannot be probed)."""
    order = (
        _visible_orders(user)
        .select_related("store", "cashier", "associate")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("sku").order_by("line_no")),
            Prefetch("payments", queryset=Payment.objects.order_by("pk")),
        )
        .filter(uuid=order_uuid)
        .first()
    )
    if order is None:
        raise OrderNotFound(
            f"Order {order_uuid} was not found.", details={"order_id": str(order_uuid)}
        )
    return order


def order_exists(*, order_uuid: uuid_lib.UUID) -> bool:
    """Whether an order id is taken, whoever asks (a till resubmitting its own sale)."""
    return Order.objects.filter(uuid=order_uuid).exists()


def _shift_not_found(shift_id) -> NotFound:
    return NotFound(
        f"Shift {shift_id} was not found.", code="shift_not_found", details={"shift_id": shift_id}
    )


def shift_get(*, user, shift_id: int) -> Shift:
    """A shift of a store `user` sees; `shift_not_found` otherwise."""
    shifts = Shift.objects.select_related("store", "cashier")
    if user is not None:
        shifts = scope_to_stores(shifts, user, Perm.SALES_VIEW)
    shift = shifts.filter(pk=shift_id).first()
    if shift is None:
        raise _shift_not_found(shift_id)
    return shift


def shift_current(*, user, store: Store, register: str) -> Shift:
    """The open shift of a till; `no_open_shift` when the till has none (open one first)."""
    if user is not None and not has_perm(user, Perm.SALES_VIEW, store):
        raise PermissionDenied("You do not have permission to see this store's shifts.")
    shift = (
        Shift.objects.select_related("store", "cashier")
        .filter(store=store, register=(register or "").strip(), status=Shift.Status.OPEN)
        .first()
    )
    if shift is None:
        raise NotFound(
            f"Till {register} has no open shift.",
            code="no_open_shift",
            details={"store_id": store.pk, "register": register},
        )
    return shift


def cart_price(
    *, user, store: Store, channel: str, items: list[CartItem], member_id=None, coupon_codes=()
):
    """Price a cart without selling it: the price the till or the shop would charge now.

    Refuses what checkout would refuse about the cart itself (a SKU not sold on the channel, a
    quantity below one), so a shop never shows a basket it cannot sell.
    """
    from storeos.sales.checkout import CartLine, cart_validate

    if user is not None and not has_perm(user, Perm.SALES_CHECKOUT, store):
        raise PermissionDenied("You do not have permission to sell in this store.")
    if not items:
        raise CartInvalid("A cart has at least one line.")
    # The age check happens when selling; pricing a basket of wine needs no ID.
    cart_validate(
        lines=[CartLine(item.sku, item.quantity) for item in items],
        channel=channel,
        age_confirmed=True,
    )
    priced: PricedCart = price_cart(
        store=store, channel=channel, items=items, member_id=member_id, coupon_codes=coupon_codes
    )
    return priced
