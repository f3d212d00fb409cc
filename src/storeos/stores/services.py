"""Writes for regions, stores, stock locations and zones. Each one is audited."""

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction

from storeos.accounts.permissions import Perm, require_unless_system
from storeos.core.audit import audit_record
from storeos.core.channels import Channel
from storeos.core.errors import Conflict, ValidationFailed
from storeos.stores.models import Location, Region, Store, Zone

# A new store sells from its shelf on every channel; the back room only holds stock.
SHELF_CHANNELS = [
    Channel.POS.value,
    Channel.ONLINE_MALL.value,
    Channel.MINI_PROGRAM.value,
    Channel.DELIVERY.value,
]
STORE_KINDS = frozenset({Location.Kind.STORE_SHELF, Location.Kind.STORE_BACKROOM})
STORE_UPDATABLE = frozenset(
    {
        "name",
        "region",
        "city",
        "address",
        "time_zone",
        "selling_area_m2",
        "opened_on",
        "is_active",
    }
)


@contextmanager
def creating_unique(*, exists: bool, conflict: Conflict) -> Iterator[None]:
    """Refuse a duplicate up front; a concurrent duplicate's IntegrityError is the same refusal.

    The block runs in its own savepoint so the failed insert leaves the caller's transaction usable.
    """
    if exists:
        raise conflict
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise conflict from exc


def refuse_nul(value: str, *, field: str) -> str:
    """PostgreSQL cannot store a NUL character in text; say so instead of failing on save."""
    if value and "\x00" in value:
        raise ValidationFailed(
            f"The {field} contains a NUL character.", code="text_invalid", details={"field": field}
        )
    return value


def _clean_code(code: str, *, max_length: int = 32, field: str = "code") -> str:
    code = refuse_nul((code or "").strip(), field=field)
    if not code:
        raise ValidationFailed(
            "A code is required.", code="code_required", details={"field": field}
        )
    if len(code) > max_length:
        raise ValidationFailed(
            f"A code has at most {max_length} characters.",
            code="code_too_long",
            details={"field": field, "max_length": max_length},
        )
    if any(ch.isspace() for ch in code):
        raise ValidationFailed(
            "A code may not contain spaces.", code="code_invalid", details={"field": field}
        )
    return code


def _clean_name(name: str, *, max_length: int = 100) -> str:
    name = refuse_nul((name or "").strip(), field="name")
    if not name:
        raise ValidationFailed("A name is required.", code="name_required")
    if len(name) > max_length:
        raise ValidationFailed(f"A name has at most {max_length} characters.", code="name_too_long")
    return name


def _clean_text(value: str, *, max_length: int, field: str) -> str:
    value = refuse_nul((value or "").strip(), field=field)
    if len(value) > max_length:
        raise ValidationFailed(
            f"The {field} has at most {max_length} characters.",
            code="text_too_long",
            details={"field": field, "max_length": max_length},
        )
    return value


def _clean_time_zone(time_zone: str) -> str:
    refuse_nul(time_zone, field="time_zone")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValidationFailed(
            f"Unknown time zone: {time_zone!r}.",
            code="time_zone_invalid",
            details={"time_zone": time_zone},
        ) from exc
    return time_zone


def _clean_area(value) -> Decimal | None:
    if value is None:
        return None
    try:
        area = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed("The selling area must be a number.", code="area_invalid") from exc
    if not area.is_finite() or area <= 0:
        raise ValidationFailed("The selling area must be above zero.", code="area_invalid")
    return area


def clean_channels(channels) -> list[str]:
    """A de-duplicated list of known channels, in the order given, or ValidationFailed."""
    channels = list(channels or [])
    unknown = [c for c in channels if c not in Channel.values]
    if unknown:
        raise ValidationFailed(
            f"Unknown sales channel(s): {', '.join(map(str, unknown))}.",
            code="channel_invalid",
            details={"unknown": unknown, "known": list(Channel.values)},
        )
    return list(dict.fromkeys(channels))


def _store_snapshot(store: Store) -> dict[str, Any]:
    return {
        "code": store.code,
        "name": store.name,
        "region_id": store.region_id,
        "city": store.city,
        "address": store.address,
        "time_zone": store.time_zone,
        "selling_area_m2": None if store.selling_area_m2 is None else str(store.selling_area_m2),
        "opened_on": store.opened_on.isoformat() if store.opened_on else None,
        "is_active": store.is_active,
    }


def region_create(*, actor, code: str, name: str) -> Region:
    require_unless_system(actor, Perm.STORES_EDIT)
    code, name = _clean_code(code), _clean_name(name)
    with creating_unique(
        exists=Region.objects.filter(code=code).exists(),
        conflict=Conflict(f"Region {code} already exists.", code="region_code_taken"),
    ):
        region = Region.objects.create(code=code, name=name)
        audit_record(
            actor=actor, action="region.create", obj=region, after={"code": code, "name": name}
        )
    return region


def store_create(
    *,
    actor,
    code: str,
    name: str,
    region: Region,
    city: str = "",
    address: str = "",
    time_zone: str = "Asia/Shanghai",
    selling_area_m2: Decimal | None = None,
    create_locations: bool = True,
) -> Store:
    """Open a store; by default with its shelf (sells on every channel) and back room."""
    require_unless_system(actor, Perm.STORES_EDIT)
    code = _clean_code(code)
    fields = {
        "name": _clean_name(name),
        "city": _clean_text(city, max_length=64, field="city"),
        "address": _clean_text(address, max_length=255, field="address"),
        "time_zone": _clean_time_zone(time_zone),
        "selling_area_m2": _clean_area(selling_area_m2),
    }
    with creating_unique(
        exists=Store.objects.filter(code=code).exists(),
        conflict=Conflict(f"Store {code} already exists.", code="store_code_taken"),
    ):
        store = Store.objects.create(code=code, region=region, **fields)
        audit_record(
            actor=actor,
            action="store.create",
            obj=store,
            store_id=store.pk,
            after=_store_snapshot(store),
        )
        if create_locations:
            _store_locations_create(actor=actor, store=store)
    return store


def _store_locations_create(*, actor, store: Store) -> None:
    for suffix, kind, label, sellable, channels in (
        ("SHELF", Location.Kind.STORE_SHELF, "shelf", True, SHELF_CHANNELS),
        ("BACK", Location.Kind.STORE_BACKROOM, "back room", False, []),
    ):
        location_create(
            actor=actor,
            code=f"{store.code}-{suffix}",
            name=f"{store.name} {label}"[:100],
            kind=kind,
            store=store,
            sellable=sellable,
            channels=channels,
        )


@transaction.atomic
def store_update(*, actor, store: Store, **changes) -> Store:
    """Change a store's details (not its code: other systems know the store by it)."""
    require_unless_system(actor, Perm.STORES_EDIT, store)
    unknown = sorted(set(changes) - STORE_UPDATABLE)
    if unknown:
        raise ValidationFailed(
            f"These store fields cannot be changed here: {', '.join(unknown)}.",
            code="field_not_updatable",
            details={"fields": unknown},
        )
    if "name" in changes:
        changes["name"] = _clean_name(changes["name"])
    if "time_zone" in changes:
        changes["time_zone"] = _clean_time_zone(changes["time_zone"])
    if "selling_area_m2" in changes:
        changes["selling_area_m2"] = _clean_area(changes["selling_area_m2"])
    for text_field, max_length in (("city", 64), ("address", 255)):
        if text_field in changes:
            changes[text_field] = _clean_text(
                changes[text_field], max_length=max_length, field=text_field
            )

    store = Store.objects.select_for_update().get(pk=store.pk)
    before = _store_snapshot(store)
    changed = [f for f, v in changes.items() if getattr(store, f) != v]
    if not changed:
        return store
    for field in changed:
        setattr(store, field, changes[field])
    store.save(update_fields=changed)
    after = _store_snapshot(store)
    audit_record(
        actor=actor,
        action="store.update",
        obj=store,
        store_id=store.pk,
        before={k: v for k, v in before.items() if v != after[k]},
        after={k: v for k, v in after.items() if v != before[k]},
    )
    return store


def location_create(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    store: Store | None = None,
    region: Region | None = None,
    sellable: bool = False,
    channels=(),
) -> Location:
    """Add a stock location. Shelf and back-room kinds belong to a store; warehouses do not."""
    require_unless_system(actor, Perm.STORES_EDIT, store)
    code = _clean_code(code, max_length=40)
    if kind not in Location.Kind.values:
        raise ValidationFailed(
            f"Unknown location kind: {kind!r}.",
            code="location_kind_invalid",
            details={"known": list(Location.Kind.values)},
        )
    if kind in STORE_KINDS and store is None:
        raise ValidationFailed(
            "A store shelf or back room needs its store.", code="location_store_required"
        )
    if kind not in STORE_KINDS and store is not None:
        raise ValidationFailed(
            "A warehouse does not belong to a store.", code="location_store_not_allowed"
        )
    channels = clean_channels(channels)
    if channels and not sellable:
        raise ValidationFailed(
            "Only a sellable location can serve sales channels.", code="location_not_sellable"
        )
    if region is None and store is not None:
        region = store.region
    with creating_unique(
        exists=Location.objects.filter(code=code).exists(),
        conflict=Conflict(f"Location {code} already exists.", code="location_code_taken"),
    ):
        location = Location.objects.create(
            code=code,
            name=_clean_name(name),
            kind=kind,
            store=store,
            region=region,
            sellable=sellable,
            channels=channels,
        )
        audit_record(
            actor=actor,
            action="location.create",
            obj=location,
            store_id=location.store_id,
            after={
                "code": code,
                "kind": kind,
                "store_id": location.store_id,
                "region_id": location.region_id,
                "sellable": sellable,
                "channels": channels,
            },
        )
    return location


def zone_create(
    *, actor, store: Store, code: str, name: str, area_m2: Decimal | None = None
) -> Zone:
    require_unless_system(actor, Perm.STORES_EDIT, store)
    code, name = _clean_code(code), _clean_name(name)
    area = _clean_area(area_m2)
    with creating_unique(
        exists=Zone.objects.filter(store=store, code=code).exists(),
        conflict=Conflict(f"Store {store.code} already has a zone {code}.", code="zone_code_taken"),
    ):
        zone = Zone.objects.create(store=store, code=code, name=name, area_m2=area)
        audit_record(
            actor=actor,
            action="zone.create",
            obj=zone,
            store_id=store.pk,
            after={"code": code, "name": name},
        )
    return zone
