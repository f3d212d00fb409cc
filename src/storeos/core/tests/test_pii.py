import pytest
from django.db import connection

from storeos.accounts.models import User
from storeos.core import pii


def test_encrypted_text_round_trips():
    assert pii.decrypt(pii.encrypt("13812341234")) == "13812341234"
    assert pii.decrypt(pii.encrypt("张三 北京市")) == "张三 北京市"


def test_ciphertext_differs_each_time_and_hides_the_plaintext():
    first, second = pii.encrypt("13812341234"), pii.encrypt("13812341234")
    assert first != second
    assert "13812341234" not in first
    assert "1381234" not in second


def test_a_tampered_or_foreign_value_does_not_decrypt():
    token = pii.encrypt("13812341234")
    with pytest.raises(ValueError):
        pii.decrypt("13812341234")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(Exception):  # noqa: B017  (AES-GCM raises InvalidTag)
        pii.decrypt(tampered)


def test_the_blind_index_is_stable_and_depends_on_the_key(settings):
    index = pii.blind_index("13812341234")
    assert index == pii.blind_index("13812341234")
    assert index != pii.blind_index("13812341235")
    assert "13812341234" not in index
    # another deployment's key gives another index: it cannot be reversed by hashing phones
    settings.STOREOS_PII_KEY = "a-different-deployment-key-of-some-length"
    assert pii.blind_index("13812341234") != index


@pytest.mark.parametrize(
    "raw", ["13812341234", "+86 138 1234 1234", "0086-138-1234-1234", "138 1234 1234"]
)
def test_phone_numbers_normalise_to_one_form(raw):
    assert pii.normalize_phone(raw) == "13812341234"


def test_phones_are_masked_for_display():
    assert pii.mask_phone("13812341234") == "138****1234"
    assert pii.mask_phone("+86 13812341234") == "138****1234"
    assert pii.mask_phone("12345") == "*****"
    assert pii.mask_name("张三丰") == "张**"
    assert pii.mask_email("li.lei@example.com") == "l***@example.com"


@pytest.mark.django_db
def test_an_encrypted_field_keeps_only_ciphertext_in_the_database():
    # given a staff member with a phone on file
    user = User.objects.create_user(username="shiftlead", phone="13812341234")
    # when the raw column is read
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {User._meta.db_table} WHERE id = %s", [user.pk])
        (stored,) = cursor.fetchone()
    # then it is ciphertext, while the model still reads the number
    assert "13812341234" not in stored
    assert pii.decrypt(stored) == "13812341234"
    assert User.objects.get(pk=user.pk).phone == "13812341234"
