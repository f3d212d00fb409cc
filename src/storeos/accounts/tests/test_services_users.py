import pytest
from django.db import connection

from storeos.accounts.models import Role, RoleGrant, User
from storeos.accounts.permissions import Perm, has_perm
from storeos.accounts.selectors import user_by_phone
from storeos.accounts.services import role_grant, role_revoke, user_access_update, user_create
from storeos.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from storeos.core.models import AuditEntry
from storeos.testing.concurrency import race

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_user_who_can_log_in(chain_admin):
    user = user_create(
        actor=chain_admin,
        username="  new.cashier ",
        password=PASSWORD,
        email="New.Cashier@EXAMPLE.com",
        first_name="Mei",
    )
    user.refresh_from_db()
    assert user.username == "new.cashier"
    assert user.email == "New.Cashier@example.com"
    assert user.check_password(PASSWORD)
    assert user.is_active and not user.is_superuser
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk)).exists()


def test_a_weak_password_is_refused_with_the_reasons(chain_admin):
    with pytest.raises(ValidationFailed) as refused:
        user_create(actor=chain_admin, username="weak", password="12345678")
    assert refused.value.code == "password_invalid"
    assert refused.value.status == 422
    assert refused.value.details["errors"]
    assert not User.objects.filter(username="weak").exists()


def test_a_taken_username_is_a_conflict(chain_admin):
    with pytest.raises(Conflict) as refused:
        user_create(actor=chain_admin, username="admin.li", password=PASSWORD)
    assert refused.value.code == "username_taken"
    assert refused.value.status == 409


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"username": ""}, "username_invalid"),
        ({"username": "has space"}, "username_invalid"),
        ({"username": "ok", "email": "not-an-email"}, "email_invalid"),
        ({"username": "ok", "phone": "12"}, "phone_invalid"),
    ],
)
def test_bad_user_details_are_refused(fields, code):
    with pytest.raises(ValidationFailed) as refused:
        user_create(actor=None, password=PASSWORD, **fields)
    assert refused.value.code == code
    assert User.objects.count() == 0


def test_only_user_managers_create_users(cashier):
    with pytest.raises(PermissionDenied):
        user_create(actor=cashier, username="friend", password=PASSWORD)
    assert not User.objects.filter(username="friend").exists()


def test_a_staff_phone_is_found_through_its_blind_index():
    user = user_create(actor=None, username="lead", password=PASSWORD, phone="+86 138 1234 1234")
    assert user_by_phone(phone="13812341234") == user
    assert user_by_phone(phone="13812349999") is None
    assert User.objects.get(pk=user.pk).phone == "13812341234"


def test_granting_a_role_takes_effect_at_once_and_is_audited(chain_admin, make_user, store):
    # given a new staff member who cannot see the store yet (and whose grants were cached)
    staff = make_user("staff.sun")
    assert not has_perm(staff, Perm.CATALOG_VIEW, store)
    # when an admin makes them a cashier there
    grant = role_grant(actor=chain_admin, user=staff, role=Role.CASHIER, store=store)
    # then they can work there, and the log says who did it
    assert grant.store == store
    assert has_perm(staff, Perm.CATALOG_VIEW, store)
    entry = AuditEntry.objects.get(action="role.grant")
    assert entry.actor == chain_admin
    assert (entry.object_id, entry.store_id) == (str(staff.pk), store.pk)
    assert entry.after == {"role": "cashier", "store_id": store.pk}


def test_granting_a_held_role_again_changes_nothing(chain_admin, cashier, store):
    role_grant(actor=chain_admin, user=cashier, role=Role.CASHIER, store=store)
    assert RoleGrant.objects.filter(user=cashier).count() == 1
    assert not AuditEntry.objects.filter(action="role.grant").exists()


def test_revoking_a_role_takes_effect_at_once_and_is_audited(chain_admin, cashier, store):
    assert has_perm(cashier, Perm.CATALOG_VIEW, store)
    role_revoke(actor=chain_admin, user=cashier, role=Role.CASHIER, store=store)
    assert not has_perm(cashier, Perm.CATALOG_VIEW, store)
    entry = AuditEntry.objects.get(action="role.revoke")
    assert entry.before == {"role": "cashier", "store_id": store.pk}


def test_revoking_a_role_not_held_is_not_found(chain_admin, cashier, other_store):
    with pytest.raises(NotFound) as refused:
        role_revoke(actor=chain_admin, user=cashier, role=Role.CASHIER, store=other_store)
    assert refused.value.code == "role_grant_not_found"


def test_a_cashier_cannot_grant_roles(cashier, store):
    with pytest.raises(PermissionDenied) as refused:
        role_grant(actor=cashier, user=cashier, role=Role.ADMIN)
    assert refused.value.status == 403
    assert not RoleGrant.objects.filter(role=Role.ADMIN).exists()


def test_a_store_manager_cannot_grant_roles_even_in_their_store(make_user, cashier, store):
    manager = make_user("manager.qian", role=Role.STORE_MANAGER, store=store)
    with pytest.raises(PermissionDenied):
        role_grant(actor=manager, user=cashier, role=Role.STORE_MANAGER, store=store)


def test_an_unknown_role_is_refused(chain_admin, cashier):
    with pytest.raises(ValidationFailed) as refused:
        role_grant(actor=chain_admin, user=cashier, role="owner")
    assert refused.value.code == "role_unknown"


def test_account_flag_changes_are_audited_and_superuser_is_for_superusers(
    chain_admin, cashier, make_user
):
    # an admin may deactivate someone
    user_access_update(actor=chain_admin, user=cashier, is_active=False)
    cashier.refresh_from_db()
    assert not cashier.is_active
    entry = AuditEntry.objects.get(action="user.access_change")
    assert (entry.before, entry.after) == ({"is_active": True}, {"is_active": False})
    # but making someone a superuser takes a superuser
    with pytest.raises(PermissionDenied):
        user_access_update(actor=chain_admin, user=chain_admin, is_superuser=True)
    root = make_user("root", is_superuser=True)
    user_access_update(actor=root, user=chain_admin, is_superuser=True)
    chain_admin.refresh_from_db()
    assert chain_admin.is_superuser


def test_the_last_administrator_cannot_be_revoked_or_deactivated(chain_admin, make_user):
    # given the chain's only administrator
    assert not User.objects.filter(is_superuser=True).exists()

    # when they try to take their own admin role away, or switch their own account off
    with pytest.raises(Conflict) as revoked:
        role_revoke(actor=chain_admin, user=chain_admin, role=Role.ADMIN)
    with pytest.raises(Conflict) as deactivated:
        user_access_update(actor=chain_admin, user=chain_admin, is_active=False)

    # then both are refused and the chain keeps its administrator
    assert revoked.value.code == deactivated.value.code == "last_admin"
    chain_admin.refresh_from_db()
    assert chain_admin.is_active
    assert RoleGrant.objects.filter(user=chain_admin, role=Role.ADMIN, store=None).exists()

    # once someone else is an administrator, the first may step down
    deputy = make_user("deputy", role=Role.ADMIN)
    role_revoke(actor=deputy, user=chain_admin, role=Role.ADMIN)
    with pytest.raises(Conflict):
        user_access_update(actor=deputy, user=deputy, is_active=False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: row locks")
def test_two_administrators_revoking_each_other_at_once_leave_one(make_user):
    admins = [make_user(f"admin.{n}", role=Role.ADMIN) for n in range(2)]

    def revoke_the_other(n):
        return role_revoke(actor=admins[n], user=admins[1 - n], role=Role.ADMIN)

    results, errors = race(revoke_the_other, 2)

    assert len(results) == 1 and [e.code for e in errors] == ["last_admin"]
    assert RoleGrant.objects.filter(role=Role.ADMIN, store=None).count() == 1
