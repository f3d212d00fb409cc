"""The demo's sales as pure data: tickets that look like a store's day, on a shift, and the
online orders and returns the sales pages need, all before the seeding moment."""

import datetime as dt
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest

from storeos.demo.lego import build_lego_plan
from storeos.demo.liquor import build_liquor_plan
from storeos.demo.sales_plan import SalesPlan
from storeos.demo.stock_plan import SALES_DAYS, build_stock_plan

PLANS = {"lego": build_lego_plan, "liquor": build_liquor_plan}
TZ = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 14)  # a Saturday
NOW = dt.datetime.combine(TODAY, dt.time(15, 0), TZ)


def _orders(scenario: str, seed: int = 42, now: dt.datetime = NOW) -> SalesPlan:
    return build_stock_plan(PLANS[scenario](seed), seed=seed, now=now, tz=TZ.key).orders


def _local(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(TZ)


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_tickets_are_baskets_of_one_to_five_lines_of_about_two_units(scenario):
    tickets = _orders(scenario).tickets

    sizes = Counter(len(t.lines) for t in tickets)
    units = sum(n for t in tickets for _, n in t.lines)

    assert 600 <= len(tickets) <= 1_300
    assert set(sizes) <= {1, 2, 3, 4, 5} and sizes[1] > sizes[2] > sizes[3] > 0
    assert all(len({code for code, _ in t.lines}) == len(t.lines) for t in tickets)
    assert all(n >= 1 for t in tickets for _, n in t.lines)
    assert 1.5 <= units / len(tickets) <= 2.5
    assert len({t.order_id for t in tickets}) == len(tickets)


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_every_store_sells_on_most_days_busier_evenings_and_weekends(scenario):
    tickets = _orders(scenario).tickets
    stores = [s.code for s in PLANS[scenario](42).stores]
    days = defaultdict(set)
    for t in tickets:
        days[t.store].add(_local(t.at).date())
    hours = Counter(_local(t.at).hour for t in tickets)
    per_day = Counter(_local(t.at).date() for t in tickets if _local(t.at).date() < TODAY)
    weekend = [n for day, n in per_day.items() if day.weekday() >= 5]
    weekday = [n for day, n in per_day.items() if day.weekday() < 5]

    assert set(days) == set(stores)
    assert all(len(days[store]) >= 50 for store in stores)
    assert min(hours) >= 10 and max(hours) <= 21
    assert hours[19] > 2 * hours[10] and hours[18] + hours[19] > hours[14] + hours[15]
    assert sum(weekend) / len(weekend) > 1.15 * sum(weekday) / len(weekday)


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_tickets_are_rung_on_the_days_open_shift_and_today_only_until_now(scenario):
    orders = _orders(scenario)
    shifts = {(s.store, s.day): s for s in orders.shifts}

    for ticket in orders.tickets:
        shift = shifts[(ticket.store, _local(ticket.at).date())]
        assert shift.opened_at < ticket.at < (shift.closed_at or NOW)
    assert max(t.at for t in orders.tickets) < NOW
    today = [s for s in orders.shifts if s.day == TODAY]
    assert today and all(s.closed_at is None for s in today)
    past = [s for s in orders.shifts if s.day < TODAY]
    assert len(past) == SALES_DAYS * 3 and all(s.closed_at for s in past)
    assert 0 < sum(1 for s in past if s.variance) < len(past) / 2


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_payments_are_mostly_qr_codes_with_some_cards_and_cash(scenario):
    tickets = _orders(scenario).tickets

    methods = Counter(t.payment for t in tickets)

    assert set(methods) == {"qr", "card", "cash", "split"}
    assert methods["qr"] > len(tickets) / 2
    assert methods["cash"] > methods["split"] > 0
    assert 0 < sum(t.associate for t in tickets) < len(tickets) / 2


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_online_orders_were_collected_but_one_waits_and_one_is_unpaid(scenario):
    orders = _orders(scenario)
    first = PLANS[scenario](42).stores[0].code

    collected = [o for o in orders.online_orders if o.picked_up_at is not None]
    waiting = [o for o in orders.online_orders if o.ready_at and not o.picked_up_at]
    unpaid = [o for o in orders.online_orders if o.paid_at is None]

    assert len(collected) >= 10
    assert all(o.at < o.paid_at < o.ready_at < o.picked_up_at < NOW for o in collected)
    assert [(o.store, _local(o.paid_at).date()) for o in waiting] == [(first, TODAY)]
    assert len(unpaid) == 1 and unpaid[0].store == first
    assert unpaid[0].at < NOW < unpaid[0].at + unpaid[0].ttl


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_a_handful_of_returns_within_the_window_one_partial_one_damaged(scenario):
    orders = _orders(scenario)
    tickets = {t.number: t for t in orders.tickets}

    assert 4 <= len(orders.returns) <= 6
    partial = 0
    for spec in orders.returns:
        ticket = tickets[spec.ticket]
        days = (_local(spec.at).date() - _local(ticket.at).date()).days
        assert 1 <= days <= 15 and spec.at < NOW
        for line_no, units, _ in spec.lines:
            assert 1 <= units <= ticket.lines[line_no - 1][1]
        returned = sum(units for _, units, _ in spec.lines)
        partial += returned < sum(n for _, n in ticket.lines)
    assert partial >= 1
    assert [d for spec in orders.returns for _, _, d in spec.lines].count("scrap") == 1
    assert len({spec.ticket for spec in orders.returns}) == len(orders.returns)


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_same_seed_and_moment_same_sales_other_seed_other_sales(scenario):
    assert _orders(scenario, 7) == _orders(scenario, 7)
    assert _orders(scenario, 7).tickets != _orders(scenario, 8).tickets
    earlier = _orders(scenario, 7, now=NOW - dt.timedelta(hours=3))
    assert len(earlier.tickets) < len(_orders(scenario, 7).tickets)
