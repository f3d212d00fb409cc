"""Loyalty data: members, the programme and tiers, the points ledger, rewards, referrals,
birthdays, paid membership, tags and RFM."""

from storeos.loyalty.models.engagement import (
    BirthdayBenefit,
    MembershipPlan,
    Referral,
    Subscription,
)
from storeos.loyalty.models.members import (
    GENESIS_HASH,
    GrowthEntry,
    Member,
    MemberSession,
    MemberStatus,
    OutgoingMessage,
    TierChange,
    VerificationCode,
)
from storeos.loyalty.models.points import (
    CheckpointHead,
    EntryKind,
    LedgerCheckpoint,
    PointsEntry,
    PointsLot,
    PointsLotUse,
)
from storeos.loyalty.models.programme import ActivityRule, EarnCampaign, Programme, Tier
from storeos.loyalty.models.rewards import Reward, RewardKind, RewardRedemption, RewardSession
from storeos.loyalty.models.segments import MemberRfm, MemberTag, Segment, TagDefinition

__all__ = [
    "GENESIS_HASH",
    "ActivityRule",
    "BirthdayBenefit",
    "CheckpointHead",
    "EarnCampaign",
    "EntryKind",
    "GrowthEntry",
    "LedgerCheckpoint",
    "Member",
    "MemberRfm",
    "MemberSession",
    "MemberStatus",
    "MemberTag",
    "MembershipPlan",
    "OutgoingMessage",
    "PointsEntry",
    "PointsLot",
    "PointsLotUse",
    "Programme",
    "Referral",
    "Reward",
    "RewardKind",
    "RewardRedemption",
    "RewardSession",
    "Segment",
    "Subscription",
    "TagDefinition",
    "Tier",
    "TierChange",
    "VerificationCode",
]
