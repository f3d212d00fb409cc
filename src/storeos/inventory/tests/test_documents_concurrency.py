"""Two people act on one document at the same moment: exactly one wins, stock moves once."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from storeos.core.errors import DomainError
from storeos.inventory.models import MoveKind, ScrapRequest, StockLevel, StockMove, Transfer
from storeos.inventory.scrap import scrap_approve, scrap_request
from storeos.inventory.stock import stock_receive
from storeos.inventory.tests.conftest import make_user
from storeos.inventory.transfers import transfer_create, transfer_ship


def race(actions) -> list[str]:
    """Run the callables together; 'ok' or the refusal code for each."""
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(actions))

    def run(action) -> None:
        try:
            start.wait()
            try:
                action()
                result = "ok"
            except DomainError as refused:
                result = refused.code
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_a_transfer_shipped_twice_at_once_leaves_once(clerk, shelf, shelf2, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("50"))
    transfer = transfer_create(
        actor=clerk, from_location=shelf, to_location=shelf2, lines=[(sku, 6)]
    )

    outcomes = race(
        [lambda: transfer_ship(actor=clerk, transfer=Transfer.objects.get(pk=transfer.pk))] * 4
    )

    assert outcomes == ["ok", "transfer_not_draft", "transfer_not_draft", "transfer_not_draft"]
    assert StockLevel.objects.get(location=shelf, sku=sku).on_hand == 4
    assert StockMove.objects.filter(kind=MoveKind.TRANSFER_OUT).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_scrap_request_approved_by_two_managers_at_once_is_written_off_once(
    clerk, manager, deputy, shelf, sku
):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=5, unit_cost=Decimal("50"))
    request = scrap_request(actor=clerk, location=shelf, reason="damaged", lines=[(sku, 2)])
    third = make_user("third", "store_manager", shelf.store)

    outcomes = race(
        [
            lambda who=who: scrap_approve(
                actor=who, request=ScrapRequest.objects.get(pk=request.pk)
            )
            for who in (manager, deputy, third)
        ]
    )

    assert outcomes == ["ok", "scrap_already_decided", "scrap_already_decided"]
    assert StockLevel.objects.get(location=shelf, sku=sku).on_hand == 3
    assert StockMove.objects.filter(kind=MoveKind.SCRAP).count() == 1
