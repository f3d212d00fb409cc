import pytest

from storeos.loyalty import messages
from storeos.loyalty.messages import message_queue, messages_send_pending
from storeos.loyalty.models import OutgoingMessage


class BrokenGateway:
    def send(self, *, channel, recipient, body):
        raise ConnectionError("gateway down")


@pytest.fixture
def file_sender(settings, tmp_path):
    settings.STOREOS_SMS_SENDER = "file"
    settings.DATA_DIR = tmp_path
    return tmp_path / "outbox" / "sms.log"


def test_a_message_is_sent_once_its_transaction_commits(
    db, file_sender, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(recipient="13800138000", body="Hello\nthere")

    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT
    assert file_sender.read_text().strip().endswith("13800138000\tHello there")


def test_a_message_is_not_sent_before_commit(db, file_sender):
    message_queue(recipient="13800138000", body="Hello")

    assert not file_sender.exists()
    assert OutgoingMessage.objects.get().status == OutgoingMessage.Status.PENDING


def test_a_failed_message_is_retried_at_most_five_times(db, settings, file_sender):
    settings.STOREOS_SMS_SENDER = f"{__name__}.BrokenGateway"
    message_queue(recipient="13800138000", body="Hello")

    sent = [messages_send_pending() for _ in range(7)]

    message = OutgoingMessage.objects.get()
    assert sent == [0] * 7
    assert (message.status, message.attempts) == (OutgoingMessage.Status.FAILED, 5)

    settings.STOREOS_SMS_SENDER = "file"
    assert messages_send_pending() == 0  # given up: it needs a person to look at it


def test_the_retry_job_sends_what_the_queue_missed(db, file_sender):
    message_queue(recipient="13800138000", body="One")
    message_queue(recipient="13900139000", body="Two")

    assert messages_send_pending() == 2
    assert messages_send_pending() == 0
    assert len(file_sender.read_text().splitlines()) == 2


def test_the_console_sender_is_the_default(db, settings, caplog):
    del settings.STOREOS_SMS_SENDER
    message = message_queue(recipient="13800138000", body="Hi")

    assert messages.message_send(message_id=message.pk) is True
    assert "138****8000" in caplog.text and "13800138000" not in caplog.text
