"""Request and response bodies of the loyalty APIs (staff and member-facing)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Header, Schema
from pydantic import Field

from storeos.api.schemas import OFFSET_MAX

IdempotencyKey = Header[
    str | None,
    {
        "alias": "Idempotency-Key",
        "description": "Any unique string (1–128 characters); a retry with the same key and "
        "body returns the first response and changes nothing.",
    },
]

Phone = Annotated[str, Field(min_length=1, max_length=32, examples=["13800138000"])]


# --- Members -------------------------------------------------------------------------------------
class BenefitsOut(Schema):
    discount_rate: Decimal
    points_multiplier: Decimal
    free_gift_wrapping: bool
    priority_booking: bool


class MemberSummaryOut(Schema):
    """A member as the till and the app show them (phone and name masked)."""

    id: int
    code: str
    phone_masked: str
    name_masked: str
    tier_code: str
    tier_name: str
    tier_rank: int
    benefits: BenefitsOut
    points_balance: int
    points_debt: int
    growth_value: int
    next_tier_name: str | None
    growth_to_next_tier: int | None
    points_expiring: int
    points_expiring_on: dt.date | None
    plan_name: str | None
    plan_ends_on: dt.date | None
    coupons_available: int


class MemberRowOut(Schema):
    id: int
    code: str
    phone_masked: str
    name_masked: str
    tier_code: str
    points_balance: int
    home_store_id: int | None
    channel: str
    created_at: dt.datetime

    @staticmethod
    def resolve_tier_code(obj) -> str:
        return obj.tier.code


class MemberPage(Schema):
    items: list[MemberRowOut]
    total: int
    offset: int
    limit: int


class MemberFilter(Schema):
    search: str = ""
    tier: str | None = None
    store_id: int | None = None
    offset: int = Field(0, ge=0, le=OFFSET_MAX)
    limit: int = Field(50, ge=1, le=200)


class LookupQuery(Schema):
    query: str = Field(..., min_length=1, max_length=64, description="member code or phone")


class MemberRegisterIn(Schema):
    """A customer joining at the till, in person (no code sent to the phone)."""

    store_id: int
    phone: Phone
    name: str = Field("", max_length=64)
    birthday: dt.date | None = None
    marketing_consent: bool = False


class PhoneOut(Schema):
    phone: str


# --- Points --------------------------------------------------------------------------------------
class HistoryQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    before_seq: int | None = Field(None, ge=1)


class PointsEntryOut(Schema):
    seq: int
    kind: str
    points: int
    balance_after: int
    source_type: str
    source_id: str
    expires_on: dt.date | None
    memo: str
    created_at: dt.datetime


class PointsAdjustIn(Schema):
    points: int = Field(
        ..., ge=-1_000_000, le=1_000_000, description="points to add (>0) or take (<0)"
    )
    reason: str = Field(..., min_length=1, max_length=200)


class PointsAdjustOut(Schema):
    points: int
    balance: int


# --- Rewards -------------------------------------------------------------------------------------
class RewardOut(Schema):
    code: str
    name: str
    kind: str
    points_cost: int
    description: str


class RedeemIn(Schema):
    session_id: int | None = None


class StaffRedeemIn(RedeemIn):
    store_id: int


class RedemptionOut(Schema):
    id: int
    reward_code: str
    status: str
    points: int
    coupon_code: str | None
    session_id: int | None
    created_at: dt.datetime


# --- Member-facing -------------------------------------------------------------------------------
class CodeRequestIn(Schema):
    phone: Phone
    purpose: Literal["register", "sign_in"]


class CodeSentOut(Schema):
    expires_at: dt.datetime


class SelfRegisterIn(Schema):
    phone: Phone
    code: str = Field(..., min_length=1, max_length=12)
    name: str = Field("", max_length=64)
    birthday: dt.date | None = None
    marketing_consent: bool = False
    channel: Literal["mini_program", "online_mall"] = "mini_program"
    referral_code: str = Field("", max_length=12)
    device_id: str = Field("", max_length=64)


class SignInIn(Schema):
    phone: Phone
    code: str = Field(..., min_length=1, max_length=12)


class SessionOut(Schema):
    token: str
    expires_at: dt.datetime
    member: MemberSummaryOut


class ProfileOut(Schema):
    code: str
    referral_code: str
    name: str
    phone_masked: str
    birthday: dt.date | None
    marketing_consent: bool
    consent_at: dt.datetime | None


class ProfileIn(Schema):
    name: str | None = Field(None, max_length=64)
    birthday: dt.date | None = None
    marketing_consent: bool | None = None


class TierProgressOut(Schema):
    tier_code: str
    tier_name: str
    growth_value: int
    next_tier_name: str | None
    next_tier_threshold: int | None
    growth_to_next_tier: int | None


class CouponOut(Schema):
    code: str
    name: str
    kind: str
    value: Decimal
    min_spend: Decimal
    valid_from: dt.datetime
    valid_until: dt.datetime
