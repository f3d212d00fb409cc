"""The demo's QR provider: the QR code opens a local page, pressing "pay" there produces a
notification signed with an HMAC keyed from the Django secret, and it is verified like a real one.
"""

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from storeos.sales import provider_settings
from storeos.sales.providers.base import (
    FAILED,
    PENDING,
    SUCCEEDED,
    Ack,
    Notification,
    RefundResult,
    lowercase_headers,
    signature_invalid,
)

METHOD = "sandbox"
SIGNATURE_HEADER = "X-Sandbox-Signature"
OUTCOMES = {"SUCCESS": SUCCEEDED, "CLOSED": FAILED}


def _key() -> bytes:
    # A key of its own, derived from the secret: a sandbox signature reveals nothing else.
    return hmac.new(settings.SECRET_KEY.encode(), b"storeos.sales.sandbox-pay", "sha256").digest()


def sign(body: bytes) -> str:
    return hmac.new(_key(), body, hashlib.sha256).hexdigest()


class SandboxProvider:
    method = METHOD

    def create_payment(self, intent) -> dict[str, Any]:
        return {"code_url": provider_settings.sandbox_page_url(str(intent.uuid))}

    def notification_for(self, intent) -> tuple[dict[str, str], bytes]:
        """What the sandbox "provider" posts when the customer presses pay on its page."""
        body = json.dumps(
            {
                "event": "payment",
                "out_trade_no": intent.out_trade_no,
                "transaction_id": f"SBX{secrets.token_hex(12).upper()}",
                "amount": str(intent.amount),
                "status": "SUCCESS",
            },
            sort_keys=True,
        ).encode()
        return {SIGNATURE_HEADER: sign(body)}, body

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        body = body.encode() if isinstance(body, str) else body
        given = lowercase_headers(headers).get(SIGNATURE_HEADER.lower(), "")
        if not given or not hmac.compare_digest(str(given), sign(body)):
            raise signature_invalid(METHOD, "HMAC mismatch")
        try:
            data = json.loads(body)
            return Notification(
                kind="payment",
                out_trade_no=data["out_trade_no"],
                amount=Decimal(data["amount"]),
                outcome=OUTCOMES.get(data.get("status"), PENDING),
                provider_transaction_id=data.get("transaction_id", ""),
                raw=data,
            )
        except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
            raise signature_invalid(METHOD, "malformed body") from exc

    def refund(self, *, intent, out_refund_no: str, amount: Decimal, reason: str) -> RefundResult:
        request = {"out_refund_no": out_refund_no, "amount": str(amount), "reason": reason}
        return RefundResult(
            SUCCEEDED,
            provider_refund_id=f"SBXR{secrets.token_hex(10).upper()}",
            sent=True,
            request=request,
            response={"status": "SUCCESS"},
        )

    def ack(self) -> Ack:
        return Ack(200, "application/json", json.dumps({"code": "SUCCESS"}))
