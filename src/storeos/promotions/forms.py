"""Forms of the promotions pages. They turn a person's fields into the service's arguments (a
rule by kind, a scope of ids from codes); what makes a promotion valid stays in the services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from storeos.catalog.models import Category, Sku
from storeos.core.channels import Channel
from storeos.promotions.models import CouponKind, PromotionKind, PromotionStatus

# Which kind-specific fields each kind shows (promotions.js reads data-kinds on the fields).
KIND_FIELDS = {
    PromotionKind.PERCENT_OFF: ["percent"],
    PromotionKind.AMOUNT_OFF: ["amount"],
    PromotionKind.FIXED_PRICE: ["price"],
    PromotionKind.TIER_PRICE: ["tier_percents"],
    PromotionKind.SPEND_SAVE: ["every", "off", "tiers"],
    PromotionKind.BUY_X_GET_Y: ["buy", "get", "get_sku", "percent"],
    PromotionKind.NTH_ITEM: ["nth", "percent"],
    PromotionKind.BUNDLE: ["bundle_skus", "price"],
    PromotionKind.GIFT: ["gift_sku", "gift_quantity", "gift_min_amount"],
    PromotionKind.POINTS_MULTIPLIER: ["multiplier"],
}
RULE_FIELDS = sorted({name for names in KIND_FIELDS.values() for name in names})


def _codes(text: str) -> list[str]:
    return [part.strip() for part in (text or "").replace("，", ",").split(",") if part.strip()]


def _local(value):
    return value.strftime("%Y-%m-%dT%H:%M") if value else ""


class PromotionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *PromotionStatus.choices]
    )


class PromotionForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PromotionKind.choices)
    label = forms.CharField(label=_("Receipt and label text"), max_length=40, required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    # Kind-specific rule fields.
    percent = forms.DecimalField(label=_("Percentage off"), required=False, decimal_places=2)
    amount = forms.DecimalField(label=_("Amount off each item"), required=False, decimal_places=2)
    price = forms.DecimalField(label=_("Price"), required=False, decimal_places=2)
    tier_percents = forms.CharField(
        label=_("Percentage off by tier (gold=10, silver=5)"), required=False, max_length=200
    )
    every = forms.DecimalField(label=_("For every (spend)"), required=False, decimal_places=2)
    off = forms.DecimalField(label=_("Take off"), required=False, decimal_places=2)
    tiers = forms.CharField(
        label=_("Or tiers (200-20, 500-60, 1000-150)"), required=False, max_length=200
    )
    buy = forms.IntegerField(label=_("Buy (quantity)"), required=False, min_value=1)
    get = forms.IntegerField(label=_("Get (quantity)"), required=False, min_value=1)
    get_sku = forms.CharField(
        label=_("Get SKU code (empty: the same SKU)"), required=False, max_length=64
    )
    nth = forms.IntegerField(label=_("Which item (nth)"), required=False, min_value=2)
    bundle_skus = forms.CharField(
        label=_("Bundle SKU codes (comma-separated)"), required=False, max_length=500
    )
    gift_sku = forms.CharField(label=_("Gift SKU code"), required=False, max_length=64)
    gift_quantity = forms.IntegerField(label=_("Gift quantity"), required=False, min_value=1)
    gift_min_amount = forms.DecimalField(
        label=_("Gift when spending at least"), required=False, decimal_places=2
    )
    multiplier = forms.DecimalField(label=_("Points multiplier"), required=False, decimal_places=2)
    # Scope and conditions.
    scope_categories = forms.CharField(
        label=_("Categories (codes, comma-separated; empty: everything)"),
        required=False,
        max_length=500,
    )
    scope_skus = forms.CharField(
        label=_("SKUs (codes, comma-separated)"), required=False, max_length=1000
    )
    exclude_skus = forms.CharField(
        label=_("Except SKUs (codes, comma-separated)"), required=False, max_length=1000
    )
    store_ids = forms.MultipleChoiceField(
        label=_("Stores (none chosen: every store)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels (none chosen: every channel)"),
        required=False,
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    tier_codes = forms.CharField(
        label=_("Member tiers (codes, comma-separated)"), required=False, max_length=200
    )
    members_only = forms.BooleanField(label=_("Members only"), required=False)
    min_quantity = forms.IntegerField(label=_("Minimum quantity"), required=False, min_value=0)
    min_amount = forms.DecimalField(
        label=_("Minimum amount"), required=False, min_value=0, decimal_places=2
    )
    # Limits and stacking.
    total_uses = forms.IntegerField(
        label=_("Uses in total (0: no limit)"), required=False, min_value=0
    )
    per_member_uses = forms.IntegerField(
        label=_("Uses per member (0: no limit)"), required=False, min_value=0
    )
    budget = forms.DecimalField(
        label=_("Discount budget (0: none)"), required=False, min_value=0, decimal_places=2
    )
    priority = forms.IntegerField(label=_("Priority"), required=False, initial=0)
    stacking_group = forms.CharField(label=_("Stacking group"), required=False, max_length=32)
    stackable = forms.BooleanField(label=_("Stackable"), required=False)
    exclusive = forms.BooleanField(label=_("Exclusive"), required=False)

    def __init__(self, *args, stores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store_ids"].choices = [(str(s.pk), f"{s.code} {s.name}") for s in stores]
        for kind, names in KIND_FIELDS.items():
            for name in names:
                widget = self.fields[name].widget
                widget.attrs["data-kinds"] = " ".join(
                    filter(None, [widget.attrs.get("data-kinds", ""), str(kind)])
                )

    # --- codes to ids --------------------------------------------------------------------------
    def _sku_ids(self, field: str) -> list[int]:
        codes = _codes(self.cleaned_data.get(field, ""))
        found = dict(Sku.objects.filter(code__in=codes).values_list("code", "pk"))
        missing = [code for code in codes if code not in found]
        if missing:
            self.add_error(field, _("Unknown SKU codes: %(codes)s") % {"codes": ", ".join(missing)})
        return [found[code] for code in codes if code in found]

    def _category_ids(self, field: str) -> list[int]:
        codes = _codes(self.cleaned_data.get(field, ""))
        found = dict(Category.objects.filter(code__in=codes).values_list("code", "pk"))
        missing = [code for code in codes if code not in found]
        if missing:
            self.add_error(
                field, _("Unknown category codes: %(codes)s") % {"codes": ", ".join(missing)}
            )
        return [found[code] for code in codes if code in found]

    def _rule(self, kind: str) -> dict:
        data = self.cleaned_data

        def text(name):
            value = data.get(name)
            return None if value is None else str(value)

        if kind == PromotionKind.PERCENT_OFF:
            return {"percent": text("percent")}
        if kind == PromotionKind.AMOUNT_OFF:
            return {"amount": text("amount")}
        if kind == PromotionKind.FIXED_PRICE:
            return {"price": text("price")}
        if kind == PromotionKind.TIER_PRICE:
            percents = {}
            for part in _codes(data.get("tier_percents", "")):
                tier, _sep, value = part.partition("=")
                percents[tier.strip()] = value.strip()
            return {"percents": percents}
        if kind == PromotionKind.SPEND_SAVE:
            if data.get("tiers"):
                pairs = [[*part.split("-", 1), ""][:2] for part in _codes(data["tiers"])]
                return {"tiers": [[a.strip(), b.strip()] for a, b in pairs]}
            return {"every": text("every"), "off": text("off")}
        if kind == PromotionKind.BUY_X_GET_Y:
            get_sku = self._sku_ids("get_sku")
            return {
                "buy": data.get("buy"),
                "get": data.get("get"),
                "get_sku": get_sku[0] if get_sku else None,
                "percent": text("percent") or "100",
            }
        if kind == PromotionKind.NTH_ITEM:
            return {"nth": data.get("nth"), "percent": text("percent")}
        if kind == PromotionKind.BUNDLE:
            return {"skus": self._sku_ids("bundle_skus"), "price": text("price")}
        if kind == PromotionKind.GIFT:
            gift = self._sku_ids("gift_sku")
            return {
                "sku": gift[0] if gift else None,
                "quantity": data.get("gift_quantity") or 1,
                "min_amount": text("gift_min_amount") or "0",
            }
        return {"multiplier": text("multiplier")}

    def service_fields(self) -> dict:
        """The keyword arguments of promotion_create / promotion_update (call after is_valid)."""
        data = self.cleaned_data
        scope = {
            "categories": self._category_ids("scope_categories"),
            "skus": self._sku_ids("scope_skus"),
            "exclude_skus": self._sku_ids("exclude_skus"),
        }
        return {
            "code": data["code"].strip(),
            "name": data["name"].strip(),
            "kind": data["kind"],
            "label": data.get("label") or "",
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "rule": self._rule(data["kind"]),
            "scope": {key: ids for key, ids in scope.items() if ids},
            "store_ids": sorted(int(pk) for pk in data.get("store_ids") or []),
            "channels": list(data.get("channels") or []),
            "tier_codes": _codes(data.get("tier_codes", "")),
            "members_only": bool(data.get("members_only")),
            "min_quantity": data.get("min_quantity") or 0,
            "min_amount": data.get("min_amount") or Decimal("0"),
            "total_uses": data.get("total_uses") or 0,
            "per_member_uses": data.get("per_member_uses") or 0,
            "budget": data.get("budget") or Decimal("0"),
            "priority": data.get("priority") or 0,
            "stacking_group": (data.get("stacking_group") or "").strip(),
            "stackable": bool(data.get("stackable")),
            "exclusive": bool(data.get("exclusive")),
        }


def _sku_codes(ids) -> str:
    ids = [i for i in (ids or []) if isinstance(i, int)]
    codes = dict(Sku.objects.filter(pk__in=ids).values_list("pk", "code"))
    return ", ".join(codes[i] for i in ids if i in codes)


def promotion_initial(promotion) -> dict:
    """The form's fields for an existing promotion (the reverse of service_fields)."""
    rule, scope = promotion.rule or {}, promotion.scope or {}
    categories = dict(
        Category.objects.filter(pk__in=scope.get("categories", [])).values_list("pk", "code")
    )
    initial = {
        "code": promotion.code,
        "name": promotion.name,
        "kind": promotion.kind,
        "label": promotion.label,
        "starts_at": _local(promotion.starts_at),
        "ends_at": _local(promotion.ends_at),
        "scope_categories": ", ".join(
            categories[i] for i in scope.get("categories", []) if i in categories
        ),
        "scope_skus": _sku_codes(scope.get("skus")),
        "exclude_skus": _sku_codes(scope.get("exclude_skus")),
        "store_ids": [str(pk) for pk in promotion.store_ids],
        "channels": promotion.channels,
        "tier_codes": ", ".join(promotion.tier_codes),
        "members_only": promotion.members_only,
        "min_quantity": promotion.min_quantity,
        "min_amount": promotion.min_amount,
        "total_uses": promotion.total_uses,
        "per_member_uses": promotion.per_member_uses,
        "budget": promotion.budget,
        "priority": promotion.priority,
        "stacking_group": promotion.stacking_group,
        "stackable": promotion.stackable,
        "exclusive": promotion.exclusive,
    }
    for name in ("percent", "amount", "price", "every", "off", "buy", "get", "nth", "multiplier"):
        if name in rule:
            initial[name] = rule[name]
    if "percents" in rule:
        initial["tier_percents"] = ", ".join(f"{k}={v}" for k, v in rule["percents"].items())
    if "tiers" in rule:
        initial["tiers"] = ", ".join(f"{a}-{b}" for a, b in rule["tiers"])
    if rule.get("get_sku"):
        initial["get_sku"] = _sku_codes([rule["get_sku"]])
    if promotion.kind == PromotionKind.BUNDLE:
        initial["bundle_skus"] = _sku_codes(rule.get("skus"))
    if promotion.kind == PromotionKind.GIFT:
        initial["gift_sku"] = _sku_codes([rule.get("sku")])
        initial["gift_quantity"] = rule.get("quantity")
        initial["gift_min_amount"] = rule.get("min_amount")
    return initial


class CouponTemplateForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=CouponKind.choices)
    value = forms.DecimalField(
        label=_("Value (yuan off, or percentage off)"), required=False, decimal_places=2
    )
    free_sku = forms.CharField(label=_("Free item SKU code"), required=False, max_length=64)
    min_spend = forms.DecimalField(
        label=_("Minimum spend"), required=False, min_value=0, decimal_places=2
    )
    valid_from = forms.DateTimeField(
        label=_("Valid from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    valid_until = forms.DateTimeField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    valid_days = forms.IntegerField(
        label=_("Or valid for (days after claiming)"), required=False, min_value=0
    )
    per_member_limit = forms.IntegerField(
        label=_("Per member (0: no limit)"), required=False, min_value=0
    )
    total_limit = forms.IntegerField(label=_("Total (0: no limit)"), required=False, min_value=0)
    stackable = forms.BooleanField(label=_("Combines with another coupon"), required=False)
    return_on_refund = forms.BooleanField(
        label=_("Back to the wallet on a refund"), required=False, initial=True
    )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        free_sku_id = None
        if data.get("free_sku"):
            free_sku_id = (
                Sku.objects.filter(code=data["free_sku"].strip())
                .values_list("pk", flat=True)
                .first()
            )
            if free_sku_id is None:
                self.add_error("free_sku", _("Unknown SKU code."))
        return {
            "code": data["code"].strip(),
            "name": data["name"].strip(),
            "kind": data["kind"],
            "value": data.get("value") or Decimal("0"),
            "free_sku_id": free_sku_id,
            "min_spend": data.get("min_spend") or Decimal("0"),
            "valid_from": data.get("valid_from"),
            "valid_until": data.get("valid_until"),
            "valid_days": data.get("valid_days") or 0,
            "per_member_limit": data.get("per_member_limit") or 0,
            "total_limit": data.get("total_limit") or 0,
            "stackable": bool(data.get("stackable")),
            "return_on_refund": bool(data.get("return_on_refund")),
        }


class CodeBatchForm(forms.Form):
    quantity = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=100_000)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class SimulationForm(forms.Form):
    days = forms.IntegerField(label=_("Last N days"), min_value=1, max_value=366, initial=30)
