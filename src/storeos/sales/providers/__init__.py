"""QR payment providers behind one interface (`QrProvider`): WeChat Pay, Alipay, the sandbox."""

from storeos.sales import provider_settings
from storeos.sales.errors import PaymentInvalid
from storeos.sales.providers.base import (
    Ack,
    Notification,
    OutgoingRequest,
    ProviderResponse,
    ProviderUnavailable,
    QrProvider,
    RefundResult,
    Transport,
)
from storeos.sales.providers.transport import transport_override

QR_METHODS = ("wechat", "alipay", "sandbox")

__all__ = [
    "QR_METHODS",
    "Ack",
    "Notification",
    "OutgoingRequest",
    "ProviderResponse",
    "ProviderUnavailable",
    "QrProvider",
    "RefundResult",
    "Transport",
    "provider_for",
    "transport_override",
]


def _unavailable(method: str) -> PaymentInvalid:
    return PaymentInvalid(
        f"QR payments by {method} are not set up on this server.",
        code="payment_method_unavailable",
        details={"method": method},
    )


def provider_for(method: str) -> QrProvider:
    """The configured provider for a QR method; `payment_method_unavailable` when there is none."""
    from storeos.sales.providers import transport

    if method == "wechat":
        from storeos.sales.providers.wechat import WechatProvider

        if (config := provider_settings.wechat_config()) is None:
            raise _unavailable(method)
        return WechatProvider(config, transport.current())
    if method == "alipay":
        from storeos.sales.providers.alipay import AlipayProvider

        if (config := provider_settings.alipay_config()) is None:
            raise _unavailable(method)
        return AlipayProvider(config, transport.current())
    if method == "sandbox":
        from storeos.sales.providers.sandbox import SandboxProvider

        if not provider_settings.sandbox_enabled():
            raise _unavailable(method)
        return SandboxProvider()
    raise PaymentInvalid(
        f"{method!r} is not a QR payment method.",
        code="payment_method_invalid",
        details={"method": method, "methods": list(QR_METHODS)},
    )
