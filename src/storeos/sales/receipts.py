"""Receipts (小票): what a sale printed on 80 mm paper says, its PDF, and the e-receipt link.

A receipt is built from the stored order only — never re-priced — so a reprint next month shows
what the customer paid that day. The e-receipt is reached by a signed token instead of a login:
the signature (keyed by SECRET_KEY) makes the link unguessable even when a till chose a
predictable order id, and changing one character of it finds nothing.
"""

import datetime as dt
import uuid as uuid_lib
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import qrcode
import qrcode.image.svg
from django.core import signing
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from storeos.accounts.permissions import Perm, has_perm
from storeos.core.channels import Channel
from storeos.core.money import ZERO, to_money
from storeos.sales.errors import OrderNotFound
from storeos.sales.models import (
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)

TOKEN_SALT = "storeos.sales.e-receipt"
# Rendered tall first, then cut to the content: a receipt roll has no fixed page length.
_PDF_PROBE_HEIGHT_MM = 3000
_PX_PER_MM = 96 / 25.4
_A4_LENGTH_MM = 297
_SOLD = {
    OrderStatus.PAID,
    OrderStatus.READY_FOR_PICKUP,
    OrderStatus.SHIPPED,
    OrderStatus.COMPLETED,
}


@dataclass(frozen=True)
class Saving:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    code: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    line_total: Decimal
    # What took the line's discount off, summing to it exactly (promotions, member price, coupons).
    savings: list[Saving] = field(default_factory=list)
    # A free gift the promotions added (赠品): printed as such, never the customer's own pick.
    is_gift: bool = False


@dataclass(frozen=True)
class ReceiptPayment:
    method: str
    amount: Decimal
    tendered: Decimal | None
    change: Decimal
    reference: str


@dataclass(frozen=True)
class TaxLine:
    rate_percent: str  # "13", "6", "9.5"
    amount: Decimal


@dataclass(frozen=True)
class Receipt:
    store_code: str
    store_name: str
    store_address: str
    time_zone: str
    order_number: str
    order_uuid: uuid_lib.UUID
    status: str
    # Shown boxed on the receipt when the order was not (or is no longer) a completed sale.
    status_note: str
    channel: str
    issued_at: dt.datetime  # in the store's time zone
    cashier: str
    associate: str
    lines: list[ReceiptLine]
    item_count: int
    subtotal: Decimal
    discount_total: Decimal
    # One row per promotion, member price or coupon, however many lines it touched.
    savings: list[Saving]
    # The coupon codes the sale redeemed (the code's last characters only, as it is a bearer token).
    coupons: list[str]
    total: Decimal
    tax_total: Decimal
    taxes: list[TaxLine]
    payments: list[ReceiptPayment]
    change_total: Decimal
    refunded_total: Decimal
    member: str  # masked; "" when no member
    age_checked: bool
    age_checked_by: str
    age_checked_at: dt.datetime | None
    e_receipt_url: str
    note: str


def receipt_order(*, user, order_uuid: uuid_lib.UUID) -> Order:
    """The order for a staff reprint. Another store's order is "not found", not "forbidden",
    so staff cannot probe which order ids exist elsewhere in the chain."""
    order = _orders().filter(uuid=order_uuid).first()
    if order is None or not has_perm(user, Perm.SALES_VIEW, order.store_id):
        raise OrderNotFound("No such order.", details={"order_id": str(order_uuid)})
    return order


def receipt_token(*, order: Order) -> str:
    """The e-receipt token: the order id, signed. Stable, so a reprinted QR code still works."""
    return signing.Signer(salt=TOKEN_SALT).sign(order.uuid.hex)


def order_for_token(*, token: str) -> Order:
    """The order a customer's e-receipt token names; a tampered or made-up token finds nothing."""
    try:
        order_hex = signing.Signer(salt=TOKEN_SALT).unsign(token)
        order_uuid = uuid_lib.UUID(hex=order_hex)
    except (signing.BadSignature, ValueError) as exc:
        raise OrderNotFound("No such receipt.") from exc
    order = _orders().filter(uuid=order_uuid).first()
    if order is None:
        raise OrderNotFound("No such receipt.")
    return order


def e_receipt_path(*, order: Order) -> str:
    return reverse("sales_reports:e_receipt", kwargs={"token": receipt_token(order=order)})


def receipt_data(*, order: Order, base_url: str = "") -> Receipt:
    """Everything a receipt shows, from the stored order. `base_url` ("https://shop.example")
    makes the e-receipt link absolute, as a QR code printed on paper needs it to be."""
    store = order.store
    lines = [_receipt_line(line) for line in order.lines.all()]
    payments = [
        ReceiptPayment(
            method=str(PaymentMethod(p.method).label) if p.method in PaymentMethod.values else "",
            amount=p.amount,
            tendered=p.tendered,
            change=p.change,
            reference=_reference_tail(p.reference),
        )
        for p in order.payments.all()
        if p.status == PaymentStatus.SUCCEEDED
    ]
    when = (order.paid_at or order.created_at).astimezone(ZoneInfo(store.time_zone))
    return Receipt(
        store_code=store.code,
        store_name=store.name,
        store_address=f"{store.city}{store.address}" if store.address else store.city,
        time_zone=store.time_zone,
        order_number=order.number,
        order_uuid=order.uuid,
        status=str(OrderStatus(order.status).label),
        status_note="" if order.status in _SOLD else str(OrderStatus(order.status).label),
        channel=str(Channel(order.channel).label) if order.channel in Channel.values else "",
        issued_at=when,
        cashier=_person(order.cashier),
        associate=_person(order.associate),
        lines=lines,
        item_count=sum(line.quantity for line in lines),
        subtotal=order.subtotal,
        discount_total=order.discount_total,
        savings=_savings_by_label(lines),
        coupons=[_reference_tail(str(code)) for code in order.coupon_codes or []],
        total=order.total,
        tax_total=order.tax_total,
        taxes=_taxes_by_rate(order.lines.all()),
        payments=payments,
        change_total=sum((p.change for p in payments), ZERO),
        refunded_total=order.refunded_total,
        member=mask_member_id(order.member_id),
        age_checked=order.age_confirmed_at is not None,
        age_checked_by=_person(order.age_confirmed_by),
        age_checked_at=order.age_confirmed_at.astimezone(ZoneInfo(store.time_zone))
        if order.age_confirmed_at
        else None,
        e_receipt_url=base_url.rstrip("/") + e_receipt_path(order=order),
        note=order.note,
    )


def mask_member_id(member_id: int | None) -> str:
    """****0042: enough for the customer to recognise their card, too little to look it up."""
    if member_id is None:
        return ""
    return "****" + f"{member_id:08d}"[-4:]


def qr_code_svg(url: str) -> SafeString:
    """An inline SVG QR code (no image files, so the PDF and the page need nothing fetched)."""
    image = qrcode.make(
        url,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    # The SVG comes from the qrcode library, not from user input: only the URL is encoded in it.
    return mark_safe(svg)


def receipt_pdf(*, receipt: Receipt) -> bytes:
    """The receipt as a PDF on an 80 mm roll, cut to the length of its content.

    Rendered in the active language with the CJK font the template names, so Chinese store
    names print as text, not boxes. Nothing is fetched: the template carries its own CSS and
    the QR code inline, and any other URL is refused.
    """
    from weasyprint import HTML

    html = render_to_string(
        "sales/receipt_pdf.html", {"receipt": receipt, "qr_svg": qr_code_svg(receipt.e_receipt_url)}
    )
    document = HTML(string=html, url_fetcher=_refuse_fetch)
    probe = document.render(stylesheets=[_page_size(_PDF_PROBE_HEIGHT_MM)])
    try:
        # WeasyPrint has no public "content height"; its layout tree has it.
        content_mm = probe.pages[0]._page_box.children[0].margin_height() / _PX_PER_MM
    except (AttributeError, IndexError):
        content_mm = _A4_LENGTH_MM  # a newer WeasyPrint: fall back to A4-long pages
    # The page's own margins (3 mm top and bottom) and a little slack for rounding.
    height_mm = min(_PDF_PROBE_HEIGHT_MM, int(content_mm) + 8)
    return document.render(stylesheets=[_page_size(height_mm)]).write_pdf()


def _page_size(height_mm: int):
    from weasyprint import CSS

    return CSS(string=f"@page {{ size: 80mm {height_mm}mm !important; margin: 3mm; }}")


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"receipts fetch nothing ({url})")


def _orders():
    return Order.objects.select_related(
        "store", "cashier", "associate", "age_confirmed_by"
    ).prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("sku").order_by("line_no")),
        Prefetch("payments", queryset=Payment.objects.order_by("id")),
    )


def _receipt_line(line: OrderLine) -> ReceiptLine:
    adjustments = [adj for adj in line.adjustments or [] if isinstance(adj, dict)]
    return ReceiptLine(
        name=line.sku.name,
        code=line.sku.code,
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount=line.discount,
        line_total=line.line_total,
        savings=_line_savings(line.discount, adjustments),
        is_gift=any(adj.get("source") == "gift" or adj.get("is_gift") for adj in adjustments),
    )


def _line_savings(discount: Decimal, adjustments: list[dict]) -> list[Saving]:
    """The line's savings as the engine explained them. A discount the explanations do not cover
    (an order from before promotions) is shown as a plain discount, so they always sum to it."""
    savings = []
    for adj in adjustments:
        amount = to_money(str(adj.get("amount") or 0))
        if amount:
            savings.append(
                Saving(
                    label=str(adj.get("label") or pgettext("receipt", "Discount")), amount=amount
                )
            )
    unexplained = discount - sum((saving.amount for saving in savings), ZERO)
    if unexplained > 0:
        savings.append(Saving(label=pgettext("receipt", "Discount"), amount=unexplained))
    return savings


def _savings_by_label(lines: list[ReceiptLine]) -> list[Saving]:
    """One row per promotion or coupon, however many lines it touched, in first-seen order."""
    totals: dict[str, Decimal] = {}
    for line in lines:
        for saving in line.savings:
            totals[saving.label] = totals.get(saving.label, ZERO) + saving.amount
    return [Saving(label, amount) for label, amount in totals.items() if amount]


def _taxes_by_rate(lines) -> list[TaxLine]:
    totals: dict[Decimal, Decimal] = {}
    for line in lines:
        totals[line.tax_rate] = totals.get(line.tax_rate, ZERO) + line.tax_amount
    return [
        TaxLine(rate_percent=format((rate * 100).normalize(), "f"), amount=amount)
        for rate, amount in sorted(totals.items())
        if rate
    ]


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _reference_tail(reference: str) -> str:
    """Card terminal and QR references are shown by their last four characters only."""
    reference = reference.strip()
    return f"…{reference[-4:]}" if len(reference) > 4 else reference
