"""The cart pricing engine: one function prices every channel's cart (docs/promotions.md).

`cart_price` is what `sales.pricing.price_cart` calls. It returns a `PricedCart` whose lines carry
their discounts and explanations (`adjustments`), whose `adjustments` explain the order-level
discounts, and whose `uses` say which promotions and coupons gave how much, for the checkout to
record against their limits.

The steps are the policy's: candidates (conditions and limits, here), line applications and
their best valid combination (engine_lines), order promotions (engine_order), coupons
(engine_coupons). Exclusive promotions are priced alone and kept when cheaper.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from storeos.core import clock
from storeos.core.money import ZERO, quantize
from storeos.promotions.catalogue import (
    Catalogue,
    Compiled,
    SkuFacts,
    catalogue_current,
    category_paths_read,
)
from storeos.promotions.engine_coupons import (
    coupon_codes_normalise,
    coupon_scope_needs_categories,
    coupons_apply,
    coupons_load,
)
from storeos.promotions.engine_limits import budget_overdrawn, limits_filter
from storeos.promotions.engine_lines import (
    App,
    Line,
    Run,
    combination_best,
    line_amounts,
    line_applications,
)
from storeos.promotions.engine_order import order_promotions_apply
from storeos.promotions.models import PromotionKind as K

__all__ = ["MemberContext", "cart_price", "coupon_codes_normalise"]


@dataclass(frozen=True)
class MemberContext:
    """What the conditions of a promotion may ask about the customer."""

    member_id: int
    tier_code: str
    tag_codes: frozenset[str]
    joined_at: dt.datetime | None


@dataclass
class Customer:
    """The member as the engine sees them: conditions' context and the member price terms."""

    context: MemberContext | None = None
    terms: object = None  # loyalty.earning.MemberPrice
    detailed: bool = False


@dataclass
class Cart:
    store: object
    channel: str
    at: dt.datetime
    lines: list[Line]
    customer: Customer
    coupons: list
    paths: dict
    # Promotion id → the indexes of the lines in its scope (filled with the candidates).
    holds: dict = field(default_factory=dict)


def cart_price(
    *,
    store,
    channel: str,
    items: list,
    member_id=None,
    at=None,
    coupon_codes=(),
    extra_promotions=(),
):
    """Price `items` (sales.pricing.CartItem) in `store` on `channel` at `at` (default now) for
    the member (or nobody) with the coupons given. Returns sales.pricing.PricedCart.

    With no approved promotion, no member and no coupon this costs the price query and the
    catalogue's version query, nothing more."""
    from storeos.catalog.selectors import prices_for
    from storeos.sales.pricing import PricedCart, PricedLine

    at = at or clock.now()
    prices = prices_for(skus=[item.sku for item in items], store=store, channel=channel, at=at)
    catalogue = catalogue_current()
    if extra_promotions:  # a simulation treats drafts as running (promotions.simulation)
        from storeos.promotions.simulation import catalogue_with

        catalogue = catalogue_with(catalogue, extra_promotions)
    codes = coupon_codes_normalise(coupon_codes)
    coupons = coupons_load(codes=codes, member_id=member_id, at=at) if codes else []
    customer = _customer_load(member_id, store, at, items)
    priced = [
        PricedLine(sku=item.sku, quantity=item.quantity, unit_price=prices[item.sku.pk])
        for item in items
    ]
    member_rate = customer.terms is not None and customer.terms.rate > 0
    if not items or (not catalogue.promotions and not coupons and not member_rate):
        return PricedCart(lines=priced)

    needs_categories = catalogue.needs_categories or coupon_scope_needs_categories(coupons)
    paths = catalogue.category_paths
    if coupon_scope_needs_categories(coupons) and not paths:
        paths = category_paths_read()
    facts = _sku_facts(items, paths, needs_categories)
    lines = [
        Line(
            i,
            fact,
            item.quantity,
            prices[item.sku.pk],
            quantize(prices[item.sku.pk] * item.quantity),
        )
        for i, (item, fact) in enumerate(zip(items, facts, strict=True))
    ]
    cart = Cart(store, channel, at, lines, customer, coupons, paths)
    candidates, room = candidates_gather(catalogue=catalogue, cart=cart)
    run = _best_run(cart, candidates, room)
    return _priced_cart(run, priced, cart)


# --------------------------------------------------------------------------------- facts


def _customer_load(member_id, store, at, items) -> Customer:
    if member_id is None:
        return Customer()
    from storeos.loyalty.earning import member_price_terms

    terms = member_price_terms(
        member_id=member_id,
        on=clock.business_date(at, store.time_zone),
        sku_ids=[item.sku.pk for item in items],
    )
    return Customer(MemberContext(member_id, terms.tier_code, frozenset(), None), terms)


def _customer_details(customer: Customer) -> MemberContext:
    """Tags and the join date, read only when a candidate asks about them."""
    from storeos.loyalty.models import Member, MemberTag

    if not customer.detailed:
        ctx = customer.context
        joined = Member.objects.filter(pk=ctx.member_id).values_list("created_at", flat=True)
        tags = MemberTag.objects.filter(member_id=ctx.member_id).values_list("tag__code", flat=True)
        customer.context = MemberContext(
            ctx.member_id, ctx.tier_code, frozenset(tags), joined.first()
        )
        customer.detailed = True
    return customer.context


def _sku_facts(items, paths: dict[int, str], needed: bool) -> list[SkuFacts]:
    """Each SKU's category, its path and its series: from the product loaded with the SKU where
    it is there, else one query; none at all when no promotion or coupon looks at them."""
    facts: dict[int, SkuFacts] = {}
    missing = []
    for item in items:
        sku = item.sku
        if sku.pk in facts:
            continue
        if not needed:
            facts[sku.pk] = SkuFacts(sku.pk, None, "", None)
            continue
        product = sku._state.fields_cache.get("product")
        path = None
        if product is not None:
            category = product._state.fields_cache.get("category")
            path = category.path if category is not None else paths.get(product.category_id)
        if path is None:
            missing.append(sku.pk)
            continue
        facts[sku.pk] = SkuFacts(sku.pk, product.category_id, path, product.series_id)
    if missing:
        from storeos.catalog.models import Sku

        for pk, category_id, path, series_id in Sku.objects.filter(pk__in=missing).values_list(
            "pk", "product__category_id", "product__category__path", "product__series_id"
        ):
            facts[pk] = SkuFacts(pk, category_id, path or "", series_id)
    return [facts[item.sku.pk] for item in items]


# ---------------------------------------------------------------------------- candidates


def candidates_gather(*, catalogue: Catalogue, cart: Cart) -> tuple[list[Compiled], dict]:
    """The promotions that take part (policy step 1) in rank order, and what is left of the
    budgets among them."""
    local = cart.at.astimezone(ZoneInfo(cart.store.time_zone))
    quantity: dict[int, int] = {}
    amount: dict[int, Decimal] = {}
    holds = cart.holds
    # Promotions for everything are judged once; the others when a line first meets them.
    everywhere = [p for p in catalogue.everything if _conditions_hold(p, cart, local)]
    verdict: dict[int, bool] = {}
    for line in cart.lines:
        sku = line.sku
        specific = catalogue.for_sku(sku, everything=False)
        seen = set()
        for p in everywhere + specific if specific else everywhere:
            pid = p.id
            if pid in seen:
                continue
            seen.add(pid)
            scope = p.scope
            if scope.everything:
                if scope.excludes and not scope.holds(sku):
                    continue
            else:
                ok = verdict.get(pid)
                if ok is None:
                    ok = verdict[pid] = _conditions_hold(p, cart, local)
                if not ok or not scope.holds(sku):
                    continue
            holds.setdefault(pid, []).append(line.index)
            quantity[pid] = quantity.get(pid, 0) + line.quantity
            amount[pid] = amount.get(pid, ZERO) + line.gross
    found = [
        p
        for p in (catalogue.promotions[pid] for pid in quantity)
        if quantity[p.id] >= p.min_quantity and amount[p.id] >= p.min_amount
    ]
    found = _member_conditions(found, cart)
    context = cart.customer.context
    found, room = limits_filter(promotions=found, member_id=context and context.member_id)
    return sorted(found, key=lambda p: p.rank), room


def window_open(weekdays, hours, local: dt.datetime) -> bool:
    """Whether a promotion's weekdays (0 = Monday) and hours ([from, to), may wrap past
    midnight) admit the store's local time `local`; empty means always."""
    if weekdays and local.weekday() not in weekdays:
        return False
    if hours:
        start, end = hours
        hour = local.hour
        return start <= hour < end if start <= end else (hour >= start or hour < end)
    return True


def _conditions_hold(p: Compiled, cart: Cart, local: dt.datetime) -> bool:
    if not (p.starts_at <= cart.at < p.ends_at):
        return False
    if p.channels and cart.channel not in p.channels:
        return False
    if p.store_ids and cart.store.pk not in p.store_ids:
        return False
    if not window_open(p.weekdays, p.hours, local):
        return False
    context = cart.customer.context
    needs_member = p.members_only or p.tier_codes or p.tag_codes or p.new_members_days
    if context is None:
        return not needs_member and p.kind != K.TIER_PRICE
    if p.tier_codes and context.tier_code not in p.tier_codes:
        return False
    if p.kind == K.TIER_PRICE:
        return context.tier_code in p.rule["prices"] or context.tier_code in p.rule["rates"]
    return True


def _member_conditions(found: list[Compiled], cart: Cart) -> list[Compiled]:
    if not any(p.tag_codes or p.new_members_days for p in found):
        return found
    context = _customer_details(cart.customer)
    kept = []
    for p in found:
        if p.tag_codes and not (p.tag_codes & context.tag_codes):
            continue
        if p.new_members_days and (
            context.joined_at is None
            or cart.at - context.joined_at > dt.timedelta(days=p.new_members_days)
        ):
            continue
        kept.append(p)
    return kept


# ------------------------------------------------------------------------- the best run


def _best_run(cart: Cart, candidates: list[Compiled], room: dict) -> Run:
    """Price without the exclusive promotions, then with each exclusive one alone (no member
    price, no coupon); the cheaper wins, the one without on a tie. A promotion whose discount
    would overdraw its budget drops out and the cart is priced again."""
    excluded: set[int] = set()
    while True:
        pool = [p for p in candidates if p.id not in excluded]
        best = _run(cart, [p for p in pool if not p.exclusive], cart.customer.terms, cart.coupons)
        for p in (p for p in pool if p.exclusive):
            alone = _run(cart, [p], None, [])
            if alone.discount > best.discount:
                best = alone
        over = budget_overdrawn(uses=best.uses, room=room) - excluded
        if not over:
            return best
        excluded |= over


def _run(cart: Cart, promotions: list[Compiled], terms, coupons) -> Run:
    lines = cart.lines
    run = Run(line_adj=[[] for _ in lines], remaining=[line.gross for line in lines])
    tier = cart.customer.context.tier_code if cart.customer.context else None
    apps = line_applications(lines, promotions, terms, tier, cart.holds)
    if apps:
        _line_discounts_take(run, lines, combination_best(apps, lines), terms)
    order_promotions_apply(run=run, lines=lines, promotions=promotions, holds=cart.holds)
    if coupons:
        coupons_apply(run=run, lines=lines, coupons=coupons, paths=cart.paths)
    return run


def _line_discounts_take(run: Run, lines: list[Line], chosen: list[App], terms) -> None:
    """Take the chosen applications off their lines, stacked ones in rank order."""
    per_line: dict[int, list[App]] = {}
    for app in chosen:
        for index in app.parts:
            per_line.setdefault(index, []).append(app)
    for index in sorted(per_line):
        for app, amount in line_amounts(lines[index], per_line[index]):
            if amount <= 0:
                continue
            if app.promo is None:
                adjustment = {
                    "source": "member",
                    "id": terms.tier_code,
                    "label": _("%(tier)s member price") % {"tier": terms.tier_name},
                }
                run.take(index, amount, adjustment, ("member", terms.tier_code))
            else:
                p = app.promo
                adjustment = {"source": "promotion", "id": p.id, "kind": p.kind, "label": p.label}
                run.take(index, amount, adjustment, ("promotion", p.id))


# ------------------------------------------------------------------------ the priced cart


def _priced_cart(run: Run, priced: list, cart: Cart):
    from storeos.sales.pricing import PricedCart

    for line, adjustments in zip(priced, run.line_adj, strict=True):
        line.adjustments = adjustments
        line.discount = sum((Decimal(a["amount"]) for a in adjustments), ZERO)
    order_adj = list(run.order_adj)
    if run.gifts:
        gift_lines = _gift_lines(run.gifts, cart)
        priced += [line for _p, line in gift_lines]
        for p, line in gift_lines:
            order_adj.append(
                {
                    "source": "gift",
                    "id": p.id,
                    "kind": p.kind,
                    "label": p.label,
                    "amount": str(line.gross),
                    "sku_id": line.sku.pk,
                    "quantity": line.quantity,
                }
            )
    return PricedCart(
        lines=priced,
        adjustments=order_adj,
        coupon_codes=list(run.coupon_codes),
        points_multiplier=run.multiplier,
    )


def _gift_lines(gifts: list, cart: Cart) -> list:
    """The free lines: the gift at its regular price, all of it discounted (two queries)."""
    from storeos.catalog.models import Sku
    from storeos.catalog.selectors import prices_for
    from storeos.sales.pricing import PricedLine

    skus = {sku.pk: sku for sku in Sku.objects.filter(pk__in=[g[1] for g in gifts])}
    gifts = [g for g in gifts if g[1] in skus]
    prices = prices_for(
        skus=list(skus.values()), store=cart.store, channel=cart.channel, at=cart.at
    )
    lines = []
    for p, sku_id, quantity in gifts:
        line = PricedLine(
            sku=skus[sku_id], quantity=quantity, unit_price=prices[sku_id], is_gift=True
        )
        line.discount = line.gross
        line.adjustments = [
            {
                "source": "gift",
                "id": p.id,
                "kind": p.kind,
                "label": p.label,
                "amount": str(line.gross),
            }
        ]
        lines.append((p, line))
    return lines
