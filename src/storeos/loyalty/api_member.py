"""Member-facing HTTP endpoints for the app and the mini-program (mounted at /api/v1/member/).

Members authenticate with the bearer session token they get from registering or signing in
with a code sent to their phone; asking for a code, registering and signing in need no token.
Everything else acts on the signed-in member only.
"""

from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.security import HttpBearer

from storeos.api.idempotency import idempotency_key, run_idempotent
from storeos.api.schemas import error_responses
from storeos.core import clock
from storeos.loyalty import registration, selectors
from storeos.loyalty.api import redemption_body, redemption_key
from storeos.loyalty.schemas import (
    CodeRequestIn,
    CodeSentOut,
    CouponOut,
    HistoryQuery,
    IdempotencyKey,
    MemberSummaryOut,
    PointsEntryOut,
    ProfileIn,
    ProfileOut,
    RedeemIn,
    RedemptionOut,
    RewardOut,
    SelfRegisterIn,
    SessionOut,
    SignInIn,
    TierProgressOut,
)


class MemberBearer(HttpBearer):
    """A member's session token (not a staff token: staff use /api/v1/loyalty/)."""

    def authenticate(self, request, token: str):
        return registration.member_for_token(token)


member_auth = MemberBearer()
router = Router(tags=["member app"], auth=member_auth)


def _session_body(signed_in: registration.SignedIn) -> dict:
    return {
        "token": signed_in.token,
        "expires_at": signed_in.expires_at,
        "member": selectors.member_summary(signed_in.member),
    }


def _profile(member) -> dict:
    return {
        "code": member.code,
        "referral_code": member.referral_code,
        "name": member.name,
        "phone_masked": member.phone_masked,
        "birthday": member.birthday,
        "marketing_consent": member.marketing_consent,
        "consent_at": member.consent_at,
    }


# --- Signing up and in ---------------------------------------------------------------------------
@router.post(
    "/codes",
    auth=None,
    response={202: CodeSentOut, **error_responses(429)},
    summary="Send a 6-digit code to a phone (to register or sign in); one a minute per phone",
)
def code_request(request, payload: CodeRequestIn):
    row = registration.verification_code_request(phone=payload.phone, purpose=payload.purpose)
    return Status(202, {"expires_at": row.expires_at})


@router.post(
    "/register",
    auth=None,
    # The generated id would be storeos_loyalty_api_member_register, already the id of the
    # till's POST /loyalty/members (module storeos.loyalty.api, function member_register).
    operation_id="storeos_loyalty_api_member_self_register",
    response={201: SessionOut, **error_responses(404, 409)},
    summary="Join the programme with the code sent to the phone; answers a session token",
)
def register(request, payload: SelfRegisterIn):
    member = registration.member_register(
        phone=payload.phone,
        code=payload.code,
        name=payload.name,
        birthday=payload.birthday,
        channel=payload.channel,
        consent=payload.marketing_consent,
        referral_code=payload.referral_code,
        device_id=payload.device_id,
    )
    return Status(201, _session_body(registration.member_session_open(member=member)))


@router.post(
    "/sign-in",
    auth=None,
    response={200: SessionOut, **error_responses(404)},
    summary="Sign in with the code sent to the phone; answers a session token (30 days)",
)
def sign_in(request, payload: SignInIn):
    return _session_body(registration.member_sign_in(phone=payload.phone, code=payload.code))


@router.post("/sign-out", response={204: None, **error_responses()}, summary="End this session")
def sign_out(request):
    registration.member_sign_out(token=request.headers.get("Authorization", "")[7:].strip())
    return Status(204, None)


# --- The signed-in member ------------------------------------------------------------------------
@router.get("/me", response={200: ProfileOut, **error_responses()}, summary="My profile")
def profile_get(request):
    return _profile(request.auth)


@router.patch(
    "/me",
    response={200: ProfileOut, **error_responses(409)},
    summary="Change my name, set my birthday (once) or my marketing consent",
)
def profile_update(request, payload: ProfileIn):
    member = registration.member_profile_update(
        member=request.auth,
        name=payload.name,
        birthday=payload.birthday,
        marketing_consent=payload.marketing_consent,
    )
    return _profile(member)


@router.get(
    "/me/summary",
    response={200: MemberSummaryOut, **error_responses()},
    summary="My tier, benefits, points, expiring points and coupons",
)
def summary(request):
    return selectors.member_summary(request.auth)


@router.get(
    "/me/qr",
    response={200: None, **error_responses()},
    summary="My member code as an SVG QR code, for the till to scan",
)
def member_qr(request):
    from storeos.sales.receipts import qr_code_svg

    response = HttpResponse(str(qr_code_svg(request.auth.code)), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.get(
    "/me/points",
    response={200: list[PointsEntryOut], **error_responses()},
    summary="My points entries, newest first (page with before_seq)",
)
def points_history(request, params: Query[HistoryQuery]):
    return selectors.points_history(request.auth, limit=params.limit, before_seq=params.before_seq)


@router.get(
    "/me/tier", response={200: TierProgressOut, **error_responses()}, summary="My tier progress"
)
def tier_progress(request):
    from storeos.loyalty.tiers import tier_progress as progress_of

    progress = progress_of(request.auth)
    upcoming = progress.next_tier
    return {
        "tier_code": progress.tier.code,
        "tier_name": progress.tier.name,
        "growth_value": progress.growth,
        "next_tier_name": upcoming.name if upcoming else None,
        "next_tier_threshold": upcoming.upgrade_threshold if upcoming else None,
        "growth_to_next_tier": progress.growth_needed if upcoming else None,
    }


@router.get(
    "/me/coupons",
    response={200: list[CouponOut], **error_responses()},
    summary="Coupons in my wallet I can use now, soonest to expire first",
)
def coupons(request):
    from storeos.promotions.models import Coupon, CouponStatus

    wallet = (
        Coupon.objects.select_related("template")
        .filter(member=request.auth, status=CouponStatus.AVAILABLE, valid_until__gt=clock.now())
        .order_by("valid_until", "id")
    )
    return [
        {
            "code": c.code,
            "name": c.template.name,
            "kind": c.template.kind,
            "value": c.template.value,
            "min_spend": c.template.min_spend,
            "valid_from": c.valid_from,
            "valid_until": c.valid_until,
        }
        for c in wallet
    ]


@router.get(
    "/me/rewards",
    response={200: list[RewardOut], **error_responses()},
    summary="Rewards I could redeem now",
)
def rewards(request):
    from storeos.loyalty.rewards import rewards_available

    return rewards_available(request.auth)


@router.post(
    "/me/rewards/{reward_code}/redeem",
    response={201: RedemptionOut, **error_responses(404, 409)},
    summary="Spend my points on a reward (needs an Idempotency-Key header)",
)
def reward_redeem(
    request, reward_code: str, payload: RedeemIn, idempotency_key_: IdempotencyKey = None
):
    from storeos.loyalty.rewards import reward_redeem as redeem

    member = request.auth
    key = redemption_key(f"member:{member.pk}", idempotency_key(request))

    def action():
        redemption = redeem(
            member_id=member.pk, reward_code=reward_code, key=key, session_id=payload.session_id
        )
        return 201, redemption_body(redemption)

    status, body = run_idempotent(
        request,
        scope=f"member.reward_redeem:{member.pk}:{reward_code}",
        payload=payload.model_dump(mode="json"),
        action=action,
    )
    return Status(status, body)
