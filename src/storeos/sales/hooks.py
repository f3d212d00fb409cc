"""Reversal hooks: other contexts (loyalty points, promotions and coupons) undo their part of a
sale when goods come back.

A hook is `fn(sales_return)`. It runs inside the return's transaction, after the lines, stock and
refunds are recorded, so it sees them, and whatever it writes commits or rolls back with the
return. A hook that raises refuses the whole return: there is never a refund whose points were
not taken back. Hooks must therefore be quick and local (no network calls); slow follow-ups
belong on the `order.returned` outbox event instead.
"""

from collections.abc import Callable

ReturnHook = Callable[[object], None]

_hooks: list[ReturnHook] = []


def register_return_hook(fn: ReturnHook) -> ReturnHook:
    """Call `fn(sales_return)` for every return and exchange; usable as a decorator."""
    if fn not in _hooks:
        _hooks.append(fn)
    return fn


def unregister_return_hook(fn: ReturnHook) -> None:
    if fn in _hooks:
        _hooks.remove(fn)


def return_hooks_run(sales_return) -> None:
    """Run every registered hook in registration order (the caller holds the transaction)."""
    for hook in list(_hooks):
        hook(sales_return)
