import datetime as dt
import re

import pytest

from storeos.core import clock
from storeos.core.errors import TooManyRequests
from storeos.loyalty import registration
from storeos.loyalty.errors import DuplicatePhone, MemberNotFound, VerificationFailed
from storeos.loyalty.models import Member, MemberSession, Referral, VerificationCode

AT = dt.datetime(2026, 5, 1, 2, 0, tzinfo=dt.UTC)
PHONE = "13500135000"


@pytest.fixture
def outbox(settings, tmp_path):
    settings.STOREOS_SMS_SENDER = "file"
    settings.DATA_DIR = tmp_path
    return tmp_path / "outbox" / "sms.log"


@pytest.fixture
def send_code(outbox, django_capture_on_commit_callbacks):
    def send(phone=PHONE, purpose="register") -> str:
        with django_capture_on_commit_callbacks(execute=True):
            registration.verification_code_request(phone=phone, purpose=purpose)
        last = outbox.read_text().splitlines()[-1]
        assert phone in last
        return re.search(r"\b(\d{6})\b", last.split("\t")[2]).group(1)

    return send


def test_a_new_customer_registers_with_the_code_sent_to_their_phone(programme, send_code):
    with clock.frozen(AT):
        code = send_code()
        member = registration.member_register(
            phone=PHONE, code=code, name="王五", birthday=dt.date(1990, 6, 1), consent=True
        )

    assert member.phone == PHONE
    assert member.tier.code == "bronze"
    assert (member.marketing_consent, member.consent_source) == (True, "mini_program")
    assert VerificationCode.objects.get().used_at == AT
    assert not VerificationCode.objects.filter(code_hash__contains=code).exists()


def test_a_code_works_only_once(programme, send_code):
    code = send_code()
    registration.verification_code_check(phone=PHONE, purpose="register", code=code)

    with pytest.raises(VerificationFailed):
        registration.verification_code_check(phone=PHONE, purpose="register", code=code)


def test_a_registered_phone_is_refused_and_nothing_changes(member, send_code):
    code = send_code(phone="13800138000")

    with pytest.raises(DuplicatePhone) as refused:
        registration.member_register(phone="13800138000", code=code, name="Someone else")

    assert refused.value.code == "phone_already_registered"
    assert Member.objects.count() == 1
    assert VerificationCode.objects.get().used_at is None


def test_wrong_codes_are_refused_and_five_wrong_codes_burn_the_code(programme, send_code):
    code = send_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    for _ in range(5):
        with pytest.raises(VerificationFailed) as refused:
            registration.member_register(phone=PHONE, code=wrong)
        assert refused.value.details["reason"] == "wrong_code"
    with pytest.raises(VerificationFailed) as refused:
        registration.member_register(phone=PHONE, code=code)

    assert refused.value.details["reason"] == "too_many_attempts"
    assert not Member.objects.exists()


def test_a_code_expires_after_ten_minutes(programme, send_code):
    with clock.frozen(AT):
        code = send_code()
    with clock.frozen(AT + dt.timedelta(minutes=10, seconds=1)), pytest.raises(VerificationFailed):
        registration.member_register(phone=PHONE, code=code)


def test_one_code_a_minute_per_phone(programme, send_code, outbox):
    with clock.frozen(AT):
        send_code()
        with pytest.raises(TooManyRequests) as refused:
            send_code()
    with clock.frozen(AT + dt.timedelta(seconds=61)):
        send_code()

    assert refused.value.code == "too_many_requests"
    assert VerificationCode.objects.count() == 2
    assert len(outbox.read_text().splitlines()) == 2


def test_a_code_for_signing_in_does_not_register(programme, send_code):
    code = send_code(purpose="sign_in")

    with pytest.raises(VerificationFailed):
        registration.member_register(phone=PHONE, code=code)


def test_a_member_signs_in_and_gets_a_30_day_session(member, send_code):
    with clock.frozen(AT):
        signed_in = registration.member_sign_in(
            phone="13800138000", code=send_code(phone="13800138000", purpose="sign_in")
        )
        assert registration.member_for_token(signed_in.token) == member

    assert signed_in.expires_at == AT + dt.timedelta(days=30)
    assert MemberSession.objects.get().token_hash != signed_in.token
    with clock.frozen(AT + dt.timedelta(days=31)):
        assert registration.member_for_token(signed_in.token) is None


def test_signing_in_an_unknown_phone_is_member_not_found(programme, send_code):
    code = send_code(purpose="sign_in")

    with pytest.raises(MemberNotFound):
        registration.member_sign_in(phone=PHONE, code=code)
    assert not MemberSession.objects.exists()


def test_joining_with_a_referral_code_records_the_referral(member, send_code):
    joined = registration.member_register(
        phone=PHONE, code=send_code(), referral_code=member.referral_code, device_id="dev-9"
    )

    assert Referral.objects.get(referee=joined).referrer == member
