"""Why the member programme refuses something (each with a stable code)."""

from storeos.core.errors import Conflict, NotFound, ValidationFailed


class MemberNotFound(NotFound):
    code = "member_not_found"


class InsufficientPoints(Conflict):
    code = "insufficient_points"


class PointsInvalid(ValidationFailed):
    code = "points_invalid"


class DuplicatePhone(Conflict):
    code = "phone_already_registered"


class TierProgrammeInvalid(ValidationFailed):
    code = "tier_programme_invalid"


class RewardUnavailable(Conflict):
    code = "reward_unavailable"


class VerificationFailed(ValidationFailed):
    code = "verification_failed"


class ReferralRefused(ValidationFailed):
    code = "referral_refused"


class TagNotFound(NotFound):
    code = "tag_not_found"


class TagRuleInvalid(ValidationFailed):
    code = "tag_rule_invalid"


class MemberMergeInvalid(ValidationFailed):
    code = "member_merge_invalid"


# Points as payment and the rewards catalogue (points_payment.py, rewards.py).
class PointsNeedMember(ValidationFailed):
    code = "points_need_member"


class PointsShareExceeded(ValidationFailed):
    code = "points_share_exceeded"


class RewardNotFound(NotFound):
    code = "reward_not_found"


class ActivityUnavailable(ValidationFailed):
    # code "activity_unknown" or "activity_inactive"
    code = "activity_unknown"


class ActivityCapReached(Conflict):
    code = "activity_cap_reached"
