"""What every QR payment provider offers the payment services, and the values they exchange."""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from storeos.core.errors import DomainError
from storeos.sales.errors import PaymentInvalid

if TYPE_CHECKING:
    from storeos.sales.models import PaymentIntent

logger = logging.getLogger(__name__)

SUCCEEDED, PENDING, FAILED = "succeeded", "pending", "failed"


class ProviderUnavailable(DomainError):
    """The provider could not be reached, refused the request, or the request was not sent."""

    code = "payment_provider_unavailable"
    status = 503


def signature_invalid(method: str, why: str) -> PaymentInvalid:
    logger.warning("refused a %s payment notification: %s", method, why)
    return PaymentInvalid(
        "The payment notification is not authentic.",
        code="signature_invalid",
        details={"method": method},
    )


@dataclass(frozen=True)
class OutgoingRequest:
    """A request to the provider, signed by its SDK, as it goes on the wire."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""

    def as_record(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url, "headers": self.headers, "body": self.body}


@dataclass(frozen=True)
class ProviderResponse:
    status: int
    headers: Mapping[str, str]
    body: str


# Sends a request and returns the reply, or None when it was only recorded (no network).
Transport = Callable[[OutgoingRequest], ProviderResponse | None]


@dataclass(frozen=True)
class Notification:
    """What a verified notification says. `kind` is "payment" or "refund"; `outcome` is
    succeeded, pending or failed."""

    kind: str
    out_trade_no: str
    amount: Decimal
    outcome: str
    provider_transaction_id: str = ""
    out_refund_no: str = ""
    provider_refund_id: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    status: str  # succeeded | pending | failed
    provider_refund_id: str = ""
    out_refund_no: str = ""  # our refund number: the reference to match a later confirmation
    sent: bool = False
    request: dict[str, Any] = field(default_factory=dict)
    response: dict[str, Any] = field(default_factory=dict)
    message: str = ""


@dataclass(frozen=True)
class Ack:
    """The reply a provider expects once its notification is accepted."""

    status: int
    content_type: str
    body: str


class QrProvider(Protocol):
    method: str

    def create_payment(self, intent: "PaymentIntent") -> dict[str, Any]:
        """Ask the provider for a payable code; returns at least {"code_url": …} for the QR."""

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        """Check the provider's signature and read the notification; `signature_invalid` else."""

    def refund(
        self, *, intent: "PaymentIntent", out_refund_no: str, amount: Decimal, reason: str
    ) -> RefundResult:
        """Send money back. `out_refund_no` makes a resend harmless at the provider."""

    def ack(self) -> Ack: ...


def fen(amount: Decimal) -> int:
    """CNY yuan to the integer fen WeChat Pay counts in."""
    return int((amount * 100).to_integral_value())


def from_fen(value: Any) -> Decimal:
    return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


def lowercase_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names lower-cased with dashes, whether they came as HTTP names or Django's META."""
    return {
        str(name).lower().replace("_", "-").removeprefix("http-"): value
        for name, value in headers.items()
    }
