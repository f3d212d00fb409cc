"""Staff HTTP endpoints of the member programme (mounted at /api/v1/loyalty/): finding a member
at the till, the member list and 360 summary, registering a customer in person, points history,
the audited phone reveal, manual points changes and rewards.

Thin: each handler resolves ids within the caller's scope (404 for what they cannot see) and
calls one loyalty service or selector. Calls that move points need an Idempotency-Key header.
"""

import hashlib

from ninja import Query, Router, Status

from storeos.accounts.permissions import Perm, require, store_ids_with
from storeos.api.idempotency import idempotency_key, run_idempotent
from storeos.api.schemas import error_responses, page_of
from storeos.loyalty import adjustments, registration, selectors
from storeos.loyalty.errors import MemberNotFound
from storeos.loyalty.models import Member, MemberStatus, RewardRedemption
from storeos.loyalty.schemas import (
    HistoryQuery,
    IdempotencyKey,
    LookupQuery,
    MemberFilter,
    MemberPage,
    MemberRegisterIn,
    MemberSummaryOut,
    PhoneOut,
    PointsAdjustIn,
    PointsAdjustOut,
    PointsEntryOut,
    RedemptionOut,
    RewardOut,
    StaffRedeemIn,
)
from storeos.stores.selectors import store_lookup

router = Router(tags=["loyalty"])


def redemption_body(redemption: RewardRedemption) -> dict:
    return RedemptionOut(
        id=redemption.pk,
        reward_code=redemption.reward.code,
        status=redemption.status,
        points=redemption.entry.points,
        coupon_code=redemption.coupon.code if redemption.coupon_id else None,
        session_id=redemption.session_id,
        created_at=redemption.created_at,
    ).model_dump(mode="json")


def redemption_key(namespace: str, raw_key: str) -> str:
    """A redemption key private to its caller and short enough for the points ledger."""
    return hashlib.sha256(f"{namespace}\x00{raw_key}".encode()).hexdigest()[:48]


def member_at_till(user, member_id: int) -> Member:
    """A member of the chain for an action at the till (any store's member: the one the cashier
    looked up); the service checks the permission in the till's store."""
    member = (
        Member.objects.select_related("tier", "programme")
        .filter(pk=member_id, status=MemberStatus.ACTIVE)
        .first()
    )
    if member is None or not has_perm_anywhere(user, Perm.MEMBERS_VIEW):
        raise MemberNotFound("No such member.", details={"member_id": member_id})
    return member


def has_perm_anywhere(user, perm: Perm) -> bool:
    return store_ids_with(user, perm) != set()


# --- Members -------------------------------------------------------------------------------------
@router.get(
    "/members/lookup",
    response={200: MemberSummaryOut, **error_responses(404)},
    summary="Find a member anywhere in the chain by exact member code (QR) or phone",
)
def member_lookup(request, params: Query[LookupQuery]):
    return selectors.member_lookup(user=request.auth, query=params.query)


@router.get(
    "/members",
    response={200: MemberPage, **error_responses()},
    summary="Members of the stores you may see, newest first",
)
def member_list(request, filters: Query[MemberFilter]):
    found = selectors.member_list(
        user=request.auth, search=filters.search, tier=filters.tier, store=filters.store_id
    )
    return page_of(found, filters)


@router.post(
    "/members",
    response={201: MemberSummaryOut, **error_responses(404, 409)},
    summary="Register a customer at the till, in person (no code sent to the phone)",
)
def member_register(request, payload: MemberRegisterIn):
    member = registration.member_register_at_till(
        actor=request.auth,
        store=store_lookup(store_id=payload.store_id),
        phone=payload.phone,
        name=payload.name,
        birthday=payload.birthday,
        marketing_consent=payload.marketing_consent,
    )
    return Status(201, selectors.member_summary(member))


@router.get(
    "/members/{member_id}",
    response={200: MemberSummaryOut, **error_responses(404)},
    summary="A member's summary: tier, benefits, points, expiring points, coupons",
)
def member_detail(request, member_id: int):
    return selectors.member_summary(selectors.member_get(user=request.auth, member_id=member_id))


@router.get(
    "/members/{member_id}/points",
    response={200: list[PointsEntryOut], **error_responses(404)},
    summary="A member's points entries, newest first (page with before_seq)",
)
def points_history(request, member_id: int, params: Query[HistoryQuery]):
    member = selectors.member_get(user=request.auth, member_id=member_id)
    return selectors.points_history(member, limit=params.limit, before_seq=params.before_seq)


@router.post(
    "/members/{member_id}/phone",
    response={200: PhoneOut, **error_responses(404)},
    summary="Show a member's full phone number (needs the personal-data permission; audited)",
)
def member_phone_reveal(request, member_id: int):
    member = selectors.member_get(user=request.auth, member_id=member_id)
    return {"phone": selectors.member_phone_reveal(user=request.auth, member=member)}


# --- Manual points changes -----------------------------------------------------------------------
@router.post(
    "/members/{member_id}/points-adjustments",
    response={201: PointsAdjustOut, **error_responses(404, 409)},
    summary="Add or take points by hand with a reason (audited; needs an Idempotency-Key header)",
)
def points_adjust(
    request, member_id: int, payload: PointsAdjustIn, idempotency_key_: IdempotencyKey = None
):
    user = request.auth
    member = selectors.member_get(user=user, member_id=member_id)
    require(user, Perm.POINTS_ADJUST, member.home_store_id)
    key = f"api:{user.pk}:{member.pk}:{idempotency_key(request)}"

    def action():
        body = adjustments.points_adjust(
            actor=user, member=member, points=payload.points, reason=payload.reason, key=key
        )
        return 201, body

    status, body = run_idempotent(
        request,
        scope=f"loyalty.points_adjust:{member.pk}",
        payload=payload.model_dump(mode="json"),
        action=action,
    )
    return Status(status, body)


# --- Rewards -------------------------------------------------------------------------------------
@router.get(
    "/members/{member_id}/rewards",
    response={200: list[RewardOut], **error_responses(404)},
    summary="Rewards this member could redeem now",
)
def rewards_list(request, member_id: int):
    from storeos.loyalty.rewards import rewards_available

    return rewards_available(member_at_till(request.auth, member_id))


@router.post(
    "/members/{member_id}/rewards/{reward_code}/redeem",
    response={201: RedemptionOut, **error_responses(404, 409)},
    summary="Spend a member's points on a reward at the till (needs an Idempotency-Key header)",
)
def reward_redeem(
    request,
    member_id: int,
    reward_code: str,
    payload: StaffRedeemIn,
    idempotency_key_: IdempotencyKey = None,
):
    from storeos.loyalty.rewards import reward_redeem as redeem

    user = request.auth
    member = member_at_till(user, member_id)
    store = store_lookup(store_id=payload.store_id)
    key = redemption_key(f"staff:{user.pk}", idempotency_key(request))

    def action():
        redemption = redeem(
            member_id=member.pk,
            reward_code=reward_code,
            key=key,
            session_id=payload.session_id,
            actor=user,
            store=store,
        )
        return 201, redemption_body(redemption)

    status, body = run_idempotent(
        request,
        scope=f"loyalty.reward_redeem:{member.pk}:{reward_code}",
        payload=payload.model_dump(mode="json"),
        action=action,
    )
    return Status(status, body)
