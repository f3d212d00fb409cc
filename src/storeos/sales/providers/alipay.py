"""Alipay face-to-face "precreate" (the customer scans our QR code), through `python-alipay-sdk`.

The SDK builds and RSA2-signs the gateway request; its HTTP call goes through our transport and
the reply is verified by the SDK against Alipay's public key. Asynchronous notifications are
form posts whose `sign` the SDK's `verify` checks over the sorted remaining fields.
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError

from storeos.sales import provider_settings
from storeos.sales.provider_settings import AlipayConfig
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
    signature_invalid,
)

METHOD = "alipay"
TRADE_OUTCOME = {"TRADE_SUCCESS": SUCCEEDED, "TRADE_FINISHED": SUCCEEDED, "TRADE_CLOSED": FAILED}
# Buyer identifiers stay with Alipay: we keep what settles the trade, not who paid.
BUYER_FIELDS = ("buyer_id", "buyer_logon_id", "buyer_open_id", "fund_bill_list")
OK = "10000"


class _Client(AliPay):
    """The SDK's client, with its one HTTP call (`verified_sync_response`) sent through our
    transport. Returns None when the transport only recorded the request."""

    def __init__(self, *args, transport: Transport, **kwargs):
        super().__init__(*args, **kwargs)
        self.transport = transport
        self.last_request: OutgoingRequest | None = None

    def verified_sync_response(self, data, response_type):
        self.last_request = OutgoingRequest("GET", f"{self._gateway}?{self.sign_data(data)}")
        response = self.transport(self.last_request)
        if response is None:
            return None
        return self._verify_and_return_sync_response(response.body, response_type)


class AlipayProvider:
    method = METHOD

    def __init__(self, config: AlipayConfig, transport: Transport):
        self._config = config
        try:
            self._client = _Client(
                appid=config.appid,
                app_notify_url=provider_settings.notify_url(METHOD),
                app_private_key_string=config.app_private_key,
                alipay_public_key_string=config.alipay_public_key,
                sign_type="RSA2",
                debug=config.sandbox_gateway,
                transport=transport,
            )
        except Exception as exc:  # unreadable keys
            raise ProviderUnavailable(
                "Alipay is not configured correctly.", details={"method": METHOD}
            ) from exc

    def _call(self, api, **params) -> dict[str, Any] | None:
        try:
            return api(**params)
        except ProviderUnavailable:
            raise
        except Exception as exc:  # AliPayException (refused, unsigned), AliPayValidationError
            raise ProviderUnavailable(
                "Alipay refused the request or its reply is not signed by Alipay.",
                details={"method": METHOD, "reason": str(exc)[:300]},
            ) from exc

    def create_payment(self, intent) -> dict[str, Any]:
        expires = intent.expires_at.astimezone(ZoneInfo(intent.store.time_zone))
        reply = self._call(
            self._client.api_alipay_trade_precreate,
            subject=f"{intent.store.name} {intent.out_trade_no[-8:]}"[:256],
            out_trade_no=intent.out_trade_no,
            total_amount=str(intent.amount),
            time_expire=expires.strftime("%Y-%m-%d %H:%M:%S"),
        )
        if reply is None:
            raise ProviderUnavailable(
                "Alipay is not reachable from this server (offline transport).",
                details={"method": METHOD, "sent": False},
            )
        if reply.get("code") != OK or not reply.get("qr_code"):
            raise ProviderUnavailable(
                "Alipay refused the payment request.", details={"method": METHOD, "reply": reply}
            )
        return {"code_url": reply["qr_code"]}

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        text = body.decode() if isinstance(body, bytes) else body
        params = dict(parse_qsl(text, keep_blank_values=True))
        signature = params.pop("sign", "")
        try:
            # `verify` drops sign_type (refusing anything but RSA2) and checks the rest.
            authentic = bool(signature) and self._client.verify(dict(params), signature)
        except Exception:  # bad base64, a foreign sign type
            authentic = False
        if not authentic:
            raise signature_invalid(METHOD, "signature check failed")
        if params.get("app_id") != self._config.appid:
            raise signature_invalid(METHOD, "not for this app")
        raw = {k: v for k, v in params.items() if k not in BUYER_FIELDS}
        try:
            if params.get("out_biz_no"):  # a refund settled: Alipay notifies with the trade
                return Notification(
                    kind="refund",
                    out_trade_no=params["out_trade_no"],
                    amount=Decimal(params.get("refund_fee") or "0"),
                    outcome=SUCCEEDED,
                    provider_transaction_id=params.get("trade_no", ""),
                    out_refund_no=params["out_biz_no"],
                    raw=raw,
                )
            return Notification(
                kind="payment",
                out_trade_no=params["out_trade_no"],
                amount=Decimal(params["total_amount"]),
                outcome=TRADE_OUTCOME.get(params.get("trade_status", ""), PENDING),
                provider_transaction_id=params.get("trade_no", ""),
                raw=raw,
            )
        except (KeyError, InvalidOperation) as exc:
            raise signature_invalid(METHOD, f"notification lacks {exc}") from exc

    def refund(self, *, intent, out_refund_no: str, amount: Decimal, reason: str) -> RefundResult:
        params = {
            "refund_amount": str(amount),
            "out_trade_no": intent.out_trade_no,
            "out_request_no": out_refund_no,
        }
        if reason:
            params["refund_reason"] = reason[:256]
        try:
            reply = self._client.api_alipay_trade_refund(**params)
        except AliPayException as exc:  # Alipay answered with an error
            request = self._client.last_request.as_record()
            return RefundResult(FAILED, sent=True, request=request, message=str(exc)[:300])
        except AliPayValidationError:  # a reply we cannot trust: resending the number is safe
            request = self._client.last_request.as_record()
            return RefundResult(PENDING, sent=True, request=request, message="unsigned reply")
        request = self._client.last_request.as_record()
        if reply is None:
            return RefundResult(PENDING, request=request, message="not sent (offline transport)")
        # Alipay refunds synchronously; "10000" again for a resent refund number is that same
        # refund, already made (fund_change "N"), never a second one.
        return RefundResult(
            SUCCEEDED if reply.get("code") == OK else FAILED,
            provider_refund_id=reply.get("trade_no", ""),
            sent=True,
            request=request,
            response=reply,
        )

    def ack(self) -> Ack:
        return Ack(200, "text/plain", "success")
