"""Hooks through which other contexts take part in a sale without sales importing them.

- Paid hooks: `fn(order, lines)` runs inside the transaction that makes an order paid (checkout
  at the till, an online order's payment), after its lines and payments are written, so loyalty
  can post the points earned in the same transaction: all of it commits or none.
- Return hooks: `fn(sales_return)` runs inside a return's transaction, after the lines, stock and
  refunds are recorded, so loyalty and promotions undo their part of the sale.
- Tenders: a payment method another context settles (points): `claim(order, amount, reference)`
  when the order is paid, `refund(payment, amount, sales_return)` when money goes back that way.

Hooks run inside the caller's transaction; one that raises refuses the whole operation (there is
never a refund whose points were not taken back). They must be quick and local (no network
calls); slow follow-ups belong on the outbox events.
"""

from collections.abc import Callable
from dataclasses import dataclass

PaidHook = Callable[[object, list], None]
ReturnHook = Callable[[object], None]

_paid_hooks: list[PaidHook] = []
_return_hooks: list[ReturnHook] = []


@dataclass(frozen=True)
class TenderHandler:
    # claim(order=, amount=, reference=) -> the reference to keep on the payment
    claim: Callable[..., str]
    # refund(payment=, amount=, sales_return=) -> None
    refund: Callable[..., None]


_tenders: dict[str, TenderHandler] = {}


def register_paid_hook(fn: PaidHook) -> PaidHook:
    """Call `fn(order, lines)` whenever an order becomes paid; usable as a decorator."""
    if fn not in _paid_hooks:
        _paid_hooks.append(fn)
    return fn


def paid_hooks_run(order, lines: list) -> None:
    for hook in list(_paid_hooks):
        hook(order, lines)


def register_return_hook(fn: ReturnHook) -> ReturnHook:
    """Call `fn(sales_return)` for every return and exchange; usable as a decorator."""
    if fn not in _return_hooks:
        _return_hooks.append(fn)
    return fn


def unregister_return_hook(fn: ReturnHook) -> None:
    if fn in _return_hooks:
        _return_hooks.remove(fn)


def return_hooks_run(sales_return) -> None:
    """Run every registered hook in registration order (the caller holds the transaction)."""
    for hook in list(_return_hooks):
        hook(sales_return)


def register_tender(method: str, handler: TenderHandler) -> None:
    _tenders[method] = handler


def tender_handler(method: str) -> TenderHandler | None:
    return _tenders.get(method)
