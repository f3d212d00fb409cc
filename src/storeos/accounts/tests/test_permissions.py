import pytest

from storeos.accounts.models import Role, RoleGrant
from storeos.accounts.permissions import Perm, has_perm, require, scope_to_stores, store_ids_with
from storeos.core.errors import PermissionDenied
from storeos.stores.models import Store

pytestmark = pytest.mark.django_db


def test_a_store_grant_works_in_that_store_only(make_user, store, other_store):
    manager = make_user("manager.chen", role=Role.STORE_MANAGER, store=store)
    assert has_perm(manager, Perm.PRICE_CHANGE, store)
    assert has_perm(manager, Perm.PRICE_CHANGE, store.pk)
    assert not has_perm(manager, Perm.PRICE_CHANGE, other_store)
    # a chain-wide operation needs a chain-wide grant
    assert not has_perm(manager, Perm.PRICE_CHANGE)


def test_a_chain_wide_grant_works_in_every_store_and_for_chain_operations(
    analyst, store, other_store
):
    assert has_perm(analyst, Perm.AUDIT_VIEW, store)
    assert has_perm(analyst, Perm.AUDIT_VIEW, other_store)
    assert has_perm(analyst, Perm.AUDIT_VIEW)
    assert not has_perm(analyst, Perm.PRICE_CHANGE, store)


def test_a_role_only_gives_its_own_permissions(cashier, store):
    assert has_perm(cashier, Perm.CATALOG_VIEW, store)
    assert not has_perm(cashier, Perm.USERS_MANAGE, store)
    with pytest.raises(PermissionDenied) as refused:
        require(cashier, Perm.PRICE_CHANGE, store)
    assert refused.value.status == 403
    assert refused.value.details == {"permission": "catalog.price_change", "store": store.pk}


def test_superusers_may_do_anything_and_inactive_users_nothing(make_user, store):
    root = make_user("root", is_superuser=True)
    assert has_perm(root, Perm.USERS_MANAGE, store)
    assert store_ids_with(root, Perm.STORES_EDIT) is None
    gone = make_user("former.staff", role=Role.ADMIN, is_active=False)
    assert not has_perm(gone, Perm.CATALOG_VIEW, store)
    assert store_ids_with(gone, Perm.CATALOG_VIEW) == set()


def test_scope_to_stores_shows_only_the_stores_a_user_works_in(
    make_user, analyst, store, other_store
):
    # given a cashier in one store and an analyst for the chain
    cashier = make_user("cashier.liu", role=Role.CASHIER, store=store)
    stores = Store.objects.all()
    # then the cashier sees their store, the analyst every store
    assert list(scope_to_stores(stores, cashier, Perm.STORES_VIEW, field="pk")) == [store]
    assert set(scope_to_stores(stores, analyst, Perm.STORES_VIEW, field="pk")) == {
        store,
        other_store,
    }
    # and someone without the permission sees nothing
    assert list(scope_to_stores(stores, cashier, Perm.STORES_EDIT, field="pk")) == []


def test_scope_to_stores_hides_other_stores_and_chain_wide_rows_from_store_staff(
    make_user, cashier, analyst, store, other_store
):
    # given store-scoped rows (role grants stand in for any table with a store column)
    make_user("cashier.hz", role=Role.CASHIER, store=other_store)
    rows = RoleGrant.objects.all()
    # when each user's view is scoped
    cashier_sees = scope_to_stores(rows, cashier, Perm.STORES_VIEW)
    analyst_sees = scope_to_stores(rows, analyst, Perm.STORES_VIEW)
    # then the cashier sees their own store's rows only; the analyst sees all, chain-wide too
    assert {row.store for row in cashier_sees} == {store}
    assert {row.store for row in analyst_sees} == {store, other_store, None}
