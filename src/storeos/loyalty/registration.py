"""Joining and signing in from the app or mini-program: a one-time code sent to the phone,
registration with it, and member sessions (hashed bearer tokens)."""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from storeos.accounts.permissions import Perm, require
from storeos.core import clock
from storeos.core.channels import Channel
from storeos.core.errors import Conflict, TooManyRequests, ValidationFailed
from storeos.core.pii import blind_index
from storeos.loyalty import members
from storeos.loyalty.errors import VerificationFailed
from storeos.loyalty.messages import message_queue
from storeos.loyalty.models import Member, MemberSession, MemberStatus, VerificationCode

PURPOSES = ("register", "sign_in")
CODE_TTL = dt.timedelta(minutes=10)
RESEND_AFTER = dt.timedelta(seconds=60)
MAX_ATTEMPTS = 5
SESSION_TTL = dt.timedelta(days=30)


def _code_hash(phone_index: str, purpose: str, code: str) -> str:
    # Keyed with the PII blind-index key: a leaked table does not give the 10⁶ codes away.
    return blind_index(f"{phone_index}:{purpose}:{code}", kind="verification-code")


def _purpose_clean(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise VerificationFailed(_("Unknown verification purpose."), details={"purpose": purpose})
    return purpose


@transaction.atomic
def verification_code_request(*, phone: str, purpose: str) -> VerificationCode:
    """Send a 6-digit code to the phone (valid 10 minutes); at most one a minute per phone."""
    _purpose_clean(purpose)
    digits = members.phone_clean(phone)
    index = blind_index(digits)
    now = clock.now()
    if VerificationCode.objects.filter(
        phone_index=index, created_at__gt=now - RESEND_AFTER
    ).exists():
        raise TooManyRequests(
            _("A code was sent less than a minute ago. Please wait before asking again."),
            details={"retry_after": int(RESEND_AFTER.total_seconds())},
        )
    code = f"{secrets.randbelow(10**6):06d}"
    row = VerificationCode.objects.create(
        phone_index=index,
        purpose=purpose,
        code_hash=_code_hash(index, purpose, code),
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    message_queue(
        recipient=digits,
        body=_("Your StoreOS verification code is %(code)s. It expires in 10 minutes.")
        % {"code": code},
    )
    return row


def _code_match(*, phone: str, purpose: str, code: str) -> VerificationCode:
    """The live code that matches, not yet consumed. A wrong guess counts towards the limit
    (and stays counted: it commits before the refusal is raised)."""
    _purpose_clean(purpose)
    index = blind_index(members.phone_clean(phone))
    with transaction.atomic():
        row = (
            VerificationCode.objects.select_for_update()
            .filter(
                phone_index=index,
                purpose=purpose,
                used_at__isnull=True,
                expires_at__gt=clock.now(),
            )
            .order_by("-created_at", "-id")
            .first()
        )
        if row is None:
            reason = "no_code"
        elif row.attempts >= MAX_ATTEMPTS:
            reason = "too_many_attempts"
        elif hmac.compare_digest(row.code_hash, _code_hash(index, purpose, (code or "").strip())):
            return row
        else:
            VerificationCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
            reason = "wrong_code"
    messages = {
        "no_code": _("There is no valid code for this phone. Please ask for a new one."),
        "too_many_attempts": _("Too many wrong codes. Please ask for a new one."),
        "wrong_code": _("The code is not correct."),
    }
    raise VerificationFailed(messages[reason], details={"reason": reason})


def _code_consume(row: VerificationCode) -> None:
    used = VerificationCode.objects.filter(pk=row.pk, used_at__isnull=True).update(
        used_at=clock.now()
    )
    if not used:
        raise VerificationFailed(
            _("This code was already used. Please ask for a new one."),
            details={"reason": "used"},
        )


def verification_code_check(*, phone: str, purpose: str, code: str) -> None:
    """Accept the code once (at most 5 tries per code), or refuse with `verification_failed`."""
    row = _code_match(phone=phone, purpose=purpose, code=code)
    with transaction.atomic():
        _code_consume(row)


def member_register(
    *,
    phone: str,
    code: str,
    name: str = "",
    birthday: dt.date | None = None,
    channel: str = Channel.MINI_PROGRAM,
    consent: bool = False,
    referral_code: str = "",
    device_id: str = "",
) -> Member:
    """Join with a code sent to the phone. A phone already registered is refused
    (`phone_already_registered`) and the code stays usable; so does a refused referral."""
    row = _code_match(phone=phone, purpose="register", code=code)
    with transaction.atomic():
        _code_consume(row)
        member = members.member_create(
            phone=phone,
            name=name,
            birthday=birthday,
            channel=channel,
            marketing_consent=consent,
            consent_source=str(channel) if consent else "",
            device_id=(device_id or "").strip()[:64],
        )
        if (referral_code or "").strip():
            try:
                from storeos.loyalty.referrals import referral_register
            except ImportError:  # referrals not installed in this build
                referral_register = None
            if referral_register is not None:
                referral_register(referee=member, referral_code=referral_code, device_id=device_id)
    return member


@dataclass(frozen=True)
class SignedIn:
    member: Member
    token: str  # shown once; only its hash is kept
    expires_at: dt.datetime


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def member_session_open(*, member: Member) -> SignedIn:
    now = clock.now()
    token = secrets.token_urlsafe(32)
    session = MemberSession.objects.create(
        member=member, token_hash=_token_hash(token), created_at=now, expires_at=now + SESSION_TTL
    )
    return SignedIn(member=member, token=token, expires_at=session.expires_at)


def member_sign_in(*, phone: str, code: str) -> SignedIn:
    """Sign in with a code sent to the phone: a session token valid for 30 days."""
    row = _code_match(phone=phone, purpose="sign_in", code=code)
    member = members.member_by_phone(phone)
    with transaction.atomic():
        _code_consume(row)
        return member_session_open(member=member)


def member_for_token(token: str) -> Member | None:
    """The member a live session token belongs to (None for an unknown or expired token)."""
    if not token:
        return None
    session = (
        MemberSession.objects.select_related("member", "member__tier", "member__programme")
        .filter(token_hash=_token_hash(token), expires_at__gt=clock.now())
        .first()
    )
    if session is None or session.member.status != MemberStatus.ACTIVE:
        return None
    return session.member


def member_sign_out(*, token: str) -> None:
    MemberSession.objects.filter(token_hash=_token_hash(token)).delete()


def member_register_at_till(
    *,
    actor,
    store,
    phone: str,
    name: str = "",
    birthday: dt.date | None = None,
    marketing_consent: bool = False,
) -> Member:
    """A cashier registers a customer standing at the till (no code sent: they are there)."""
    require(actor, Perm.MEMBERS_EDIT, store)
    return members.member_create(
        phone=phone,
        name=name,
        birthday=birthday,
        home_store=store,
        channel=Channel.POS,
        marketing_consent=marketing_consent,
        consent_source="pos",
    )


@transaction.atomic
def member_profile_update(
    *,
    member: Member,
    name: str | None = None,
    birthday: dt.date | None = None,
    marketing_consent: bool | None = None,
) -> Member:
    """A member edits their own profile in the app. The birthday can be set once (it drives the
    birthday gift); consent changes are recorded with when and "app" as the source."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    fields = []
    if name is not None and name.strip() != member.name:
        member.name = name.strip()
        fields.append("name")
    if birthday is not None and birthday != member.birthday:
        if member.birthday is not None:
            raise Conflict(
                _("The birthday is already set; please ask a store to correct it."),
                code="birthday_already_set",
            )
        if birthday > clock.today():
            raise ValidationFailed(
                _("A birthday cannot be in the future."), code="birthday_invalid"
            )
        member.birthday = birthday
        fields.append("birthday")
    if marketing_consent is not None and marketing_consent != member.marketing_consent:
        member.marketing_consent = marketing_consent
        member.consent_at = clock.now()
        member.consent_source = "app"
        fields += ["marketing_consent", "consent_at", "consent_source"]
    if fields:
        member.save(update_fields=fields)
    return member
