"""The demo chain: deterministic seed data for `storeos demo` and `storeos seed`.

The plan (what to create) is pure data built in `lego.py` / `liquor.py` and, for stock,
`stock_plan.py`; this module writes it through the services, as the system (actor None) or as
the demo staff member who would do it, in one transaction: a failed seed leaves an empty
database behind, never half a chain.
"""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from storeos.accounts import services as accounts
from storeos.accounts.models import User
from storeos.catalog import services as catalog
from storeos.catalog.models import Category, Sku
from storeos.core import clock
from storeos.core.errors import Conflict, ValidationFailed
from storeos.demo.lego import build_lego_plan
from storeos.demo.liquor import build_liquor_plan
from storeos.demo.members_plan import (
    PROGRAMMES,
    MembersPlan,
    build_members_plan,
    coupon_tickets_pick,
)
from storeos.demo.members_seed import MembersWriter
from storeos.demo.plan import Plan
from storeos.demo.promotions_seed import CLAIM, write_promotions
from storeos.demo.staff import DEMO_PASSWORD, demo_staff, till_staff
from storeos.demo.stock_plan import StockPlan, build_stock_plan
from storeos.demo.stock_seed import StockWriter
from storeos.inventory.models import StockLevel, Transfer
from storeos.sales.models import Order, SalesReturn
from storeos.stores import services as stores
from storeos.stores.models import Region, Store

SCENARIOS: dict[str, Callable[[int], Plan]] = {
    "lego": build_lego_plan,
    "liquor": build_liquor_plan,
}


def build_plan(scenario: str, seed: int) -> Plan:
    if scenario not in SCENARIOS:
        raise ValidationFailed(
            f"Unknown demo scenario {scenario!r}; choose one of: {', '.join(SCENARIOS)}.",
            code="demo_scenario_unknown",
        )
    return SCENARIOS[scenario](seed)


def _store_prefixes() -> dict[str, str]:
    # Store lists do not depend on the seed, so any seed names the stores.
    return {name: build(0).store_prefix for name, build in SCENARIOS.items()}


def seeded_scenario() -> str | None:
    """Which demo the database holds, told by its store codes; None when it holds none."""
    for name, prefix in _store_prefixes().items():
        if Store.objects.filter(code__startswith=prefix).exists():
            return name
    return None


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, password, role) of the demo logins in the seeded demo; empty without one."""
    scenario = seeded_scenario()
    if scenario is None:
        return []
    plan = build_plan(scenario, 0)
    first_store = plan.stores[0].code
    name = Store.objects.filter(code=first_store).values_list("name", flat=True).first() or ""
    # "store manager, LG-SH01 上海南京东路旗舰店": the chain's name would only repeat itself.
    where = f"{first_store} {name.removeprefix(plan.chain_name).strip()}".strip()
    existing = set(User.objects.values_list("username", flat=True))
    return [
        (user.username, DEMO_PASSWORD, user.label.replace(first_store, where))
        for user in demo_staff([store.code for store in plan.stores])
        if user.username in existing
    ]


def _refuse_unless_empty(plan: Plan) -> None:
    """The demo seeds an empty database: its codes and usernames must not meet real data."""
    taken_users = User.objects.filter(username__in=[u.username for u in plan.users])
    if (
        Store.objects.exists()
        or Region.objects.exists()
        or Sku.objects.exists()
        or Category.objects.exists()
        or taken_users.exists()
    ):
        raise Conflict(
            "The database already holds stores, products or demo users; "
            "the demo seeds an empty database (delete storeos-data/ or use a fresh DATABASE_URL).",
            code="demo_database_not_empty",
        )


class _Writer:
    """Writes a plan step by step, remembering what it created by code for later steps."""

    def __init__(self, plan: Plan, advance: Callable[[int], None]):
        self.plan = plan
        self.advance = advance
        self.regions: dict = {}
        self.stores: dict = {}
        self.categories: dict = {}
        self.series: dict = {}
        self.products: dict = {}
        self.skus: dict = {}
        self.users: list = []

    def write_stores(self) -> None:
        for spec in self.plan.regions:
            self.regions[spec.code] = stores.region_create(
                actor=None, code=spec.code, name=spec.name
            )
        for spec in self.plan.stores:
            store = stores.store_create(
                actor=None,
                code=spec.code,
                name=spec.name,
                region=self.regions[spec.region],
                city=spec.city,
                address=spec.address,
                selling_area_m2=spec.selling_area_m2,
            )
            store = stores.store_update(actor=None, store=store, opened_on=spec.opened_on)
            for zone in spec.zones:
                stores.zone_create(
                    actor=None, store=store, code=zone.code, name=zone.name, area_m2=zone.area_m2
                )
            self.stores[spec.code] = store
            self.advance(1)

    def write_warehouses(self) -> None:
        for spec in self.plan.warehouses:
            stores.location_create(
                actor=None,
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                region=self.regions[spec.region] if spec.region else None,
            )
            self.advance(1)

    def write_categories(self) -> None:
        for spec in self.plan.categories:
            self.categories[spec.code] = catalog.category_create(
                actor=None,
                code=spec.code,
                name=spec.name,
                parent=self.categories[spec.parent] if spec.parent else None,
            )
        for spec in self.plan.series:
            self.series[spec.code] = catalog.series_create(
                actor=None, code=spec.code, name=spec.name, brand=spec.brand
            )
        self.advance(1)

    def write_products(self) -> None:
        for spec in self.plan.products:
            self.products[spec.code] = catalog.product_create(
                actor=None,
                code=spec.code,
                name=spec.name,
                category=self.categories[spec.category],
                series=self.series[spec.series] if spec.series else None,
                description=spec.description,
            )
        self.advance(1)

    def write_skus(self) -> None:
        for spec in self.plan.skus:
            self.skus[spec.code] = catalog.sku_create(
                actor=None,
                product=self.products[spec.product],
                code=spec.code,
                name=spec.name,
                list_price=spec.list_price,
                cost=spec.cost,
                barcodes=spec.barcodes,
                spec=spec.spec,
                unit=spec.unit,
                pack_size=spec.pack_size,
                tax_rate=spec.tax_rate,
                batch_tracked=spec.batch_tracked,
                shelf_life_days=spec.shelf_life_days,
                age_restricted=spec.age_restricted,
                blocked_channels=spec.blocked_channels,
            )
            self.advance(1)

    def write_price_lists(self) -> None:
        for spec in self.plan.price_lists:
            store = self.stores[spec.store] if spec.store else None
            valid_from = valid_to = None
            if spec.days is not None:
                # From midnight of the seeding day, on the store's wall clock.
                tz = ZoneInfo(store.time_zone if store else settings.TIME_ZONE)
                valid_from = dt.datetime.combine(clock.today(tz.key), dt.time.min, tzinfo=tz)
                valid_to = valid_from + dt.timedelta(days=spec.days)
            price_list = catalog.price_list_create(
                actor=None,
                code=spec.code,
                name=spec.name,
                store=store,
                channel=spec.channel,
                valid_from=valid_from,
                valid_to=valid_to,
            )
            for sku_code, price in spec.items:
                catalog.price_list_item_set(
                    actor=None,
                    price_list=price_list,
                    sku=self.skus[sku_code],
                    price=price,
                    reason="demo seed",
                )
            self.advance(1)

    def write_staff(self) -> None:
        for spec in self.plan.users:
            user = accounts.user_create(
                actor=None,
                username=spec.username,
                password=DEMO_PASSWORD,
                email=f"{spec.username}@example.com",
                first_name=spec.first_name,
                last_name=spec.last_name,
            )
            store = self.stores[spec.store] if spec.store else None
            accounts.role_grant(actor=None, user=user, role=spec.role, store=store)
            if spec.role == "admin":
                # The administrator also runs Django's admin site.
                accounts.user_access_update(actor=None, user=user, is_staff=True, is_superuser=True)
            self.users.append(user)
            self.advance(1)

    def write_loyalty(self, members: MembersWriter) -> None:
        members.templates.update(write_promotions(scenario=self.plan.scenario, now=members.now))
        with clock.frozen(members.now - dt.timedelta(days=120)):
            members.write_programme()
        self.advance(1)
        members.write_members()
        self.advance(1)

    def write_engagement(self, members: MembersWriter) -> None:
        cashier = next(u for u in self.users if u.username == "cashier")
        members.write_engagement(cashier)
        self.advance(1)

    def write_stock(self, stock: StockPlan, customer=None) -> None:
        StockWriter(
            stock=stock,
            skus=self.skus,
            users={user.username: user for user in self.users},
            tills=till_staff([spec.code for spec in self.plan.stores]),
            advance=self.advance,
            customer=customer,
        ).write()


def _members_plan(plan: Plan, stock: StockPlan, seed: int) -> MembersPlan:
    programme, count = PROGRAMMES[plan.scenario]
    tickets = stock.orders.tickets
    members = build_members_plan(
        plan, programme=programme, count=count, seed=seed, now=clock.now(), tickets=tickets
    )
    template, min_spend, _ = CLAIM[plan.scenario]
    coupons = coupon_tickets_pick(
        tickets=tickets,
        ticket_members=members.ticket_members,
        prices={sku.code: sku.list_price for sku in plan.skus},
        template=template,
        min_spend=min_spend,
        now=clock.now(),
        seed=f"{plan.scenario}-coupons-{seed}",
    )
    return replace(members, ticket_coupons=coupons)


def seed_demo(*, scenario: str, seed: int, console: Console, with_stock: bool = True) -> str:
    """Seed an empty database with the `scenario` chain; the same seed gives the same data.

    `with_stock=False` stops after the staff logins (for tests of the catalog alone).
    """
    started = time.monotonic()
    plan = build_plan(scenario, seed)
    # Stores keep their wall clock in their own zone; the demo's stores all use the default.
    store_tz = Store._meta.get_field("time_zone").default
    stock = None
    if with_stock:
        # History runs up to this moment: today's tickets so far are in it.
        stock = build_stock_plan(plan, seed=seed, now=clock.now(), tz=store_tz)
    members_plan = _members_plan(plan, stock, seed) if stock is not None else None
    with transaction.atomic():
        _refuse_unless_empty(plan)
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("Seeding", total=0)
            writer = _Writer(plan, advance=lambda n: progress.advance(task, n))
            steps: list[tuple[str, Callable[[], None], int]] = [
                ("Stores and zones", writer.write_stores, len(plan.stores)),
                ("Warehouses", writer.write_warehouses, len(plan.warehouses)),
                ("Categories and series", writer.write_categories, 1),
                ("Products", writer.write_products, 1),
                ("SKUs and barcodes", writer.write_skus, len(plan.skus)),
                ("Price lists", writer.write_price_lists, len(plan.price_lists)),
                ("Staff logins", writer.write_staff, len(plan.users)),
            ]
            members = None
            if members_plan is not None:
                members = MembersWriter(
                    members=members_plan,
                    store_codes=[spec.code for spec in plan.stores],
                    seed=seed,
                    now=clock.now(),
                )
                steps.append(("Members and promotions", partial(writer.write_loyalty, members), 2))
            if stock is not None:
                customer = members.customer if members is not None else None
                steps.append(
                    (
                        "Stock and sales",
                        partial(writer.write_stock, stock, customer),
                        StockWriter.units(stock),
                    )
                )
            if members is not None:
                steps.append(("Member activity", partial(writer.write_engagement, members), 1))
            progress.update(task, total=sum(units for _, _, units in steps))
            for description, step, _ in steps:
                progress.update(task, description=description)
                step()
            progress.update(task, description="Done")
        stock_lines, transfers = StockLevel.objects.count(), Transfer.objects.count()
        orders, returns = Order.objects.count(), SalesReturn.objects.count()
    elapsed = time.monotonic() - started
    return (
        f"Seeded the {scenario} demo: {len(plan.stores)} stores, "
        f"{len(plan.warehouses)} warehouses, {len(plan.skus)} SKUs, "
        f"{stock_lines:,} stock lines, {transfers} transfers, {orders:,} orders, "
        f"{returns} returns, {len(plan.users)} users in {elapsed:.1f} s"
    )
