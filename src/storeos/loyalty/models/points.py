"""The points ledger: append-only, hash-chained entries per member; earning lots that redemption
consumes first-expiring first; checkpoints that chain every member's head."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from storeos.loyalty.models.members import Member


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Redeemed")
    EXPIRE = "expire", _("Expired")
    ADJUST = "adjust", _("Adjusted")
    REVERSE = "reverse", _("Reversed")


class PointsEntry(models.Model):
    """One posting. Never updated or deleted: a correction is a new entry.

    `entry_hash` = SHA-256(previous entry's hash + the canonical form of this entry), so an
    edited amount, a deleted or a reordered entry breaks the member's chain.
    """

    # Indexed by the unique (member, seq) constraint; no second index on the posting path.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="points_entries", db_index=False
    )
    seq = models.PositiveIntegerField(_("number"))  # 1, 2, 3 … per member
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))  # + earned / given back, − spent / expired
    balance_after = models.PositiveIntegerField(_("balance after"))
    # Points owed after this entry (a return took back points that were already spent).
    debt_after = models.PositiveIntegerField(_("owed after"), default=0)
    idempotency_key = models.CharField(max_length=128)  # unique: see Meta
    source_type = models.CharField(_("source"), max_length=32)  # order, return, activity, …
    source_id = models.CharField(_("source id"), max_length=64)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)  # staff user for manual entries
    created_at = models.DateTimeField(_("at"))
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["member", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["member", "seq"], name="points_entry_seq_unique"),
            # A constraint rather than unique=True: PostgreSQL then keeps one index, not two.
            models.UniqueConstraint(fields=["idempotency_key"], name="points_entry_key_unique"),
            # Only a reversal may move no points: it records points owed when none were left.
            models.CheckConstraint(
                condition=~Q(points=0) | Q(kind=EntryKind.REVERSE), name="points_entry_not_zero"
            ),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return f"{self.member_id}#{self.seq} {self.kind} {self.points:+d}"


class PointsLot(models.Model):
    """Points from one earning (or one give-back) and how many are still unspent. Redemption and
    expiry take from the earliest-expiring lots first. Mutable bookkeeping beside the ledger:
    the ledger entries are the record, lots say which points a spend used."""

    # Open lots are found through the partial (member, expires_on) index.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="points_lots", db_index=False
    )
    entry = models.OneToOneField(PointsEntry, on_delete=models.PROTECT, related_name="lot")
    points = models.PositiveIntegerField(_("points"))
    remaining = models.PositiveIntegerField(_("unspent"))
    expires_on = models.DateField(_("expires on"))
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("points lot")
        verbose_name_plural = _("points lots")
        indexes = [
            models.Index(
                fields=["member", "expires_on"],
                name="points_lot_open",
                condition=Q(remaining__gt=0),
            ),
            models.Index(
                fields=["expires_on"], name="points_lot_expiring", condition=Q(remaining__gt=0)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=F("points")),
                name="points_lot_remaining_within",
            ),
        ]

    def __str__(self) -> str:
        return f"lot {self.pk}: {self.remaining}/{self.points} until {self.expires_on}"


class PointsLotUse(models.Model):
    """How many points a spending entry (redeem or expire) took from a lot, so a return can give
    the same points back."""

    entry = models.ForeignKey(PointsEntry, on_delete=models.PROTECT, related_name="lot_uses")
    lot = models.ForeignKey(PointsLot, on_delete=models.PROTECT, related_name="uses")
    points = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.entry_id} took {self.points} from lot {self.lot_id}"


class LedgerCheckpoint(models.Model):
    """A digest of every member's chain head at one moment, itself chained to the checkpoint
    before: deleting a member's latest entries (which leaves a valid shorter chain) is caught."""

    seq = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField()
    members = models.PositiveIntegerField()
    entries = models.PositiveBigIntegerField()
    heads_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    checkpoint_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("ledger checkpoint")
        verbose_name_plural = _("ledger checkpoints")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"checkpoint {self.seq}"


class CheckpointHead(models.Model):
    """One member's head as a checkpoint saw it (seq and hash)."""

    checkpoint = models.ForeignKey(LedgerCheckpoint, on_delete=models.CASCADE, related_name="heads")
    member_id = models.BigIntegerField()
    seq = models.PositiveIntegerField()
    entry_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "member_id"], name="checkpoint_head_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id}#{self.seq}"
