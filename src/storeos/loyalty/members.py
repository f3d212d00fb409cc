"""Members: registration (one phone, one member, on every channel) and finding a member."""

import secrets

from django.db import IntegrityError, transaction

from storeos.core import clock
from storeos.core.channels import Channel
from storeos.core.pii import blind_index, normalize_phone
from storeos.loyalty.errors import DuplicatePhone, MemberNotFound, PointsInvalid
from storeos.loyalty.models import Member, MemberStatus, Programme, Tier, TierChange

# Member and referral codes avoid look-alike characters (0/O, 1/I/L).
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def programme_active() -> Programme:
    programme = Programme.objects.filter(is_active=True).order_by("id").first()
    if programme is None:
        raise MemberNotFound("No member programme is set up.", code="programme_missing")
    return programme


def phone_clean(phone: str) -> str:
    """A mainland mobile number (11 digits starting with 1), or a clear refusal."""
    digits = normalize_phone(phone or "")
    if len(digits) != 11 or not digits.startswith("1"):
        raise PointsInvalid("A phone number is 11 digits starting with 1.", code="phone_invalid")
    return digits


def _new_code(prefix: str, length: int) -> str:
    return prefix + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


def member_create(
    *,
    phone: str,
    name: str = "",
    birthday=None,
    home_store=None,
    channel: str = Channel.POS,
    marketing_consent: bool = False,
    consent_source: str = "",
    referred_by: Member | None = None,
    device_id: str = "",
    programme: Programme | None = None,
) -> Member:
    """Register a member at the programme's entry tier. A phone already registered (on any
    channel) is refused with `phone_already_registered`."""
    digits = phone_clean(phone)
    programme = programme or programme_active()
    entry_tier = Tier.objects.filter(programme=programme).order_by("rank").first()
    if entry_tier is None:
        raise MemberNotFound("The member programme has no tiers.", code="programme_missing")
    now = clock.now()
    index = blind_index(digits)
    if Member.objects.filter(phone_index=index).exists():
        raise DuplicatePhone("This phone number is already a member.")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                member = Member.objects.create(
                    code=_new_code("M", 9),
                    referral_code=_new_code("R", 7),
                    programme=programme,
                    phone=digits,
                    phone_index=index,
                    name=name.strip(),
                    birthday=birthday,
                    home_store=home_store,
                    channel=channel,
                    marketing_consent=marketing_consent,
                    consent_at=now if marketing_consent else None,
                    consent_source=consent_source if marketing_consent else "",
                    referred_by=referred_by,
                    device_id=device_id,
                    tier=entry_tier,
                    tier_since=now,
                    created_at=now,
                )
                TierChange.objects.create(
                    member=member,
                    from_tier=None,
                    to_tier=entry_tier,
                    reason=TierChange.Reason.JOINED,
                    growth_value=0,
                    changed_at=now,
                )
                return member
        except IntegrityError:
            if Member.objects.filter(phone_index=index).exists():
                raise DuplicatePhone("This phone number is already a member.") from None
            # Otherwise a generated code collided: draw again.
    raise RuntimeError("could not draw a unique member code")


def member_by_phone(phone: str) -> Member:
    member = Member.objects.filter(
        phone_index=blind_index(phone_clean(phone)), status=MemberStatus.ACTIVE
    ).first()
    if member is None:
        raise MemberNotFound("No member has this phone number.")
    return member


def member_by_code(code: str) -> Member:
    """The member whose member code (or QR) the till scanned."""
    member = (
        Member.objects.select_related("tier")
        .filter(code=(code or "").strip().upper(), status=MemberStatus.ACTIVE)
        .first()
    )
    if member is None:
        raise MemberNotFound("No member has this member code.", details={"code": code})
    return member
