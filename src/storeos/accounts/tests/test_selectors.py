import pytest
from django.utils import translation

from storeos.accounts.models import Role, RoleGrant
from storeos.accounts.selectors import (
    api_token_get,
    api_token_list,
    user_role_summary,
    user_stores,
)
from storeos.accounts.services import api_token_issue
from storeos.core.errors import NotFound
from storeos.stores.models import Store

pytestmark = pytest.mark.django_db


def test_store_staff_see_the_stores_they_hold_a_role_in(cashier, store, other_store):
    assert user_stores(user=cashier) == [store]
    RoleGrant.objects.create(user=cashier, role=Role.WAREHOUSE, store=other_store)
    assert user_stores(user=cashier) == [other_store, store]  # by store code


def test_chain_wide_staff_and_superusers_see_every_active_store(
    analyst, make_user, store, other_store, region
):
    closed = Store.objects.create(code="BJ01", name="Beijing", region=region, is_active=False)
    root = make_user("root", is_superuser=True)
    assert user_stores(user=analyst) == [other_store, store]
    assert user_stores(user=root) == [other_store, store]
    assert closed not in user_stores(user=analyst)


def test_someone_without_roles_works_nowhere(make_user, store):
    assert user_stores(user=make_user("new.hire")) == []


def test_the_role_summary_lists_chain_roles_first_then_by_store(cashier, store, other_store):
    RoleGrant.objects.create(user=cashier, role=Role.WAREHOUSE, store=other_store)
    RoleGrant.objects.create(user=cashier, role=Role.MARKETING, store=None)
    with translation.override("en"):
        summary = user_role_summary(user=cashier)
    assert [(r.role, r.store) for r in summary] == [
        ("marketing", None),
        ("warehouse", other_store),
        ("cashier", store),
    ]
    assert [r.label for r in summary] == ["Marketing", "Warehouse", "Cashier"]


def test_users_list_their_own_tokens_and_only_managers_reach_others(
    analyst, chain_admin, make_user
):
    mine, _ = api_token_issue(actor=analyst, user=analyst, name="mine")
    other = make_user("analyst.two", role=Role.HQ_ANALYST)
    theirs, _ = api_token_issue(actor=other, user=other, name="theirs")
    assert api_token_list(user=analyst) == [mine]
    assert api_token_get(user=analyst, token_id=mine.pk) == mine
    with pytest.raises(NotFound):
        api_token_get(user=analyst, token_id=theirs.pk)
    assert api_token_get(user=chain_admin, token_id=theirs.pk) == theirs
