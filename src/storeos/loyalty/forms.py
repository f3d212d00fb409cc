"""Forms of the member pages. They check the shape of the input; the programme's rules (one phone,
one member; never below zero points) stay in the loyalty services."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from storeos.loyalty.models import Segment

MAX_ADJUST_POINTS = 1_000_000


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Member code or phone"), required=False, max_length=32)
    tier = forms.CharField(label=_("Tier"), required=False, max_length=32)
    segment = forms.ChoiceField(
        label=_("Segment"),
        required=False,
        choices=[("", _("All segments")), *Segment.choices],
    )
    page = forms.IntegerField(required=False, min_value=1)


class SegmentFilterForm(forms.Form):
    tier = forms.CharField(label=_("Tier"), required=False, max_length=32)
    segment = forms.ChoiceField(
        label=_("Segment"),
        required=False,
        choices=[("", _("All segments")), *Segment.choices],
    )
    tags = forms.CharField(label=_("Tags (codes, comma-separated)"), required=False, max_length=200)


class MemberRegisterForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=50)
    birthday = forms.DateField(
        label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    marketing_consent = forms.BooleanField(
        label=_("Agrees to receive marketing messages"), required=False
    )


class PointsAdjustForm(forms.Form):
    ADD, DEDUCT = "add", "deduct"

    direction = forms.ChoiceField(
        label=_("Change"),
        choices=[(ADD, _("Add points")), (DEDUCT, _("Deduct points"))],
        widget=forms.RadioSelect,
        initial=ADD,
    )
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=MAX_ADJUST_POINTS)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit log with your name."),
    )
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A hidden key per rendered form: a double-tapped button or a resent POST acts once.
        self.fields["form_key"].initial = uuid.uuid4().hex
