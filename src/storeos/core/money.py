"""Money: Decimal amounts with two places, rounded half-up, and exact allocation over lines."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Room for SQLite, which adds and compares decimals in SQL as floating point (29.95 × 3 is not
# 89.85 there): a sum of cents compared within half a cent is exact on every database.
HALF_CENT = Decimal("0.005")


def to_money(value: Decimal | int | str) -> Decimal:
    """Parse and quantize an amount to cents. Floats are refused: they cannot hold cents exactly."""
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a Decimal, int or str")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return quantize(amount)


def quantize(amount: Decimal) -> Decimal:
    """Round to cents, half-up (the rounding Chinese retail receipts use)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, weights: Sequence[Decimal | int]) -> list[Decimal]:
    """Split `total` over lines in proportion to `weights` so the parts sum to `total` exactly.

    Largest-remainder method: every line gets its rounded-down share in cents, then the cents
    left over go one each to the lines with the largest remainders (earlier lines win ties), so
    the result is deterministic. All-zero weights split evenly.
    """
    total = quantize(Decimal(total))
    if not weights:
        if total != ZERO:
            raise ValueError("cannot allocate a non-zero amount over no lines")
        return []
    if any(Decimal(w) < 0 for w in weights):
        raise ValueError("allocation weights must not be negative")
    weights = [Decimal(w) for w in weights]
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights = [Decimal(1)] * len(weights)
        weight_sum = Decimal(len(weights))

    sign = -1 if total < 0 else 1
    cents = int(abs(total) / CENT)
    exact = [Decimal(cents) * w / weight_sum for w in weights]
    floors = [int(e) for e in exact]
    leftover = cents - sum(floors)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:leftover]:
        floors[i] += 1
    return [sign * Decimal(c) * CENT for c in floors]
