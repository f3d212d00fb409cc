"""The engine's order step (docs/promotions.md, step 3): spend-and-save on the prices after line
discounts, free gifts, points multipliers."""

from decimal import Decimal
from itertools import combinations

from storeos.core.money import ZERO, allocate, quantize
from storeos.promotions.catalogue import Compiled
from storeos.promotions.engine_lines import Line, Run
from storeos.promotions.models import PromotionKind as K

# Stackable spend-and-saves tried in every combination up to this many; beyond, all together.
SPEND_SAVE_EXHAUSTIVE = 5


def order_promotions_apply(
    *, run: Run, lines: list[Line], promotions: list[Compiled], holds: dict
) -> None:
    spend = [p for p in promotions if p.kind == K.SPEND_SAVE]
    if spend:
        _spend_save_apply(run, spend, holds)
    gifts = [p for p in promotions if p.kind == K.GIFT]
    if gifts:
        _gifts_choose(run, gifts, holds)
    multipliers = [p for p in promotions if p.kind == K.POINTS_MULTIPLIER]
    if multipliers:
        best = max(multipliers, key=lambda p: (p.rule["multiplier"], -p.rank[0], -p.rank[1]))
        run.multiplier = best.rule["multiplier"]
        run.order_adj.append(
            {
                "source": "promotion",
                "id": best.id,
                "kind": best.kind,
                "multiplier": str(best.rule["multiplier"]),
                "label": best.label,
                "amount": str(ZERO),
            }
        )


def spend_save_off(p: Compiled, base: Decimal) -> Decimal:
    """What a spend-and-save takes off `base`: the highest tier reached, or every N take M."""
    rule = p.rule
    if rule["tiers"]:
        off = ZERO
        for threshold, tier_off in rule["tiers"]:
            if base >= threshold:
                off = max(off, tier_off)
    elif rule["every"] > 0:
        off = (base // rule["every"]) * rule["off"]
    else:
        off = ZERO
    return quantize(min(off, base))


def _spend_save_apply(run: Run, spend: list[Compiled], holds: dict) -> None:
    """At most one spend-and-save, unless every one applied is stackable and they are in
    different stacking groups; the set giving the most wins (ties: priorities, then ids)."""
    scopes = {p.id: holds[p.id] for p in spend}
    options: list[tuple[Compiled, ...]] = [(p,) for p in spend]
    stackable = [p for p in spend if p.stackable]
    if len(stackable) > 1:
        if len(stackable) <= SPEND_SAVE_EXHAUSTIVE:
            for size in range(2, len(stackable) + 1):
                options += list(combinations(stackable, size))
        else:
            options.append(tuple(stackable))
    best, best_score = None, None
    for option in options:
        groups = [p.stacking_group for p in option if p.stacking_group]
        if len(groups) != len(set(groups)):
            continue
        takes = _spend_takes(option, scopes, list(run.remaining))
        ranks = sorted(p.rank for p in option)
        score = (
            sum((off for _p, off, _parts in takes), ZERO),
            tuple(-r[0] for r in ranks),
            tuple(-r[1] for r in ranks),
        )
        if best_score is None or score > best_score:
            best, best_score = option, score
    if best is None or best_score[0] <= 0:
        return
    for p, off, parts in _spend_takes(best, scopes, list(run.remaining)):
        if off <= 0:
            continue
        adjustment = {"source": "promotion", "id": p.id, "kind": p.kind, "label": p.label}
        for index, part in parts:
            if part > 0:
                run.take(index, part, adjustment, ("promotion", p.id))
        run.order_adj.append({**adjustment, "amount": str(off)})


def _spend_takes(option, scopes, remaining: list[Decimal]) -> list:
    """Each spend-and-save of `option` in rank order on what is left after the one before, with
    its parts per line (`remaining` is a copy the caller gives)."""
    takes = []
    for p in sorted(option, key=lambda p: p.rank):
        indexes = scopes[p.id]
        off = spend_save_off(p, sum((remaining[i] for i in indexes), ZERO))
        parts = []
        if off > 0:
            parts = list(zip(indexes, allocate(off, [remaining[i] for i in indexes]), strict=True))
            for i, part in parts:
                remaining[i] -= part
        takes.append((p, off, parts))
    return takes


def _gifts_choose(run: Run, gifts: list[Compiled], holds: dict) -> None:
    """A gift when the goods in its scope cost at least its minimum after the discounts so far;
    of gifts in the same stacking group only the best ranked one."""
    groups_taken = set()
    for p in sorted(gifts, key=lambda p: p.rank):
        if p.stacking_group and p.stacking_group in groups_taken:
            continue
        base = sum((run.remaining[i] for i in holds[p.id]), ZERO)
        if base < p.rule["min_amount"]:
            continue
        groups_taken.add(p.stacking_group)
        run.gifts.append((p, p.rule["sku"], p.rule["quantity"]))
