"""Test stand-ins for WeChat Pay and Alipay: locally generated keys, the provider's signed
notifications and replies, and transports that capture what the SDKs would send."""

import base64
import functools
import json
import time
import uuid
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storeos.sales.providers import OutgoingRequest, ProviderResponse

WECHAT_MCHID = "1900000109"
WECHAT_APPID = "wxd678efh567hg6787"
WECHAT_APIV3_KEY = "a12d3924fd499edac8a5efc0123456ab"  # 32 bytes: AES-256
WECHAT_PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001092024112200000001"
ALIPAY_APPID = "2021000000000001"


@functools.cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One 2048-bit key per role ("wechat-platform", "alipay", …), made once per test run."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def rsa_sha256(key: rsa.RSAPrivateKey, message: str) -> str:
    signature = key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def rsa_sha256_valid(key: rsa.RSAPrivateKey, message: str, signature: str) -> bool:
    try:
        key.public_key().verify(
            base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except Exception:
        return False
    return True


def configure_wechat(settings, tmp_path) -> None:
    merchant, platform = tmp_path / "wechat-merchant.pem", tmp_path / "wechat-platform.pub"
    merchant.write_text(private_pem(rsa_key("wechat-merchant")))
    platform.write_text(public_pem(rsa_key("wechat-platform")))
    settings.STOREOS_WECHAT_MCHID = WECHAT_MCHID
    settings.STOREOS_WECHAT_APPID = WECHAT_APPID
    settings.STOREOS_WECHAT_APIV3_KEY = WECHAT_APIV3_KEY
    settings.STOREOS_WECHAT_PRIVATE_KEY_PATH = str(merchant)
    settings.STOREOS_WECHAT_CERT_SERIAL_NO = "444F4864EA9B34415"
    settings.STOREOS_WECHAT_PUBLIC_KEY_PATH = str(platform)
    settings.STOREOS_WECHAT_PUBLIC_KEY_ID = WECHAT_PUBLIC_KEY_ID
    settings.STOREOS_PAY_NOTIFY_BASE_URL = "https://shop.example.cn"


def configure_alipay(settings, tmp_path) -> None:
    app, alipay = tmp_path / "alipay-app.pem", tmp_path / "alipay.pub"
    app.write_text(private_pem(rsa_key("alipay-app")))
    alipay.write_text(public_pem(rsa_key("alipay")))
    settings.STOREOS_ALIPAY_APPID = ALIPAY_APPID
    settings.STOREOS_ALIPAY_PRIVATE_KEY_PATH = str(app)
    settings.STOREOS_ALIPAY_PUBLIC_KEY_PATH = str(alipay)
    settings.STOREOS_PAY_NOTIFY_BASE_URL = "https://shop.example.cn"


# --- WeChat Pay ----------------------------------------------------------------------------------
def wechat_signed_headers(body: str, *, key=None, serial=WECHAT_PUBLIC_KEY_ID) -> dict[str, str]:
    """Headers WeChat Pay puts on a notification or reply: RSA-SHA256 of "ts\\nnonce\\nbody\\n"."""
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex
    signature = rsa_sha256(key or rsa_key("wechat-platform"), f"{timestamp}\n{nonce}\n{body}\n")
    return {
        "Wechatpay-Signature": signature,
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Serial": serial,
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    }


def wechat_encrypt(resource: dict, *, apiv3_key: str = WECHAT_APIV3_KEY, kind="transaction"):
    nonce = uuid.uuid4().hex[:12]
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(
        nonce.encode(), json.dumps(resource).encode(), kind.encode()
    )
    return {
        "original_type": kind,
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(ciphertext).decode(),
        "associated_data": kind,
        "nonce": nonce,
    }


def wechat_paid_resource(intent, *, total_fen: int | None = None, state="SUCCESS") -> dict:
    total = int(intent.amount * 100) if total_fen is None else total_fen
    return {
        "mchid": WECHAT_MCHID,
        "appid": WECHAT_APPID,
        "out_trade_no": intent.out_trade_no,
        "transaction_id": "4200000985202411223641209718",
        "trade_type": "NATIVE",
        "trade_state": state,
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "success_time": "2024-11-22T15:04:05+08:00",
        "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        "amount": {"total": total, "payer_total": total, "currency": "CNY"},
    }


def wechat_notification(resource: dict, *, event="TRANSACTION.SUCCESS", key=None, **encrypt):
    """A WeChat Pay v3 notification as it arrives: (headers, body bytes)."""
    kind = "refund" if event.startswith("REFUND.") else "transaction"
    body = json.dumps(
        {
            "id": str(uuid.uuid4()),
            "create_time": "2024-11-22T15:04:06+08:00",
            "resource_type": "encrypt-resource",
            "event_type": event,
            "summary": "支付成功",
            "resource": wechat_encrypt(resource, kind=kind, **encrypt),
        },
        ensure_ascii=False,
    )
    return wechat_signed_headers(body, key=key), body.encode()


class FakeWechat:
    """A transport answering as WeChat Pay would, keeping every request it was sent."""

    def __init__(self, refund_status: str = "PROCESSING"):
        self.sent: list[OutgoingRequest] = []
        self.refund_status = refund_status

    def __call__(self, request: OutgoingRequest) -> ProviderResponse:
        self.sent.append(request)
        if request.url.endswith("/v3/pay/transactions/native"):
            reply = {"code_url": "weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}
        else:
            sent = json.loads(request.body)
            reply = {
                "refund_id": "50000000382019052709732678859",
                "out_refund_no": sent["out_refund_no"],
                "status": self.refund_status,
                "amount": sent["amount"],
            }
        body = json.dumps(reply)
        return ProviderResponse(200, wechat_signed_headers(body), body)


# --- Alipay ----------------------------------------------------------------------------------
def alipay_content(params: dict[str, str], skip=("sign", "sign_type")) -> str:
    """Alipay's string to sign: sorted key=value pairs without the signature (notifications
    also leave out sign_type; requests sign it)."""
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in skip)


def alipay_notification(intent, *, key=None, **changes) -> bytes:
    """Alipay's asynchronous trade notification (a form post), signed RSA2."""
    params = {
        "notify_time": "2024-11-22 15:04:06",
        "notify_type": "trade_status_sync",
        "notify_id": uuid.uuid4().hex,
        "app_id": ALIPAY_APPID,
        "charset": "utf-8",
        "version": "1.0",
        "trade_no": "2024112222001456781234567890",
        "out_trade_no": intent.out_trade_no,
        "trade_status": "TRADE_SUCCESS",
        "total_amount": str(intent.amount),
        "receipt_amount": str(intent.amount),
        "buyer_logon_id": "159****5620",
        "gmt_payment": "2024-11-22 15:04:05",
    } | changes
    params["sign"] = rsa_sha256(key or rsa_key("alipay"), alipay_content(params))
    params["sign_type"] = "RSA2"
    return urlencode(params).encode()


def alipay_request_params(request: OutgoingRequest) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))


class FakeAlipay:
    """A transport answering as Alipay's gateway would (replies signed with Alipay's key)."""

    def __init__(self, code: str = "10000"):
        self.sent: list[OutgoingRequest] = []
        self.code = code

    def __call__(self, request: OutgoingRequest) -> ProviderResponse:
        self.sent.append(request)
        params = alipay_request_params(request)
        biz = json.loads(params["biz_content"])
        name = params["method"].replace(".", "_") + "_response"
        reply = {"code": self.code, "msg": "Success" if self.code == "10000" else "Failed"}
        if params["method"] == "alipay.trade.precreate":
            reply |= {"out_trade_no": biz["out_trade_no"], "qr_code": "https://qr.alipay.com/bax1"}
        else:
            reply |= {"trade_no": "2024112222001456781234567890", "fund_change": "Y"}
            reply |= {"refund_fee": str(Decimal(biz["refund_amount"]))}
        inner = json.dumps(reply, separators=(",", ":"))
        sign = rsa_sha256(rsa_key("alipay"), inner)
        return ProviderResponse(200, {}, f'{{"{name}":{inner},"sign":"{sign}"}}')
