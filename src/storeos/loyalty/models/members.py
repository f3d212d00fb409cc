"""Members: one person across every channel, their tier, points balance and consents."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from storeos.core.channels import Channel
from storeos.core.pii import EncryptedTextField, mask_name, mask_phone
from storeos.loyalty.models.programme import Programme, Tier
from storeos.stores.models import Store

GENESIS_HASH = "0" * 64


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged into another member")


class Member(models.Model):
    """A registered customer. The phone is stored encrypted and found by its blind index; the
    UI shows it masked. `points_balance` and the chain head are kept on the row so a posting
    is one guarded UPDATE; the ledger stays the truth and `loyalty verify` checks both agree."""

    code = models.CharField(_("member code"), max_length=16, unique=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="members", verbose_name=_("programme")
    )
    phone = EncryptedTextField(_("phone"))
    phone_index = models.CharField(max_length=64, unique=True, null=True, editable=False)
    name = EncryptedTextField(_("name"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    home_store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("home store"),
    )
    channel = models.CharField(_("registered on"), max_length=32, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Marketing consent, with when and where it was given or withdrawn.
    marketing_consent = models.BooleanField(_("marketing consent"), default=False)
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    consent_source = models.CharField(_("consent source"), max_length=64, blank=True)
    referral_code = models.CharField(_("referral code"), max_length=12, unique=True)
    referred_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referees",
        verbose_name=_("referred by"),
    )
    # The app or mini-program's device id at registration (a device cannot refer itself).
    device_id = models.CharField(max_length=64, blank=True, db_index=True)
    tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, related_name="members", verbose_name=_("tier")
    )
    tier_since = models.DateTimeField(_("tier since"))
    # Derived from the ledger, kept here so a redemption is one conditional UPDATE.
    points_balance = models.PositiveIntegerField(_("points"), default=0)
    # Points a return could not take back because they were already spent; future earnings
    # settle it first.
    points_debt = models.PositiveIntegerField(_("points owed"), default=0)
    ledger_seq = models.PositiveIntegerField(default=0, editable=False)
    ledger_head = models.CharField(max_length=64, default=GENESIS_HASH, editable=False)
    created_at = models.DateTimeField(_("joined"))

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["home_store", "tier"])]
        constraints = [
            # A merged record keeps no phone so the person's phone finds the surviving member.
            models.CheckConstraint(
                condition=Q(status=MemberStatus.MERGED) | Q(phone_index__isnull=False),
                name="member_active_has_phone",
            ),
            models.CheckConstraint(
                condition=~Q(referred_by=F("id")), name="member_not_self_referred"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone or "")

    @property
    def name_masked(self) -> str:
        return mask_name(self.name or "")


class TierChange(models.Model):
    """Every tier move, why it happened and when."""

    class Reason(models.TextChoices):
        JOINED = "joined", _("Joined")
        UPGRADE = "upgrade", _("Upgrade")
        REVIEW = "review", _("Periodic review")
        MERGE = "merge", _("Member records merged")
        MANUAL = "manual", _("Manual change")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="tier_changes")
    from_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, related_name="+")
    to_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    growth_value = models.PositiveIntegerField(_("growth value then"))
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_tier_id} → {self.to_tier_id}"


class GrowthEntry(models.Model):
    """Growth value earned (or reversed by a return). Append-only; a tier looks at the sum over
    the programme's rolling window."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="growth_entries")
    value = models.IntegerField(_("growth value"))
    idempotency_key = models.CharField(max_length=128, unique=True)
    source_type = models.CharField(max_length=32)
    source_id = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("growth entry")
        verbose_name_plural = _("growth entries")
        indexes = [models.Index(fields=["member", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.value:+d}"


class MemberSession(models.Model):
    """A member signed in to the app or mini-program (a hashed bearer token)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="sessions")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("member session")
        verbose_name_plural = _("member sessions")

    def __str__(self) -> str:
        return f"session of {self.member_id}"


class VerificationCode(models.Model):
    """A one-time code sent to a phone for registration or sign-in (stored hashed)."""

    phone_index = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=16)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")

    def __str__(self) -> str:
        return f"{self.purpose} code {self.pk}"


class OutgoingMessage(models.Model):
    """A text message waiting to be sent (the verification code, a points reminder). A sender
    (console or file by default, an SMS gateway in production) delivers it from the outbox."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(max_length=16, default="sms")
    recipient = EncryptedTextField()
    body = EncryptedTextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self) -> str:
        return f"{self.channel} message {self.pk} ({self.status})"
