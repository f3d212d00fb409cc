import threading
import time

import pytest
from django.db import connection

from storeos.core.audit import audit_record
from storeos.core.errors import DomainError, IdempotencyConflict
from storeos.core.idempotency import idempotent_call
from storeos.core.models import AuditEntry, IdempotencyRecord


def _recording_action(calls: list, *, pause: float = 0.0):
    """An action with a visible effect (an audit row) that counts how often it really ran."""

    def action():
        calls.append(1)
        time.sleep(pause)
        entry = audit_record(actor=None, action="test.refund", object_type="order", object_id=1)
        return 201, {"entry": entry.pk}

    return action


@pytest.mark.django_db
def test_the_same_key_and_payload_replay_the_first_response_and_run_once():
    calls: list = []
    action = _recording_action(calls)
    # given a first call
    first = idempotent_call(scope="refund", key="k-1", payload={"order": 1}, action=action)
    # when the till retries with the same key and payload
    second = idempotent_call(scope="refund", key="k-1", payload={"order": 1}, action=action)
    # then it gets the same answer and nothing happens twice
    assert second == first
    assert first[0] == 201
    assert len(calls) == 1
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_a_different_payload_is_a_409_conflict():
    calls: list = []
    idempotent_call(
        scope="refund", key="k-2", payload={"order": 1}, action=_recording_action(calls)
    )
    with pytest.raises(IdempotencyConflict) as refused:
        idempotent_call(
            scope="refund", key="k-2", payload={"order": 2}, action=_recording_action(calls)
        )
    assert refused.value.code == "idempotency_conflict"
    assert refused.value.status == 409
    assert len(calls) == 1


@pytest.mark.django_db
def test_keys_are_separate_per_scope():
    calls: list = []
    idempotent_call(scope="refund", key="k", payload={}, action=_recording_action(calls))
    idempotent_call(scope="checkout", key="k", payload={}, action=_recording_action(calls))
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_refused_action_stores_nothing_so_the_key_can_be_retried():
    # given an action that writes, then refuses
    def refused():
        audit_record(actor=None, action="test.refund", object_type="order", object_id=1)
        raise DomainError("Out of stock", code="insufficient_stock")

    with pytest.raises(DomainError):
        idempotent_call(scope="refund", key="k-3", payload={}, action=refused)
    # then neither its write nor a record remain
    assert AuditEntry.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0
    # and the same key works once the cause is fixed
    calls: list = []
    retried = idempotent_call(
        scope="refund", key="k-3", payload={}, action=_recording_action(calls)
    )
    assert retried[0] == 201


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_take_effect_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real concurrent transactions")
    calls: list = []
    action = _recording_action(calls, pause=0.3)
    start = threading.Barrier(2)
    results: list = []
    errors: list = []

    def till():
        try:
            start.wait()
            results.append(
                idempotent_call(scope="refund", key="race", payload={"order": 1}, action=action)
            )
        except Exception as exc:  # surfaced by the assertions below
            errors.append(exc)
        finally:
            connection.close()

    # when two tills send the same keyed request at the same moment
    threads = [threading.Thread(target=till) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then both get the same answer and the change happened once
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert len(calls) == 1
    assert AuditEntry.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
