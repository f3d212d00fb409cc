"""The public "price this cart" endpoint (mounted at /api/v1/cart/): the online mall, the
mini-program and partners show the price checkout would charge, with every cent explained.

It calls the same pricing function as the till and the online order (sales.selectors.cart_price
→ sales.pricing.price_cart → the promotions engine). Who may ask:
- a shopper with no token: priced as a guest (no member price; batch coupon codes work);
- a signed-in member (member app token): priced as that member, never as another;
- staff (bearer token or session) who may sell or see promotions in the store: for any member;
  other staff are priced as a guest, and refused when they name a member.
"""

from ninja import Router

from storeos.accounts.permissions import Perm, has_perm
from storeos.api.auth import api_auth
from storeos.api.schemas import error_responses
from storeos.catalog.selectors import skus_for_lines
from storeos.core.errors import PermissionDenied
from storeos.loyalty.api_member import member_auth
from storeos.loyalty.models import Member
from storeos.promotions.schemas import CartPriceRequest, PricedCartResult
from storeos.sales import selectors as sales_selectors
from storeos.sales.pricing import CartItem, PricedCart
from storeos.stores.selectors import store_lookup


class Guest:
    """The caller presented no token: a shopper browsing the shop."""

    is_authenticated = False

    def __bool__(self) -> bool:
        return True


def _guest(request):
    return Guest()


router = Router(tags=["cart"], auth=[*api_auth, member_auth, _guest])


def _member_for(caller, store, asked: int | None) -> int | None:
    """The member whose prices apply, or a refusal when the caller may not price as them."""
    if isinstance(caller, Member):
        if asked is not None and asked != caller.pk:
            raise PermissionDenied(
                "A member is priced as themselves.",
                code="member_mismatch",
                details={"member_id": asked},
            )
        return caller.pk
    if asked is None:
        return None  # anyone may price a cart as a guest, staff of any role or store too
    if isinstance(caller, Guest):
        raise PermissionDenied(
            "Sign in to see member prices.",
            code="member_sign_in_required",
            details={"member_id": asked},
        )
    if not (
        has_perm(caller, Perm.SALES_CHECKOUT, store)
        or has_perm(caller, Perm.PROMOTIONS_VIEW, store)
    ):
        raise PermissionDenied(
            "You do not have permission to price carts in this store.",
            details={"store": store.pk},
        )
    if asked is not None and not has_perm(caller, Perm.MEMBERS_VIEW, store):
        raise PermissionDenied(
            "You do not have permission to price for a member here.",
            details={"member_id": asked},
        )
    return asked


def _items(lines) -> list[CartItem]:
    by_id, by_code = skus_for_lines(
        sku_ids=[line.sku_id for line in lines if line.sku_id is not None],
        barcodes=[line.barcode for line in lines if line.sku_id is None],
    )
    return [
        CartItem(
            by_id[line.sku_id] if line.sku_id is not None else by_code[line.barcode.strip()],
            line.quantity,
        )
        for line in lines
    ]


def priced_body(priced: PricedCart, *, store_id: int, channel: str, member_id) -> dict:
    """The answer: lines with their adjustments, order adjustments, totals and the savings."""
    return {
        "store_id": store_id,
        "channel": channel,
        "member_id": member_id,
        "lines": [
            {
                "sku_id": line.sku.pk,
                "sku_code": line.sku.code,
                "sku_name": line.sku.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount": line.discount,
                "line_total": line.line_total,
                "is_gift": line.is_gift,
                "adjustments": line.adjustments,
            }
            for line in priced.lines
        ],
        "adjustments": priced.adjustments,
        "coupon_codes": list(priced.coupon_codes),
        "points_multiplier": priced.points_multiplier,
        "subtotal": priced.subtotal,
        "discount_total": priced.discount_total,
        "total": priced.total,
        "savings": priced.discount_total,
        "tax_total": priced.tax_total,
    }


@router.post(
    "/price",
    response={200: PricedCartResult, **error_responses(404, 409)},
    summary="Price a cart with promotions, the member's price and coupons, every cent explained",
)
def cart_price(request, payload: CartPriceRequest):
    store = store_lookup(store_id=payload.store_id)
    member_id = _member_for(request.auth, store, payload.member_id)
    codes = [code.strip().upper() for code in payload.coupon_codes]
    # The caller's right to price here was checked above, so the selector prices as the system.
    priced = sales_selectors.cart_price(
        user=None,
        store=store,
        channel=payload.channel,
        items=_items(payload.lines),
        member_id=member_id,
        coupon_codes=codes,
    )
    return priced_body(priced, store_id=store.pk, channel=payload.channel, member_id=member_id)
