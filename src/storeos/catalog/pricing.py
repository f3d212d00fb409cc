"""Price changes: the list price, a store's or channel's standing price, and price lists.

Every change runs in one transaction that also writes the audit row and the
`catalog.price_changed` outbox event, so a price never moves without both.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from storeos.accounts.permissions import Perm, require_unless_system
from storeos.catalog.models import PriceList, PriceListItem, Sku
from storeos.catalog.price_resolution import price_for, prices_for
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.core.channels import Channel
from storeos.core.errors import Conflict, NotFound, ValidationFailed
from storeos.core.outbox import event_emit
from storeos.stores.models import Store
from storeos.stores.services import creating_unique, refuse_nul

PRICE_CHANGED = "catalog.price_changed"
# Codes of the lists that price_change keeps per store/channel; hand-made lists may not use it.
STANDING_PREFIX = "STD-"


@dataclass(frozen=True)
class PriceChange:
    """What a price change did: the scope, the prices either side, and the records it wrote."""

    sku_id: int
    sku_code: str
    store_id: int | None
    channel: str
    old_price: Decimal
    new_price: Decimal
    effective_at: dt.datetime
    price_list_id: int | None
    audit_entry_id: int
    event_id: int


def clean_amount(value, *, code: str, label: str) -> Decimal:
    """A non-negative amount with at most two decimal places (10 before the point)."""
    if isinstance(value, float | bool):
        raise ValidationFailed(f"The {label} must be a decimal number.", code=code)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(f"The {label} must be a number.", code=code) from exc
    if not amount.is_finite():
        raise ValidationFailed(f"The {label} must be a decimal number.", code=code)
    if amount < 0:
        raise ValidationFailed(f"The {label} may not be negative.", code=code)
    if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e10"):
        raise ValidationFailed(
            f"The {label} has at most two decimal places and ten digits before the point.",
            code=code,
        )
    return amount.quantize(Decimal("0.01"))


def _clean_price(value) -> Decimal:
    return clean_amount(value, code="price_invalid", label="price")


def _clean_channel(channel: str | None) -> str:
    channel = channel or ""
    if channel and channel not in Channel.values:
        raise ValidationFailed(
            f"Unknown sales channel: {channel}.",
            code="channel_invalid",
            details={"known": list(Channel.values)},
        )
    return channel


def _lock_sku(sku_id: int) -> Sku:
    """Lock the SKU row: every price change of one SKU queues here, so "old price" is exact."""
    return Sku.objects.select_for_update().get(pk=sku_id)


def _standing_list(store: Store | None, channel: str) -> PriceList:
    scope = f"S{store.pk}" if store else "CHAIN"
    label = f"{store.code} " if store else ""
    price_list, _ = PriceList.objects.get_or_create(
        kind=PriceList.Kind.STANDING,
        store=store,
        channel=channel,
        defaults={
            "code": f"{STANDING_PREFIX}{scope}-{channel or 'all'}",
            "name": f"{label}store price list ({channel or 'all channels'})"[:100],
        },
    )
    return price_list


def _record(
    *,
    actor,
    sku: Sku,
    store_id: int | None,
    channel: str,
    old: Decimal,
    new: Decimal,
    reason: str,
    effective_at: dt.datetime,
    price_list: PriceList | None,
) -> PriceChange:
    """Write the audit row and the outbox event of a price change (caller holds the SKU lock)."""
    price_list_id = getattr(price_list, "pk", None)
    entry = audit_record(
        actor=actor,
        action="price.change",
        obj=sku,
        store_id=store_id,
        before={"price": str(old)},
        after={"price": str(new), "channel": channel, "price_list_id": price_list_id},
        reason=reason,
    )
    event = event_emit(
        topic=PRICE_CHANGED,
        payload={
            "sku_id": sku.pk,
            "sku_code": sku.code,
            "store_id": store_id,
            "channel": channel,
            "old_price": str(old),
            "new_price": str(new),
            "effective_at": effective_at.isoformat(),
            "price_list_id": price_list_id,
        },
    )
    return PriceChange(
        sku_id=sku.pk,
        sku_code=sku.code,
        store_id=store_id,
        channel=channel,
        old_price=old,
        new_price=new,
        effective_at=effective_at,
        price_list_id=price_list_id,
        audit_entry_id=entry.pk,
        event_id=event.pk,
    )


def _unchanged(sku: Sku, price: Decimal) -> ValidationFailed:
    return ValidationFailed(
        f"{sku.code} already costs {price}.",
        code="price_unchanged",
        details={"price": str(price)},
    )


def price_change(
    *,
    actor,
    sku: Sku,
    new_price: Decimal,
    reason: str,
    store: Store | None = None,
    channel: str = "",
) -> PriceChange:
    """Change a price now, with a reason.

    No store and no channel: the SKU's list price (chain-wide permission). With a store and/or a
    channel: the price on that scope's standing price list, created on first use (permission in
    that store; chain-wide when there is no store).
    """
    new_price = _clean_price(new_price)
    reason = refuse_nul((reason or "").strip(), field="reason")
    if not reason:
        raise ValidationFailed("Say why the price changes.", code="reason_required")
    channel = _clean_channel(channel)
    require_unless_system(actor, Perm.PRICE_CHANGE, store)

    with transaction.atomic():
        locked = _lock_sku(sku.pk)
        now = clock.now()
        price_list = None
        if store is None and not channel:
            old = locked.list_price
            if old == new_price:
                raise _unchanged(locked, old)
            locked.list_price = new_price
            locked.save(update_fields=["list_price", "updated_at"])
            sku.list_price = new_price  # keep the caller's object in step
        else:
            price_list = _standing_list(store, channel)
            item = PriceListItem.objects.filter(price_list=price_list, sku=locked).first()
            # Without an item: what this scope paid under standing prices (promotions aside).
            old = item.price if item else _standing_price(locked, store, channel, now)
            if old == new_price:
                raise _unchanged(locked, old)
            PriceListItem.objects.update_or_create(
                price_list=price_list, sku=locked, defaults={"price": new_price}
            )
        return _record(
            actor=actor,
            sku=locked,
            store_id=getattr(store, "pk", None),
            channel=channel,
            old=old,
            new=new_price,
            reason=reason,
            effective_at=now,
            price_list=price_list,
        )


def _standing_price(sku: Sku, store: Store | None, channel: str, at: dt.datetime) -> Decimal:
    return prices_for(
        skus=[sku], store=store, channel=channel, at=at, kinds=[PriceList.Kind.STANDING]
    )[sku.pk]


def price_list_create(
    *,
    actor,
    code: str,
    name: str,
    store: Store | None = None,
    channel: str = "",
    valid_from: dt.datetime | None = None,
    valid_to: dt.datetime | None = None,
    is_active: bool = True,
) -> PriceList:
    """A scheduled price list (a promotion, a season) for a store and/or channel, or chain-wide."""
    require_unless_system(actor, Perm.PRICE_CHANGE, store)
    code = refuse_nul((code or "").strip(), field="code")
    name = refuse_nul((name or "").strip(), field="name")
    if not code or not name or len(code) > 32 or len(name) > 100 or " " in code:
        raise ValidationFailed(
            "A price list needs a code (up to 32 characters, no spaces) and a name.",
            code="price_list_invalid",
        )
    if code.upper().startswith(STANDING_PREFIX):
        raise ValidationFailed(
            f"Codes starting with {STANDING_PREFIX} are kept for store price lists.",
            code="code_reserved",
        )
    channel = _clean_channel(channel)
    for instant in (valid_from, valid_to):
        if instant is not None and instant.tzinfo is None:
            raise ValidationFailed("Validity times need a time zone.", code="validity_invalid")
    if valid_from and valid_to and valid_to <= valid_from:
        raise ValidationFailed("A price list must end after it starts.", code="validity_invalid")
    with creating_unique(
        exists=PriceList.objects.filter(code=code).exists(),
        conflict=Conflict(f"Price list {code} already exists.", code="price_list_code_taken"),
    ):
        price_list = PriceList.objects.create(
            code=code,
            name=name,
            kind=PriceList.Kind.SCHEDULED,
            store=store,
            channel=channel,
            valid_from=valid_from,
            valid_to=valid_to,
            is_active=is_active,
        )
        audit_record(
            actor=actor,
            action="price_list.create",
            obj=price_list,
            store_id=getattr(store, "pk", None),
            after={
                "code": code,
                "channel": channel,
                "valid_from": valid_from.isoformat() if valid_from else None,
                "valid_to": valid_to.isoformat() if valid_to else None,
            },
        )
    return price_list


def _list_effective_at(price_list: PriceList, now: dt.datetime) -> dt.datetime:
    return max(price_list.valid_from, now) if price_list.valid_from else now


def price_list_item_set(
    *, actor, price_list: PriceList, sku: Sku, price: Decimal, reason: str = ""
) -> PriceChange:
    """Put a SKU on a price list (or change its price there). Audited like any price change."""
    price = _clean_price(price)
    require_unless_system(actor, Perm.PRICE_CHANGE, price_list.store_id)
    reason = refuse_nul((reason or "").strip(), field="reason") or f"price list {price_list.code}"
    with transaction.atomic():
        locked = _lock_sku(sku.pk)
        now = clock.now()
        effective_at = _list_effective_at(price_list, now)
        item = PriceListItem.objects.filter(price_list=price_list, sku=locked).first()
        if item is not None:
            old = item.price
        else:
            old = price_for(
                sku=locked, store=price_list.store_id, channel=price_list.channel, at=effective_at
            )
        if item is not None and item.price == price:
            raise _unchanged(locked, price)
        PriceListItem.objects.update_or_create(
            price_list=price_list, sku=locked, defaults={"price": price}
        )
        return _record(
            actor=actor,
            sku=locked,
            store_id=price_list.store_id,
            channel=price_list.channel,
            old=old,
            new=price,
            reason=reason,
            effective_at=effective_at,
            price_list=price_list,
        )


def price_list_item_remove(
    *, actor, price_list: PriceList, sku: Sku, reason: str = ""
) -> PriceChange:
    """Take a SKU off a price list; the price falls back to the next list or the list price."""
    require_unless_system(actor, Perm.PRICE_CHANGE, price_list.store_id)
    reason = refuse_nul((reason or "").strip(), field="reason") or (
        f"removed from price list {price_list.code}"
    )
    with transaction.atomic():
        locked = _lock_sku(sku.pk)
        item = PriceListItem.objects.filter(price_list=price_list, sku=locked).first()
        if item is None:
            raise NotFound(
                f"{locked.code} is not on price list {price_list.code}.",
                code="price_list_item_not_found",
            )
        item.delete()
        now = clock.now()
        effective_at = _list_effective_at(price_list, now)
        new = price_for(
            sku=locked, store=price_list.store_id, channel=price_list.channel, at=effective_at
        )
        return _record(
            actor=actor,
            sku=locked,
            store_id=price_list.store_id,
            channel=price_list.channel,
            old=item.price,
            new=new,
            reason=reason,
            effective_at=effective_at,
            price_list=price_list,
        )
