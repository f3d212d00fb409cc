import datetime as dt
import threading

import pytest

from storeos.core import clock


def test_now_is_timezone_aware_utc():
    assert clock.now().utcoffset() == dt.timedelta(0)


def test_frozen_time_is_seen_by_every_thread_and_released_after():
    # given a frozen instant given in Shanghai time
    at = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    seen = []
    with clock.frozen(at):
        # when the main thread and a worker thread ask for the time
        worker = threading.Thread(target=lambda: seen.append(clock.now()))
        worker.start()
        worker.join()
        seen.append(clock.now())
    # then both see the same instant, in UTC
    assert seen == [dt.datetime(2025, 3, 1, 1, 30, tzinfo=dt.UTC)] * 2
    assert clock.now() != seen[0]


def test_frozen_blocks_nest_and_restore_the_outer_instant():
    outer = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    inner = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    with clock.frozen(outer):
        with clock.frozen(inner):
            assert clock.now() == inner
        assert clock.now() == outer


def test_frozen_refuses_a_naive_datetime():
    with pytest.raises(ValueError), clock.frozen(dt.datetime(2025, 1, 1)):
        pass


def test_the_business_day_follows_the_store_time_zone():
    # 17:00 UTC is already past midnight in Shanghai, still the same day in London
    instant = dt.datetime(2024, 12, 31, 17, 0, tzinfo=dt.UTC)
    assert clock.business_date(instant, "Asia/Shanghai") == dt.date(2025, 1, 1)
    assert clock.business_date(instant, "Europe/London") == dt.date(2024, 12, 31)
    with clock.frozen(instant):
        assert clock.today("Asia/Shanghai") == dt.date(2025, 1, 1)
