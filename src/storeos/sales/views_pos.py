"""The till screen (POS): the page, and the two small lookups it makes while a cashier scans.

Prices, promotions and coupons come from the cart price API (`/api/v1/sales/cart/price`), which
`pos.js` asks whenever the cart, the member or the coupons change; the texts below name the
coupon refusals in the cashier's language.

The page is a shell for `sales/pos.js`, which keeps the cart, takes payments and posts each sale
to the checkout API (`/api/v1/sales/orders`) under an order id the browser chose; when the network
is down it queues the sale in the browser and replays it later, and checkout's idempotency on that
id makes each queued sale land exactly once. The views here only check who may sell where and
answer lookups; every write goes through the checkout API and its service.
"""

import re
import uuid as uuid_lib
from decimal import Decimal
from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from storeos.accounts.permissions import Perm, require, store_ids_with
from storeos.core import clock
from storeos.core.errors import (
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from storeos.sales import provider_settings
from storeos.sales.models import PaymentMethod
from storeos.sales.pos_search import pos_sku_by_code, pos_sku_search
from storeos.sales.providers import QR_METHODS
from storeos.sales.receipts import qr_code_svg
from storeos.sales.selectors import order_get, shift_current
from storeos.web.current_store import current_store
from storeos.web.decorators import staff_page
from storeos.web.errors import MESSAGES, error_message

TILL_COOKIE = "storeos_till"
DEFAULT_TILL = "T01"
_TILL_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
CHECKOUT_URL = "/api/v1/sales/orders"
INTENTS_URL = "/api/v1/sales/payment-intents"
PRICE_URL = "/api/v1/sales/cart/price"
MAX_QR_TEXT = 512
# `pos.js` puts each order's id in place of this one in the receipt page's address.
_RECEIPT_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
RETRY_SECONDS = 10

# Refusals a till meets, in the cashier's language (the API's own messages are English).
POS_MESSAGES = {
    "payment_mismatch": _("The payments do not add up to the total."),
    "payment_invalid": _("A payment is not valid: check the amounts and the methods."),
    "age_check_required": _("This sale has age-restricted items: confirm the customer's age."),
    "sku_not_sold_on_channel": _("An item in this sale may not be sold at the till."),
    "cart_invalid": _("The sale is not valid: check the items and quantities."),
    "sku_inactive": _("An item in this sale is no longer sold."),
    "no_selling_location": _("This store has no shop floor set up for the till."),
    "barcode_not_found": _("No item has this code."),
    "sku_not_found": _("No item has this code."),
    "qr_payment_unconfirmed": _("The QR payment has not been confirmed yet."),
    "idempotency_conflict": _("This sale was already sent with other items or payments."),
    "permission_denied": _("You may not sell in this store."),
    "member_not_found": _("No member has this code or phone number."),
    "programme_missing": _("No member programme is set up."),
    "insufficient_points": _("The member does not have enough points for this."),
    "points_share_exceeded": _("Points may pay only part of this order: lower the amount."),
    "points_invalid": _("The points amount is not valid."),
    "points_need_member": _("Only a member can pay with points: attach the member first."),
    # Coupons the pricing engine refuses (promotions.errors).
    "coupon_not_found": _("No coupon has this code."),
    "coupon_used": _("This coupon has already been used."),
    "coupon_expired": _("This coupon has expired or is not valid yet."),
    "coupon_not_yours": _("This coupon belongs to another member: attach its owner first."),
    "coupon_min_spend_not_met": _(
        "The items this coupon applies to do not reach its minimum spend."
    ),
    "coupon_not_stackable": _(
        "This coupon cannot be combined with the coupon already on the sale."
    ),
    "coupon_item_missing": _("This coupon needs an item that is not in the sale."),
    "coupon_not_yet_valid": _("This coupon is not valid yet."),
    "coupon_unavailable": _("This coupon can no longer be used."),
    "coupon_void": _("This coupon can no longer be used."),
}

# Every text pos.js shows, translated on the server so the till speaks the cashier's language.
POS_TEXT = {
    "online": _("Online"),
    "offline": _("Offline"),
    "syncing": _("Sending queued sales…"),
    "signInAgain": _("Sign in again to send the queued sales."),
    "notFound": _("No item has the code %(code)s."),
    "notCached": _("Offline, and %(code)s was not scanned recently on this till."),
    "noMatches": _("No matches."),
    "searchingOffline": _("Offline: searching the items scanned recently on this till."),
    "added": _("Added %(name)s."),
    "emptyCart": _("Scan an item first."),
    "confirmAge": _("Confirm the customer is of age before taking payment."),
    "amountInvalid": _("Enter an amount above zero."),
    "amountTooHigh": _("The amount is more than what is left to pay."),
    "tenderedTooLow": _("The cash handed over is less than the amount."),
    "referenceRequired": _("Enter the card terminal's reference."),
    "notPaidYet": _("%(left)s is still to be paid."),
    "saleDone": _("Sale complete."),
    "saleQueued": _("Offline: the sale is queued and will be sent when the till is back online."),
    "changeDue": _("Change due: %(change)s"),
    "receipt": _("Receipt"),
    "queued": _("Queued"),
    "attention": _("Needs attention"),
    "waitingFor": _("Waiting for %(name)s to sign in"),
    "retry": _("Send again"),
    "discard": _("Discard"),
    "discardConfirm": _("Discard this sale? It will not be recorded and its stock stays."),
    "remove": _("Remove"),
    "decrease": _("One less"),
    "increase": _("One more"),
    "quantity": _("Quantity"),
    "ageRestricted": _("Age check"),
    "items": _("items"),
    "sending": _("Sending…"),
    "serverError": _("The server could not take the sale. It stays queued and will be retried."),
    "refused": _("The server refused the sale."),
    "qrStart": _("Show the QR code first and wait for the customer to pay."),
    "qrWaiting": _("Waiting for the customer to pay %(amount)s…"),
    "qrPaid": _("The customer has paid %(amount)s."),
    "qrFailed": _("The QR payment did not go through. Try again or take another method."),
    "qrOffline": _("QR payments need the network: take cash or card while offline."),
    # Members at the till.
    "memberFind": _("Find the member"),
    "memberSearching": _("Looking up the member…"),
    "memberAttached": _("Member %(name)s attached."),
    "memberDetached": _("Member removed from this sale."),
    "memberCached": _("Offline: member from an earlier lookup on this till; points are earned."),
    "memberOffline": _("Offline: only members looked up recently on this till can be found."),
    "memberPoints": _("%(points)s points"),
    "memberOwed": _("%(points)s points owed"),
    "memberDiscount": _("Member discount %(percent)s"),
    "memberMultiplier": _("×%(multiplier)s points"),
    "memberGiftWrap": _("Free gift wrapping"),
    "memberDetach": _("Remove member"),
    "pricing": _("Getting the member's prices…"),
    "pricingEstimated": _("Offline: member prices are estimated; the server checks them."),
    "discount": _("Discount"),
    "pointsRate": _("%(points)s points = ¥1 · at most %(max)s of this sale · %(balance)s points"),
    "pointsNeeded": _("Takes %(points)s points"),
    "pointsTooMany": _("At most %(max)s may be paid with points."),
    "pointsOnce": _("Points can pay once per sale."),
    "pointsWhole": _("This amount is not a whole number of points."),
    "pointsOffline": _("Points payments need the network: take cash or card while offline."),
    "pointsNeedMember": _("Attach a member first to pay with points."),
    "pointsEarned": _("%(name)s earned %(points)s points · balance %(balance)s"),
    "pointsSpent": _("%(points)s points paid"),
    # Coupons, promotions and free gifts at the till.
    "coupon": _("Coupon"),
    "couponChecking": _("Checking the coupon…"),
    "couponAdded": _("Coupon %(code)s: −%(amount)s"),
    "couponRemoved": _("Coupon %(code)s taken off the sale."),
    "couponRemove": _("Take coupon %(code)s off the sale"),
    "couponDropped": _("Coupon %(code)s was taken off the sale."),
    "couponAlready": _("This coupon is already on the sale."),
    "couponNeedsItems": _("Scan the items first, then the coupon."),
    "couponOffline": _(
        "Offline: coupons cannot be checked now. Try again when the till is online."
    ),
    "couponOfflineSale": _(
        "Offline: a sale with a coupon cannot be queued. Wait for the network, "
        "or take the coupon off and charge the full price."
    ),
    "gift": _("Gift"),
}


def _texts() -> dict:
    texts = {key: str(value) for key, value in POS_TEXT.items()}
    # The queue counter needs the language's plural forms; the number is filled in by pos.js.
    texts["queuedOne"] = ngettext("%(count)s sale queued", "%(count)s sales queued", 1)
    texts["queuedMany"] = ngettext("%(count)s sale queued", "%(count)s sales queued", 2)
    texts["methods"] = {key: str(label) for key, label in PaymentMethod.choices}
    return texts


def _message(exc: DomainError) -> str:
    return str(POS_MESSAGES[exc.code]) if exc.code in POS_MESSAGES else error_message(exc)


def _error_texts() -> dict:
    return {code: str(text) for code, text in {**MESSAGES, **POS_MESSAGES}.items()}


def _till_of(request) -> tuple[str, bool]:
    """The till this browser works as: a `till` parameter (remembered), a cookie, or the default."""
    wanted = request.GET.get("till", "").strip()
    if _TILL_PATTERN.match(wanted):
        return wanted, True
    remembered = request.COOKIES.get(TILL_COOKIE, "")
    return (remembered if _TILL_PATTERN.match(remembered) else DEFAULT_TILL), False


def _open_shift(*, user, store, till: str):
    """The till's open cash shift, or None: the till sells without one (the shift is optional)."""
    try:
        return shift_current(user=user, store=store, register=till)
    except NotFound:
        return None


def _qr_methods() -> list[str]:
    """The QR methods this server can take (a provider configured, or the demo's sandbox)."""
    try:
        resolve(INTENTS_URL)
    except Resolver404:  # the payments API is not mounted on this site
        return []
    configured = {
        PaymentMethod.WECHAT: provider_settings.wechat_config() is not None,
        PaymentMethod.ALIPAY: provider_settings.alipay_config() is not None,
        PaymentMethod.SANDBOX: provider_settings.sandbox_enabled(),
    }
    return [method for method in QR_METHODS if configured.get(method)]


def _receipt_url() -> str:
    """The receipt page's address with `__order__` where the order id goes."""
    try:
        url = reverse("sales_reports:receipt", kwargs={"order_uuid": _RECEIPT_PLACEHOLDER})
    except NoReverseMatch:  # receipts not mounted: the till still sells, without the link
        return ""
    return url.replace(_RECEIPT_PLACEHOLDER, "__order__")


def _selling_store(request):
    """The current store, if the user may sell there; PermissionDenied otherwise."""
    store = current_store(request)
    if store is not None:
        require(request.user, Perm.SALES_CHECKOUT, store)
    return store


@require_GET
@staff_page(Perm.SALES_CHECKOUT)
def pos_screen(request):
    store = _selling_store(request)
    if store is None:
        return render(request, "sales/pos_no_store.html")
    till, chosen = _till_of(request)
    user = request.user
    shift = _open_shift(user=user, store=store, till=till)
    qr_methods = _qr_methods()
    config = {
        "storeId": store.pk,
        "till": till,
        "shiftId": shift.pk if shift else None,
        "userId": user.pk,
        "userName": user.get_full_name() or user.get_username(),
        "csrfToken": get_token(request),
        "currency": "¥",
        "retrySeconds": RETRY_SECONDS,
        "urls": {
            "lookup": reverse("pos:lookup"),
            "search": reverse("pos:search"),
            "checkout": CHECKOUT_URL,
            "receipt": _receipt_url(),
            "intents": INTENTS_URL,
            "qr": reverse("pos:qr"),
            "member": reverse("pos:member"),
            "memberPoints": reverse("pos:member_points"),
            "price": PRICE_URL,
        },
        "qrMethods": qr_methods,
        "text": _texts(),
        "errors": _error_texts(),
    }
    context = {
        "store": store,
        "till": till,
        "shift": shift,
        "qr_methods": [(method, PaymentMethod(method).label) for method in qr_methods],
        "pos_config": config,
    }
    response = render(request, "sales/pos.html", context)
    if chosen:
        response.set_cookie(TILL_COOKIE, till, max_age=3600 * 24 * 365, samesite="Lax")
    return response


def till_json(view):
    """Sign-in required, and refusals as JSON `{"code", "message"}` for the till's script."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            if not request.user.is_authenticated:
                raise NotAuthenticated("Sign in first.")
            if store_ids_with(request.user, Perm.SALES_CHECKOUT) == set():
                # Nobody who may not sell anywhere is asked to choose a store first.
                raise PermissionDenied("You do not have permission to sell.")
            store = _selling_store(request)
            if store is None:
                raise ValidationFailed("Choose a store first.", code="store_required")
            return JsonResponse(view(request, store, *args, **kwargs))
        except DomainError as exc:
            return JsonResponse(
                {"code": exc.code, "message": _message(exc), "details": exc.details},
                status=exc.status,
            )

    return wrapper


@require_GET
@till_json
def pos_lookup(request, store):
    """The item a scanned barcode or typed SKU code names, with the till price."""
    item = pos_sku_by_code(user=request.user, store=store, code=request.GET.get("code", ""))
    return {"item": item.as_json()}


@require_GET
@till_json
def pos_search(request, store):
    """At most twenty items matching what the cashier typed, with the till price."""
    items = pos_sku_search(user=request.user, store=store, q=request.GET.get("q", ""))
    return {"items": [item.as_json() for item in items]}


@require_GET
@staff_page(Perm.SALES_CHECKOUT)
def pos_qr(request):
    """The QR code a customer scans to pay, drawn from the provider's payment link."""
    text = request.GET.get("data", "")
    if not text or len(text) > MAX_QR_TEXT:
        return HttpResponse(status=400)
    response = HttpResponse(str(qr_code_svg(text)), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=600"
    return response


# --- Members at the till -------------------------------------------------------------------------
# The member the cashier scans or types, as the till shows it: masked name and phone, tier,
# points and benefits, and the programme's terms for paying with points. Loyalty's selectors
# find the member; the Member row adds the programme's terms and the pricing rate.


def _member_find(*, user, query: str):
    """The member and their summary (None when loyalty has no selectors yet)."""
    from storeos.loyalty.models import Member

    try:
        from storeos.loyalty.selectors import member_lookup
    except ImportError:  # an older loyalty: the members module finds them
        member_lookup = None
    if member_lookup is None:
        return _member_find_directly(query), None
    summary = member_lookup(user=user, query=query)
    member = Member.objects.select_related("tier", "programme").get(pk=summary.id)
    return member, summary


def _member_find_directly(query: str):
    from storeos.loyalty import members
    from storeos.loyalty.errors import MemberNotFound

    query = (query or "").strip()
    if not query:
        raise MemberNotFound("Enter a member code or a phone number.")
    digits = re.sub(r"\D", "", query)
    if len(digits) == 11 and not query[:1].isalpha():
        try:
            return members.member_by_phone(query)
        except MemberNotFound:
            pass
    return members.member_by_code(query)


def _member_rate(member, store) -> Decimal:
    """What the member pays less (tier plus a paid plan): the till's offline estimate."""
    try:
        from storeos.loyalty.earning import member_price_terms
    except ImportError:
        return Decimal(member.tier.discount_rate)
    today = clock.business_date(clock.now(), store.time_zone)
    return member_price_terms(member_id=member.pk, on=today, sku_ids=[]).rate


def _decimal_text(value) -> str:
    return f"{Decimal(value).normalize():f}"


def member_json(member, store, summary=None) -> dict:
    """The member as the till shows them: never the full name or phone number."""
    tier = member.tier
    points = summary.points_balance if summary else member.points_balance
    owed = summary.points_debt if summary else member.points_debt
    discount = Decimal(tier.discount_rate)
    return {
        "member": {
            "id": member.pk,
            "code": member.code,
            "name": member.name_masked,
            "phone": member.phone_masked,
            "tier": {"code": tier.code, "name": tier.name},
            "points": points,
            "points_owed": owed,
            "benefits": {
                "discount_rate": str(discount),
                "discount_percent": _decimal_text(discount * 100) + "%",
                "points_multiplier": _decimal_text(tier.points_multiplier),
                "free_gift_wrapping": bool(tier.free_gift_wrapping),
            },
            "price_rate": str(_member_rate(member, store)),
        },
        "programme": {
            "points_per_yuan_redeemed": member.programme.points_per_yuan_redeemed,
            "max_redeem_share": str(member.programme.max_redeem_share),
        },
    }


@require_GET
@till_json
def pos_member(request, store):
    """The member a scanned member code or a typed phone number names (`member_not_found`)."""
    require(request.user, Perm.MEMBERS_VIEW, store)
    member, summary = _member_find(user=request.user, query=request.GET.get("q", ""))
    return member_json(member, store, summary)


def _order_uuid(text: str) -> uuid_lib.UUID:
    try:
        return uuid_lib.UUID(text)
    except (TypeError, ValueError, AttributeError):
        raise ValidationFailed("Give an order id.", code="order_id_invalid") from None


@require_GET
@till_json
def pos_member_points(request, store):
    """Points a member earned and paid on one of this store's sales, and their balance now."""
    from storeos.loyalty.models import EntryKind, Member, PointsEntry

    require(request.user, Perm.MEMBERS_VIEW, store)
    order_uuid = _order_uuid(request.GET.get("order", ""))
    order = order_get(user=request.user, order_uuid=order_uuid)
    if order.store_id != store.pk or order.member_id is None:
        raise NotFound("This sale has no member.", code="member_not_found")
    entries = PointsEntry.objects.filter(
        member_id=order.member_id,
        source_type="order",
        source_id__in=[str(order_uuid), order_uuid.hex],
    ).values_list("kind", "points")
    earned = sum(points for kind, points in entries if kind == EntryKind.EARN)
    spent = -sum(points for kind, points in entries if kind == EntryKind.REDEEM)
    member = Member.objects.filter(pk=order.member_id).only("points_balance", "name").first()
    return {
        "order_id": str(order_uuid),
        "member_id": order.member_id,
        "name": member.name_masked if member else "",
        "earned": earned,
        "spent": spent,
        "balance": member.points_balance if member else 0,
    }
