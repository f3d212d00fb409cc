import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_an_audit_row_records_who_when_what_before_and_after():
    # given a user changing something at a known time
    actor = get_user_model().objects.create_user(username="auditor")
    at = dt.datetime(2025, 5, 4, 3, 2, 1, tzinfo=dt.UTC)
    # when the change is audited
    with clock.frozen(at):
        audit_record(
            actor=actor,
            action="price.change",
            obj=actor,
            store_id=7,
            before={"price": Decimal("10.00")},
            after={"price": Decimal("12.00")},
            reason="supplier raised cost",
        )
    # then the log holds exactly that
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.at) == (actor, "price.change", at)
    assert (entry.object_type, entry.object_id, entry.store_id) == (
        "accounts.user",
        str(actor.pk),
        7,
    )
    assert (entry.before, entry.after) == ({"price": "10.00"}, {"price": "12.00"})
    assert entry.reason == "supplier raised cost"


def test_a_system_change_is_recorded_without_an_actor():
    audit_record(actor=None, action="seed.load", object_type="demo", object_id="chain")
    entry = AuditEntry.objects.get()
    assert entry.actor is None
    assert (entry.object_type, entry.object_id) == ("demo", "chain")


def test_dates_in_an_audit_row_are_kept_as_iso_text():
    at = dt.datetime(2025, 5, 4, 3, 2, 1, tzinfo=dt.UTC)
    audit_record(actor=None, action="token.revoke", object_type="t", object_id=1, after={"at": at})
    assert AuditEntry.objects.get().after == {"at": "2025-05-04T03:02:01Z"}
