"""QR payments (WeChat Pay, Alipay, the demo sandbox) confirmed by the provider before checkout."""

from decimal import Decimal

from storeos.sales.errors import PaymentInvalid


def provider_payment_claim(*, method: str, reference: str, amount: Decimal, order) -> None:
    """Attach a provider-confirmed payment to `order`; refuse one that is unknown or used."""
    raise PaymentInvalid(
        "QR payments are not confirmed yet.",
        code="qr_payment_unconfirmed",
        details={"method": method, "reference": reference},
    )
