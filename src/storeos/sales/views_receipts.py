"""Receipt pages: the staff reprint (HTML and PDF) and the customer's e-receipt behind a token.

The staff pages need SALES_VIEW in the order's store; the e-receipt needs nothing but its signed
token, so a customer can open it from the QR code without an account.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from storeos.accounts.permissions import Perm
from storeos.core.errors import NotFound
from storeos.sales.receipts import (
    order_for_token,
    qr_code_svg,
    receipt_data,
    receipt_order,
    receipt_pdf,
    receipt_token,
)
from storeos.web.decorators import staff_page


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _page(request, order, *, template: str, token: str = ""):
    receipt = receipt_data(order=order, base_url=_base_url(request))
    context = {"receipt": receipt, "qr_svg": qr_code_svg(receipt.e_receipt_url), "token": token}
    return render(request, template, context)


def _pdf(request, order, *, disposition: str) -> HttpResponse:
    receipt = receipt_data(order=order, base_url=_base_url(request))
    response = HttpResponse(receipt_pdf(receipt=receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'{disposition}; filename="receipt-{order.number}.pdf"'
    return response


@require_GET
@staff_page(Perm.SALES_VIEW)
def receipt(request, order_uuid):
    order = receipt_order(user=request.user, order_uuid=order_uuid)
    return _page(request, order, template="sales/receipt.html")


@require_GET
@staff_page(Perm.SALES_VIEW)
def receipt_pdf_download(request, order_uuid):
    order = receipt_order(user=request.user, order_uuid=order_uuid)
    return _pdf(request, order, disposition="inline")


def _order_by_token(token: str):
    try:
        return order_for_token(token=token)
    except NotFound as exc:
        raise Http404("No such receipt.") from exc


@require_GET
def e_receipt(request, token: str):
    order = _order_by_token(token)
    response = _page(
        request, order, template="sales/receipt_public.html", token=receipt_token(order=order)
    )
    # A receipt is the customer's business: no shared caches, no search engines.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def e_receipt_pdf(request, token: str):
    order = _order_by_token(token)
    response = _pdf(request, order, disposition="attachment")
    response["Cache-Control"] = "private, no-store"
    return response
