"""Tags (from rules or by hand, with weights that fade) and RFM scores."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from storeos.loyalty.models.members import Member

WEIGHT = {"max_digits": 8, "decimal_places": 4}


class TagDefinition(models.Model):
    """A tag marketing can target. A rule tag is computed nightly from purchases, e.g.
    {"scope": "series", "code": "technic", "min_count": 3, "days": 180}; a manual tag is set
    by staff. A tag's weight halves every `half_life_days` after it was last earned."""

    class Kind(models.TextChoices):
        RULE = "rule", _("From behaviour")
        MANUAL = "manual", _("Manual")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    rule = models.JSONField(_("rule"), default=dict, blank=True)
    half_life_days = models.PositiveIntegerField(_("half-life (days)"), default=90)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class MemberTag(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="tags")
    tag = models.ForeignKey(TagDefinition, on_delete=models.CASCADE, related_name="members")
    weight = models.DecimalField(_("weight when earned"), default=1, **WEIGHT)
    earned_at = models.DateTimeField(_("last earned"))
    assigned_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("member tag")
        verbose_name_plural = _("member tags")
        constraints = [models.UniqueConstraint(fields=["member", "tag"], name="member_tag_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.tag_id}"


class Segment(models.TextChoices):
    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal")
    POTENTIAL = "potential", _("Potential loyalists")
    NEW = "new", _("New customers")
    AT_RISK = "at_risk", _("At risk")
    CANNOT_LOSE = "cannot_lose", _("Cannot lose them")
    HIBERNATING = "hibernating", _("Hibernating")
    LOST = "lost", _("Lost")


class MemberRfm(models.Model):
    """A member's recency, frequency and monetary scores (1–5 by quintile), recomputed nightly."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="rfm")
    recency_days = models.PositiveIntegerField()
    frequency = models.PositiveIntegerField()
    monetary = models.DecimalField(max_digits=14, decimal_places=2)
    r_score = models.PositiveSmallIntegerField()
    f_score = models.PositiveSmallIntegerField()
    m_score = models.PositiveSmallIntegerField()
    segment = models.CharField(max_length=16, choices=Segment.choices, db_index=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("RFM score")
        verbose_name_plural = _("RFM scores")

    def __str__(self) -> str:
        return f"{self.member_id} {self.r_score}{self.f_score}{self.m_score} {self.segment}"
