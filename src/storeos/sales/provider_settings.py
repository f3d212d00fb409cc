"""QR payment provider settings: merchant ids, key files and the public notify address.

Each value is read at call time from Django settings first (tests override them there), then
from the environment, then a safe default, so nothing here needs a restart-time import order.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


def _value(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value).strip()


def _flag(name: str, default: bool) -> bool:
    value = _value(name, "")
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def _file_text(name: str) -> str:
    """The content of the PEM file the setting points at ("" when unset)."""
    path = _value(name)
    return Path(path).read_text() if path else ""


@dataclass(frozen=True)
class WechatConfig:
    mchid: str
    appid: str
    apiv3_key: str
    merchant_private_key: str  # PEM: signs our requests to WeChat Pay
    merchant_serial_no: str  # serial of the merchant API certificate
    platform_public_key: str  # PEM: WeChat Pay's public key, verifies notifications
    platform_public_key_id: str  # "PUB_KEY_ID_…", sent as Wechatpay-Serial


@dataclass(frozen=True)
class AlipayConfig:
    appid: str
    app_private_key: str  # PEM: signs our requests (RSA2)
    alipay_public_key: str  # PEM: verifies Alipay's responses and notifications
    sandbox_gateway: bool  # use Alipay's sandbox gateway


def wechat_config() -> WechatConfig | None:
    """WeChat Pay v3 in "platform public key" mode (no certificate download); None when unset."""
    mchid = _value("STOREOS_WECHAT_MCHID")
    if not mchid:
        return None
    return WechatConfig(
        mchid=mchid,
        appid=_value("STOREOS_WECHAT_APPID"),
        apiv3_key=_value("STOREOS_WECHAT_APIV3_KEY"),
        merchant_private_key=_file_text("STOREOS_WECHAT_PRIVATE_KEY_PATH"),
        merchant_serial_no=_value("STOREOS_WECHAT_CERT_SERIAL_NO"),
        platform_public_key=_file_text("STOREOS_WECHAT_PUBLIC_KEY_PATH"),
        platform_public_key_id=_value("STOREOS_WECHAT_PUBLIC_KEY_ID"),
    )


def alipay_config() -> AlipayConfig | None:
    appid = _value("STOREOS_ALIPAY_APPID")
    if not appid:
        return None
    return AlipayConfig(
        appid=appid,
        app_private_key=_file_text("STOREOS_ALIPAY_PRIVATE_KEY_PATH"),
        alipay_public_key=_file_text("STOREOS_ALIPAY_PUBLIC_KEY_PATH"),
        sandbox_gateway=_flag("STOREOS_ALIPAY_SANDBOX_GATEWAY", False),
    )


def sandbox_enabled() -> bool:
    """The demo's press-a-button provider. Off by default once a real provider is configured:
    with it on, anyone allowed to ring a sale could mark a QR payment paid."""
    real = bool(_value("STOREOS_WECHAT_MCHID") or _value("STOREOS_ALIPAY_APPID"))
    return _flag("STOREOS_PAY_SANDBOX", not real)


def live_transport() -> bool:
    """Send requests to WeChat Pay / Alipay ("live"), or only build and record them ("offline",
    the default: a laptop demo or CI has no merchant account and no network)."""
    return _value("STOREOS_PAY_TRANSPORT", "offline").lower() == "live"


def notify_url(method: str) -> str:
    """Where the provider posts its signed notification (must be reachable from the internet)."""
    base = _value("STOREOS_PAY_NOTIFY_BASE_URL", "http://localhost:8000").rstrip("/")
    return f"{base}/api/v1/sales/payment-notifications/{method}"


def sandbox_page_url(intent_uuid: str) -> str:
    """The page the sandbox QR code opens (it shows the amount and the "pay" button)."""
    base = _value("STOREOS_PAY_NOTIFY_BASE_URL", "http://localhost:8000").rstrip("/")
    return f"{base}/sales/sandbox-pay/{intent_uuid}/"


def intent_minutes() -> int:
    """How long a QR code stays payable (WeChat's Native code lives 2 hours; a till needs less)."""
    return int(_value("STOREOS_PAY_INTENT_MINUTES", "15"))
