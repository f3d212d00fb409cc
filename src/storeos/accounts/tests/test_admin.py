import pytest

from storeos.accounts.models import ApiToken, Role, RoleGrant, User
from storeos.accounts.services import api_token_issue
from storeos.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(make_user) -> User:
    return make_user("root", is_superuser=True, is_staff=True)


def _user_form(user: User, **changes) -> dict:
    form = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "preferred_language": user.preferred_language,
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "role_grants-TOTAL_FORMS": "0",
        "role_grants-INITIAL_FORMS": "0",
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v != ""}


def test_granting_a_role_in_the_user_admin_goes_through_the_audited_service(
    client, root, cashier, other_store
):
    client.force_login(root)
    existing = RoleGrant.objects.get(user=cashier)
    form = _user_form(
        cashier,
        **{
            "role_grants-TOTAL_FORMS": "2",
            "role_grants-INITIAL_FORMS": "1",
            "role_grants-0-id": str(existing.pk),
            "role_grants-0-user": str(cashier.pk),
            "role_grants-0-role": Role.CASHIER,
            "role_grants-0-store": str(existing.store_id),
            "role_grants-1-user": str(cashier.pk),
            "role_grants-1-role": Role.WAREHOUSE,
            "role_grants-1-store": str(other_store.pk),
        },
    )
    response = client.post(f"/admin/accounts/user/{cashier.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(RoleGrant.objects.filter(user=cashier).values_list("role", flat=True)) == {
        "cashier",
        "warehouse",
    }
    entry = AuditEntry.objects.get(action="role.grant")
    assert (entry.actor, entry.store_id) == (root, other_store.pk)


def test_making_someone_superuser_in_the_admin_is_audited(client, root, cashier):
    client.force_login(root)
    form = _user_form(cashier, is_superuser="on", **{"role_grants-INITIAL_FORMS": "0"})
    # the existing grant row is left out of the formset: it stays as it is
    response = client.post(f"/admin/accounts/user/{cashier.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    cashier.refresh_from_db()
    assert cashier.is_superuser
    assert AuditEntry.objects.get(action="user.access_change").after == {"is_superuser": True}


def test_the_user_admin_shows_a_masked_phone(client, root, make_user):
    staff = make_user("lead", phone="13812341234")
    client.force_login(root)
    page = client.get(f"/admin/accounts/user/{staff.pk}/change/").content.decode()
    assert "138****1234" in page
    assert "13812341234" not in page


def test_tokens_are_revoked_from_the_admin_through_the_service(client, root, analyst):
    token, _ = api_token_issue(actor=analyst, user=analyst, name="ERP")
    client.force_login(root)
    response = client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [str(token.pk)]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=root).exists()
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    assert ApiToken.objects.count() == 1


def test_a_user_added_in_the_admin_can_log_in(client, root):
    client.force_login(root)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new.staff",
            "usable_password": "true",
            "password1": "kettle-harbour-91",
            "password2": "kettle-harbour-91",
            "role_grants-TOTAL_FORMS": "0",
            "role_grants-INITIAL_FORMS": "0",
            "role_grants-MIN_NUM_FORMS": "0",
            "role_grants-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(username="new.staff").check_password("kettle-harbour-91")


def test_the_last_administrator_cannot_step_down_in_the_admin_and_is_told_why(client, root):
    client.force_login(root)
    client.cookies["django_language"] = "en"
    form = _user_form(root, is_superuser="")  # unticked

    response = client.post(f"/admin/accounts/user/{root.pk}/change/", form, follow=True)

    assert response.status_code == 200
    assert "This is the last administrator" in response.content.decode()
    root.refresh_from_db()
    assert root.is_superuser
    assert not AuditEntry.objects.filter(action="user.access_change").exists()
