"""WeChat Pay API v3, Native (scan-to-pay) mode, through the `wechatpayv3` SDK.

The SDK builds and signs every request; its HTTP call is replaced by our transport, so a live
deployment sends exactly what tests capture. Notifications are checked by the SDK: RSA-SHA256
over "timestamp\\nnonce\\nbody\\n" with WeChat Pay's platform public key, then the resource is
decrypted with AES-256-GCM under the APIv3 key. We run in "platform public key" mode, so the SDK
never downloads certificates.
"""

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.type import RequestType
from wechatpayv3.utils import build_authorization

from storeos.sales import provider_settings
from storeos.sales.provider_settings import WechatConfig
from storeos.sales.providers.base import (
    FAILED,
    PENDING,
    SUCCEEDED,
    Ack,
    Notification,
    OutgoingRequest,
    ProviderUnavailable,
    RefundResult,
    Transport,
    fen,
    from_fen,
    lowercase_headers,
    signature_invalid,
)

METHOD = "wechat"
HEADERS = (
    "Wechatpay-Signature",
    "Wechatpay-Timestamp",
    "Wechatpay-Nonce",
    "Wechatpay-Serial",
    "Wechatpay-Signature-Type",
)
TRADE_OUTCOME = {"SUCCESS": SUCCEEDED, "CLOSED": FAILED, "PAYERROR": FAILED, "REVOKED": FAILED}
REFUND_OUTCOME = {"SUCCESS": SUCCEEDED, "CLOSED": FAILED, "ABNORMAL": FAILED}
# Payer identifiers stay with WeChat: we keep what settles the trade, not who paid.
PAYER_FIELDS = ("payer", "user_received_account")


def canonical_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The WeChat Pay headers under the names the SDK reads, whatever case they arrived in."""
    lowered = lowercase_headers(headers)
    return {name: lowered.get(name.lower(), "") for name in HEADERS}


class WechatProvider:
    method = METHOD

    def __init__(self, config: WechatConfig, transport: Transport):
        self._config = config
        self._transport = transport
        self.last_request: OutgoingRequest | None = None
        try:
            self._client = WeChatPay(
                wechatpay_type=WeChatPayType.NATIVE,
                mchid=config.mchid,
                private_key=config.merchant_private_key,
                cert_serial_no=config.merchant_serial_no,
                appid=config.appid,
                apiv3_key=config.apiv3_key,
                notify_url=provider_settings.notify_url(METHOD),
                public_key=config.platform_public_key,
                public_key_id=config.platform_public_key_id,
            )
        except Exception as exc:  # the SDK raises bare Exceptions for unusable keys
            raise ProviderUnavailable(
                "WeChat Pay is not configured correctly.", details={"method": METHOD}
            ) from exc
        # The SDK has no transport hook: route its (already signed) calls through ours.
        self._client._core.request = self._request

    # --- the SDK's HTTP call, replaced ------------------------------------------------------
    def _request(self, path, method=RequestType.GET, data=None, skip_verify=False, **extra):
        core = self._client._core
        body = json.dumps(data) if data else ""
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Wechatpay-Serial": self._config.platform_public_key_id,
            "Authorization": build_authorization(
                path, method.value, core._mchid, core._cert_serial_no, core._private_key, data=body
            ),
        }
        self.last_request = OutgoingRequest(method.value, core._gate_way + path, headers, body)
        response = self._transport(self.last_request)
        if response is None:
            return 0, ""
        if 200 <= response.status < 300 and not skip_verify:
            # Only our configured platform key may sign replies (no certificate download).
            signed = canonical_headers(response.headers)
            if signed["Wechatpay-Serial"] != self._config.platform_public_key_id or not (
                core._verify_signature(signed, response.body)
            ):
                raise ProviderUnavailable(
                    "WeChat Pay's reply is not signed by WeChat Pay.", details={"method": METHOD}
                )
        return response.status, response.body

    # --- QrProvider -------------------------------------------------------------------------
    def create_payment(self, intent) -> dict[str, Any]:
        time_zone = ZoneInfo(intent.store.time_zone)
        status, text = self._client.pay(
            description=f"{intent.store.name} {intent.out_trade_no[-8:]}"[:127],
            out_trade_no=intent.out_trade_no,
            amount={"total": fen(intent.amount), "currency": "CNY"},
            time_expire=intent.expires_at.astimezone(time_zone).isoformat(timespec="seconds"),
            attach=str(intent.store.code)[:128],
        )
        if status == 0:
            raise ProviderUnavailable(
                "WeChat Pay is not reachable from this server (offline transport).",
                details={"method": METHOD, "sent": False},
            )
        reply = _json(text)
        if status != 200 or not reply.get("code_url"):
            raise ProviderUnavailable(
                "WeChat Pay refused the payment request.",
                details={"method": METHOD, "status": status, "reply": reply},
            )
        return {"code_url": reply["code_url"]}

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        signed = canonical_headers(headers)
        if signed["Wechatpay-Serial"] != self._config.platform_public_key_id:
            raise signature_invalid(METHOD, "unknown Wechatpay-Serial")
        text = body.decode() if isinstance(body, bytes) else body
        try:
            data = self._client.callback(signed, text)
        except Exception:  # unknown signature type, malformed JSON or base64
            data = None
        if not data or not isinstance(data.get("resource"), dict):
            raise signature_invalid(METHOD, "signature or decryption failed")
        resource = data["resource"]
        if resource.get("mchid", self._config.mchid) != self._config.mchid:
            raise signature_invalid(METHOD, "not for this merchant")
        raw = {
            "id": data.get("id"),
            "event_type": data.get("event_type"),
            "create_time": data.get("create_time"),
            "resource": {k: v for k, v in resource.items() if k not in PAYER_FIELDS},
        }
        try:
            if str(data.get("event_type", "")).startswith("REFUND."):
                return Notification(
                    kind="refund",
                    out_trade_no=resource["out_trade_no"],
                    amount=from_fen(resource["amount"]["refund"]),
                    outcome=REFUND_OUTCOME.get(resource.get("refund_status"), PENDING),
                    provider_transaction_id=resource.get("transaction_id", ""),
                    out_refund_no=resource["out_refund_no"],
                    provider_refund_id=resource.get("refund_id", ""),
                    raw=raw,
                )
            return Notification(
                kind="payment",
                out_trade_no=resource["out_trade_no"],
                amount=from_fen(resource["amount"]["total"]),
                outcome=TRADE_OUTCOME.get(resource.get("trade_state"), PENDING),
                provider_transaction_id=resource.get("transaction_id", ""),
                raw=raw,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise signature_invalid(METHOD, f"resource lacks {exc}") from exc

    def refund(self, *, intent, out_refund_no: str, amount: Decimal, reason: str) -> RefundResult:
        status, text = self._client.refund(
            out_refund_no=out_refund_no,
            amount={"refund": fen(amount), "total": fen(intent.amount), "currency": "CNY"},
            transaction_id=intent.provider_transaction_id or None,
            out_trade_no=intent.out_trade_no,
            reason=reason[:80] or None,
        )
        request = self.last_request.as_record() if self.last_request else {}
        if status == 0:
            return RefundResult(PENDING, request=request, message="not sent (offline transport)")
        reply = _json(text)
        if status != 200:
            return RefundResult(FAILED, sent=True, request=request, response=reply)
        return RefundResult(
            REFUND_OUTCOME.get(reply.get("status"), PENDING),
            provider_refund_id=reply.get("refund_id", ""),
            sent=True,
            request=request,
            response=reply,
        )

    def ack(self) -> Ack:
        return Ack(200, "application/json", json.dumps({"code": "SUCCESS", "message": "OK"}))


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {"text": str(text)[:500]}
    return value if isinstance(value, dict) else {"value": value}
