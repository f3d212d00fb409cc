import pytest
from django.db import transaction

from storeos.core import outbox
from storeos.core.health import health_report
from storeos.core.models import OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """Subscribe a recording handler to the test topics for the duration of a test."""
    seen: list[tuple[int, str, dict]] = []

    def handler(event: OutboxEvent) -> None:
        seen.append((event.pk, event.topic, event.payload))

    for topic in ("test.sale", "test.refund"):
        outbox.subscribe(topic, handler)
    yield seen
    for topic in ("test.sale", "test.refund"):
        outbox.unsubscribe(topic, handler)


@pytest.fixture
def failing():
    def handler(event: OutboxEvent) -> None:
        raise RuntimeError("webhook endpoint down")

    outbox.subscribe("test.flaky", handler)
    yield handler
    outbox.unsubscribe("test.flaky", handler)


def test_an_event_is_written_in_the_callers_transaction_and_rolled_back_with_it():
    # given a change that emits an event and then fails
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.event_emit(topic="test.sale", payload={"order": 1})
        raise RuntimeError("checkout failed")
    # then no event was left behind for a change that never happened
    assert not OutboxEvent.objects.exists()


def test_dispatch_hands_events_to_subscribers_in_order_and_marks_them(received):
    # given three pending events
    events = [
        outbox.event_emit(topic="test.sale", payload={"order": 1}),
        outbox.event_emit(topic="test.refund", payload={"order": 1, "amount": "5.00"}),
        outbox.event_emit(topic="test.sale", payload={"order": 2}),
    ]
    # when the dispatcher runs
    delivered = outbox.outbox_dispatch()
    # then each reached its handler once, oldest first, and none is pending any more
    assert delivered == 3
    assert [pk for pk, _, _ in received] == [e.pk for e in events]
    assert received[1][2] == {"order": 1, "amount": "5.00"}
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
    # and a second run delivers nothing again
    assert outbox.outbox_dispatch() == 0
    assert len(received) == 3


def test_a_failing_handler_leaves_its_event_pending_with_the_error(received, failing):
    # given an event whose handler fails, followed by a healthy one
    flaky = outbox.event_emit(topic="test.flaky", payload={"hook": 1})
    sale = outbox.event_emit(topic="test.sale", payload={"order": 3})
    # when the dispatcher runs
    delivered = outbox.outbox_dispatch()
    # then the flaky event waits for the next run, and the others still go through
    flaky.refresh_from_db()
    assert delivered == 1
    assert flaky.dispatched_at is None
    assert flaky.attempts == 1
    assert "webhook endpoint down" in flaky.last_error
    assert [pk for pk, _, _ in received] == [sale.pk]
    # and each further failure is counted
    outbox.outbox_dispatch()
    flaky.refresh_from_db()
    assert flaky.attempts == 2


def test_an_event_is_dispatched_once_its_transaction_commits(
    received, django_capture_on_commit_callbacks
):
    # given jobs run inline (STOREOS_HUEY_IMMEDIATE in the test conftest)
    with django_capture_on_commit_callbacks(execute=True):
        event = outbox.event_emit(topic="test.sale", payload={"order": 9})
        # nothing is delivered before the commit
        assert received == []
    # then after the commit the subscriber has it and it is marked dispatched
    event.refresh_from_db()
    assert [pk for pk, _, _ in received] == [event.pk]
    assert event.dispatched_at is not None


def test_an_event_whose_handler_keeps_failing_is_parked_reported_and_retried_on_request(
    failing,
):
    # given an event whose handler fails every time
    event = outbox.event_emit(topic="test.flaky", payload={"order": 9})
    # when the dispatcher has tried it MAX_ATTEMPTS times
    for _ in range(outbox.MAX_ATTEMPTS + 3):
        outbox.outbox_dispatch()
    # then it stops being tried, keeps its last error, and `storeos check` reports it
    event.refresh_from_db()
    assert event.attempts == outbox.MAX_ATTEMPTS and event.dispatched_at is None
    assert "webhook endpoint down" in event.last_error
    ok, detail = _events_check()
    assert ok is False and f"test.flaky#{event.pk}" in detail
    # and once the cause is fixed, a retry puts it back in line and it is delivered
    outbox.unsubscribe("test.flaky", failing)
    assert outbox.outbox_retry() == 1
    assert outbox.outbox_dispatch() == 1
    assert outbox.outbox_parked() == []
    assert _events_check()[0] is True


def _events_check() -> tuple[bool, str]:
    """`storeos check`'s line about parked events: (ok, detail)."""
    return next((ok, detail) for name, ok, detail in health_report() if name == "events")
