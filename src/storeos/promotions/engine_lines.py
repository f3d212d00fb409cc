"""The engine's line step (docs/promotions.md, step 2): applications of the line promotions and
the member discount, and the best valid combination of them."""

from dataclasses import dataclass, field
from decimal import Decimal

from storeos.core.money import ZERO, allocate, quantize
from storeos.promotions.catalogue import Compiled, SkuFacts
from storeos.promotions.models import PromotionKind as K

EXHAUSTIVE_LIMIT = 10  # applications tying one group of lines together, tried in every subset
SINGLE_KINDS = frozenset({K.PERCENT_OFF, K.AMOUNT_OFF, K.FIXED_PRICE, K.TIER_PRICE})
MULTI_KINDS = frozenset({K.BUY_X_GET_Y, K.NTH_ITEM, K.BUNDLE})


@dataclass(slots=True)
class Line:
    index: int
    sku: SkuFacts
    quantity: int
    unit: Decimal
    gross: Decimal


@dataclass(slots=True)
class App:
    """One application of a line promotion (or of the member discount: `promo` None) on one or
    more lines. `parts` is its discount per line index on the undiscounted prices; `mode` says
    how it recomputes on what a line costs after a stackable one before it: ("rate", fraction),
    ("amount", per unit), ("price", per unit) or ("scale", None) for its part in proportion."""

    promo: Compiled | None
    parts: dict[int, Decimal]
    mode: tuple
    total: Decimal
    stackable: bool
    group: str
    rank: tuple
    key: tuple  # deterministic whatever the order of the cart's lines


@dataclass
class Run:
    """One way of pricing the cart: per line its adjustments, the order's, the uses, the gifts."""

    line_adj: list[list[dict]]
    remaining: list[Decimal]
    order_adj: list[dict] = field(default_factory=list)
    uses: dict = field(default_factory=dict)  # (source, id) → discount
    gifts: list = field(default_factory=list)  # (Compiled, sku_id, quantity)
    multiplier: Decimal = Decimal("1")
    coupon_codes: list[str] = field(default_factory=list)

    @property
    def discount(self) -> Decimal:
        return sum((Decimal(a["amount"]) for adj in self.line_adj for a in adj), ZERO)

    def take(self, index: int, amount: Decimal, adjustment: dict, use_key) -> None:
        self.remaining[index] -= amount
        self.line_adj[index].append({**adjustment, "amount": str(amount)})
        self.uses[use_key] = self.uses.get(use_key, ZERO) + amount


def line_applications(
    lines: list[Line], promotions: list[Compiled], terms, tier: str | None, holds: dict
) -> list[App]:
    """Every application of the line promotions and of the member discount (`terms`, a
    loyalty MemberPrice or None), keeping per line only its best single-line non-stackable one:
    any other could be swapped for it in any combination, for at least as much. `holds` gives
    each promotion's lines in scope (by id)."""
    apps: list[App] = []
    best: dict[int, App] = {}
    if terms is not None and terms.rate > 0:
        for line in lines:
            if line.sku.id not in terms.excluded_sku_ids:
                amount = quantize(line.gross * terms.rate)
                if amount > 0:
                    best[line.index] = _app(None, line, amount, ("rate", terms.rate))
    for p in promotions:
        if p.kind in SINGLE_KINDS:
            for index in holds[p.id]:
                app = single_line_app(p, lines[index], tier)
                if app is None:
                    continue
                if app.stackable:
                    apps.append(app)
                elif (kept := best.get(index)) is None or _better(app, kept):
                    best[index] = app
        elif p.kind in MULTI_KINDS:
            for app in multi_line_apps(p, lines, holds[p.id]):
                # On one line and not stackable, it competes like a single-line one.
                if app.stackable or len(app.parts) > 1:
                    apps.append(app)
                    continue
                index = next(iter(app.parts))
                if (kept := best.get(index)) is None or _better(app, kept):
                    best[index] = app
    apps += best.values()
    return apps


def _better(a: App, b: App) -> bool:
    return (a.total, -a.rank[0], -a.rank[1]) > (b.total, -b.rank[0], -b.rank[1])


def _app(promo: Compiled | None, line: Line, amount: Decimal, mode: tuple) -> App:
    rank = promo.rank if promo is not None else (0, 0)
    return App(
        promo,
        {line.index: amount},
        mode,
        amount,
        bool(promo is not None and promo.stackable),
        promo.stacking_group if promo is not None else "",
        rank,
        (rank, (line.sku.id,), line.quantity, line.unit),
    )


def single_line_app(p: Compiled, line: Line, tier: str | None) -> App | None:
    rule = p.rule
    kind = p.kind
    if kind == K.TIER_PRICE:
        if tier in rule["prices"]:
            kind, rule = K.FIXED_PRICE, {"price": rule["prices"][tier]}
        elif tier in rule["rates"]:
            kind, rule = K.PERCENT_OFF, {"rate": rule["rates"][tier]}
        else:
            return None
    if kind == K.PERCENT_OFF:
        amount, mode = quantize(line.gross * rule["rate"]), ("rate", rule["rate"])
    elif kind == K.AMOUNT_OFF:
        amount = min(rule["amount"], line.unit) * line.quantity
        mode = ("amount", rule["amount"])
    else:
        amount = max(ZERO, line.unit - rule["price"]) * line.quantity
        mode = ("price", rule["price"])
    amount = min(amount, line.gross)
    if amount <= 0:
        return None
    return _app(p, line, amount, mode)


def multi_line_apps(p: Compiled, lines: list[Line], indexes: list[int]) -> list[App]:
    """Buy X get Y, Nth item and bundle: each application whole, over the lines it discounts
    (`indexes`: the lines in the promotion's scope)."""
    in_scope = [lines[i] for i in indexes]
    by_sku: dict[int, list[Line]] = {}
    for line in in_scope:
        by_sku.setdefault(line.sku.id, []).append(line)
    rule = p.rule
    found: list[tuple[Decimal, list[Line]]] = []
    if p.kind == K.BUNDLE:
        if not all(sku in by_sku for sku in rule["skus"]):
            return []
        sets = min(sum(ln.quantity for ln in by_sku[sku]) for sku in rule["skus"])
        units = [by_sku[sku][0].unit for sku in rule["skus"]]
        saving = sum(units, ZERO) - rule["price"]
        if sets <= 0 or saving <= 0:
            return []
        per_sku = allocate(saving * sets, units)
        parts: dict[int, Decimal] = {}
        for sku, amount in zip(rule["skus"], per_sku, strict=True):
            parts.update(_spread(amount, by_sku[sku]))
        return [_multi_app(p, parts, [ln for sku in rule["skus"] for ln in by_sku[sku]])]
    if p.kind == K.NTH_ITEM:
        for sku_lines in by_sku.values():
            units = sum(ln.quantity for ln in sku_lines) // rule["nth"]
            found.append((quantize(units * sku_lines[0].unit * rule["rate"]), sku_lines))
    elif rule["get_sku"] is None:  # buy X get Y of the same SKU
        for sku_lines in by_sku.values():
            sets = sum(ln.quantity for ln in sku_lines) // (rule["buy"] + rule["get"])
            free = sets * rule["get"]
            found.append((quantize(free * sku_lines[0].unit * rule["rate"]), sku_lines))
    else:
        get_lines = [line for line in lines if line.sku.id == rule["get_sku"]]
        bought = sum(ln.quantity for ln in in_scope if ln.sku.id != rule["get_sku"])
        if get_lines:
            sets = min(bought // rule["buy"], sum(ln.quantity for ln in get_lines) // rule["get"])
            free = sets * rule["get"]
            found.append((quantize(free * get_lines[0].unit * rule["rate"]), get_lines))
    return [_multi_app(p, _spread(amount, ls), ls) for amount, ls in found if amount > 0]


def _spread(amount: Decimal, lines: list[Line]) -> dict[int, Decimal]:
    """`amount` over lines of one SKU by their gross (earlier lines win the odd cent)."""
    if len(lines) == 1:
        return {lines[0].index: amount}
    ordered = sorted(lines, key=lambda ln: ln.index)
    return dict(
        zip(
            (ln.index for ln in ordered),
            allocate(amount, [ln.gross for ln in ordered]),
            strict=True,
        )
    )


def _multi_app(p: Compiled, parts: dict[int, Decimal], lines: list[Line]) -> App:
    signature = tuple(sorted((ln.sku.id, ln.quantity) for ln in lines))
    return App(
        p,
        parts,
        ("scale", None),
        sum(parts.values(), ZERO),
        p.stackable,
        p.stacking_group,
        p.rank,
        (p.rank, signature, 0, ZERO),
    )


def line_amounts(line: Line, apps: list[App]) -> list[tuple[App, Decimal]]:
    """What each application takes off `line`: stacked ones in rank order, each on what the
    line costs after the one before; never more than is left."""
    if len(apps) == 1:
        return [(apps[0], min(apps[0].parts[line.index], line.gross))]
    left = line.gross
    taken = []
    for app in sorted(apps, key=lambda a: a.rank):
        kind, value = app.mode
        if kind == "rate":
            amount = quantize(left * value)
        elif kind == "amount":
            amount = min(value, line.unit) * line.quantity
        elif kind == "price":
            amount = left - value * line.quantity
        elif line.gross:
            amount = quantize(app.parts[line.index] * left / line.gross)
        else:
            amount = ZERO
        amount = max(ZERO, min(amount, left))
        left -= amount
        taken.append((app, amount))
    return taken


# --------------------------------------------------------------------------- combinations


def combination_best(apps: list[App], lines: list[Line]) -> list[App]:
    """The valid set of applications with the largest discount (ties: the higher priorities,
    then the lower ids), per group of lines that applications tie together: every subset when a
    group has at most EXHAUSTIVE_LIMIT applications, greedily (largest first) otherwise."""
    chosen: list[App] = []
    for group in _components(apps):
        if len(group) == 1:
            chosen += group
        elif all(len(app.parts) == 1 for app in group):
            chosen += _one_line_best(group, lines)
        elif len(group) <= EXHAUSTIVE_LIMIT:
            chosen += _exhaustive(group, lines)
        else:
            chosen += _greedy(group)
    return chosen


def _components(apps: list[App]) -> list[list[App]]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        parent[x] = root
        return root

    for app in apps:
        first, *rest = app.parts
        for other in rest:
            a, b = find(first), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[App]] = {}
    for app in apps:
        groups.setdefault(find(next(iter(app.parts))), []).append(app)
    return [sorted(groups[root], key=lambda a: a.key) for root in sorted(groups)]


def _on_lines(apps) -> dict[int, list[App]]:
    on_line: dict[int, list[App]] = {}
    for app in apps:
        for index in app.parts:
            on_line.setdefault(index, []).append(app)
    return on_line


def _fits(app: App, on_line: dict[int, list[App]]) -> bool:
    """Whether `app` may join the applications already on its lines: one discount per line,
    except stackable ones of different stacking groups."""
    for index in app.parts:
        there = on_line.get(index)
        if not there:
            continue
        if not app.stackable:
            return False
        for other in there:
            if not other.stackable or (app.group and other.group == app.group):
                return False
    return True


def _add(app: App, on_line: dict[int, list[App]]) -> None:
    for index in app.parts:
        on_line.setdefault(index, []).append(app)


def _remove(app: App, on_line: dict[int, list[App]]) -> None:
    for index in app.parts:
        on_line[index].pop()


def _score(on_line: dict[int, list[App]], chosen: list[App], lines: list[Line]) -> tuple:
    """Larger is better: the discount, then the priorities (highest first), then lower ids."""
    total = ZERO
    for index, stacked in on_line.items():
        if len(stacked) == 1:
            total += stacked[0].parts[index]
        elif stacked:
            total += sum((amount for _a, amount in line_amounts(lines[index], stacked)), ZERO)
    ranks = sorted(a.rank for a in chosen)
    return (total, tuple(-r[0] for r in ranks), tuple(-r[1] for r in ranks))


def _exhaustive(group: list[App], lines: list[Line]) -> list[App]:
    """The best of the valid sets nothing more fits into (adding an application never lowers a
    line's discount), by backtracking over the applications that conflict with another; those
    that conflict with none are in every such set."""
    n = len(group)
    clash = [
        {j for j in range(n) if j != i and not _compatible(group[i], group[j])} for i in range(n)
    ]
    later_clash = [any(j > i for j in clash[i]) for i in range(n)]
    best: list = [None, []]
    chosen: list[int] = []

    def visit(i: int, blocked: frozenset) -> None:
        if i == n:
            picked = set(chosen)
            if any(j not in picked and not (clash[j] & picked) for j in range(n)):
                return  # something more would fit: a larger set is scored instead
            apps = [group[j] for j in chosen]
            score = _score(_on_lines(apps), apps, lines)
            if best[0] is None or score > best[0]:
                best[0], best[1] = score, apps
            return
        if i in blocked:
            visit(i + 1, blocked)
            return
        chosen.append(i)
        visit(i + 1, blocked | clash[i])
        chosen.pop()
        # Leaving it out can only lead to a set nothing more fits into when a later one may
        # take its place.
        if later_clash[i]:
            visit(i + 1, blocked)

    visit(0, frozenset())
    return best[1]


def _one_line_best(group: list[App], lines: list[Line]) -> list[App]:
    """On one line: a non-stackable application alone, or a stack of the stackable ones with
    one of each stacking group (every choice tried: stacking more never gives less)."""
    options: list[list[App]] = [[app] for app in group if not app.stackable]
    loose = [app for app in group if app.stackable and not app.group]
    groups: dict[str, list[App]] = {}
    for app in group:
        if app.stackable and app.group:
            groups.setdefault(app.group, []).append(app)
    stacks: list[list[App]] = [loose]
    for name in sorted(groups):
        stacks = [[*stack, app] for stack in stacks for app in groups[name]]
        if len(stacks) > 256:  # absurdly many groups on one line: keep the most generous
            stacks = sorted(stacks, key=lambda st: -sum(a.total for a in st))[:256]
    options += [stack for stack in stacks if stack]
    index = next(iter(group[0].parts))
    best, best_score = [], None
    for option in options:
        score = _score({index: option}, option, lines)
        if best_score is None or score > best_score:
            best, best_score = option, score
    return best


def _compatible(a: App, b: App) -> bool:
    if not a.parts.keys() & b.parts.keys():
        return True
    return a.stackable and b.stackable and not (a.group and a.group == b.group)


def _greedy(group: list[App]) -> list[App]:
    chosen: list[App] = []
    on_line: dict[int, list[App]] = {}
    for app in sorted(group, key=lambda a: (-a.total, a.key)):
        if _fits(app, on_line):
            _add(app, on_line)
            chosen.append(app)
    return chosen
