"""The people of a 20-store chain for bench/load_test.py (locust; fixture: STOREOS_LOAD_FIXTURE).

Cashiers price and ring up baskets (a member on most, their coupon or points on some), the online
shop reserves and pays orders, members redeem points in the app, managers read the dashboard and
the day's orders. Every request is named by what the person does, so the report reads per
operation.
"""

import json
import os
import random
import re
import uuid
from decimal import Decimal

from locust import HttpUser, between, task

with open(os.environ["STOREOS_LOAD_FIXTURE"]) as fixture_file:
    FIXTURE = json.load(fixture_file)
# A member's coupon is used once; each locust process remembers whose it rang up.
COUPONS_USED: set[str] = set()


def _basket() -> list[dict]:
    skus = random.sample(FIXTURE["skus"], random.randint(1, 5))
    return [{"sku_id": sku, "quantity": random.randint(1, 2)} for sku in skus]


def _store_members(store_index: int) -> list[dict]:
    return [m for m in FIXTURE["members"] if m["store"] == store_index]


class Cashier(HttpUser):
    weight = 10
    wait_time = between(0.5, 2)

    def on_start(self):
        self.store_index = random.randrange(len(FIXTURE["stores"]))
        store = FIXTURE["stores"][self.store_index]
        self.store_id = store["id"]
        self.client.headers["Authorization"] = f"Bearer {store['cashier']}"
        self.members = _store_members(self.store_index)

    @task
    def ring_up(self):
        lines = _basket()
        member = random.choice(self.members) if random.random() < 0.6 else None
        coupons = []
        if member and random.random() < 0.15 and member["coupon"] not in COUPONS_USED:
            coupons = [member["coupon"]]
        cart = {"store_id": self.store_id, "lines": lines, "coupon_codes": coupons}
        if member:
            cart["member_id"] = member["id"]
        total = self._price(cart)
        if total is None and coupons:
            # The till says why the coupon does not apply (the basket is under its minimum):
            # the cashier hands it back and prices the basket without it.
            cart["coupon_codes"] = coupons = []
            total = self._price(cart)
        if total is None:
            return
        payments = []
        if member and random.random() < 0.2 and total >= Decimal("10"):
            points_part = Decimal("5.00")
            payments.append({"method": "points", "amount": str(points_part)})
            total -= points_part
        payments.append({"method": "cash", "amount": str(total), "tendered": str(total + 50)})
        order = {**cart, "order_id": str(uuid.uuid4()), "payments": payments}
        with self.client.post(
            "/api/v1/sales/orders", json=order, name="till: checkout", catch_response=True
        ) as sold:
            if sold.status_code == 201:
                COUPONS_USED.update(coupons)
            else:
                sold.failure(f"{sold.status_code} {sold.text[:120]}")

    def _price(self, cart: dict) -> Decimal | None:
        """The server's total for `cart`; None when it refused it (a coupon refusal is expected
        and is not a failure; anything else is)."""
        with self.client.post(
            "/api/v1/sales/cart/price", json=cart, name="till: price", catch_response=True
        ) as priced:
            if priced.status_code == 200:
                return Decimal(priced.json()["total"])
            refusal = priced.json().get("code", "") if priced.status_code < 500 else ""
            if refusal.startswith("coupon_"):
                priced.success()
            else:
                priced.failure(f"{priced.status_code} {priced.text[:120]}")
            return None


class OnlineShop(HttpUser):
    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {FIXTURE['online_token']}"

    @task
    def order_and_pay(self):
        store = random.choice(FIXTURE["stores"])
        order_id = str(uuid.uuid4())
        body = {
            "order_id": order_id,
            "store_id": store["id"],
            "channel": "online_mall",
            "fulfilment": "pickup",
            "lines": _basket(),
        }
        with self.client.post(
            "/api/v1/sales/online-orders", json=body, name="online: reserve", catch_response=True
        ) as placed:
            if placed.status_code != 201:
                placed.failure(f"{placed.status_code} {placed.text[:120]}")
                return
            total = placed.json()["total"]
        payment = {"method": "card", "amount": total, "reference": f"WEB{order_id[:8]}"}
        with self.client.post(
            f"/api/v1/sales/online-orders/{order_id}/pay",
            json={"payments": [payment]},
            name="online: pay",
            catch_response=True,
        ) as paid:
            if paid.status_code != 200:
                paid.failure(f"{paid.status_code} {paid.text[:120]}")


class MemberApp(HttpUser):
    weight = 2
    wait_time = between(1, 4)

    def on_start(self):
        member = random.choice([m for m in FIXTURE["members"] if m["token"]])
        self.client.headers["Authorization"] = f"Bearer {member['token']}"

    @task(3)
    def points(self):
        self.client.get("/api/v1/member/me/points", name="member: points history")

    @task(1)
    def redeem(self):
        self.client.post(
            "/api/v1/member/me/rewards/MUG/redeem",
            json={},
            headers={"Idempotency-Key": str(uuid.uuid4())},
            name="member: redeem a reward",
        )


class Manager(HttpUser):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        store = random.choice(FIXTURE["stores"])
        self.store_id, self.token = store["id"], store["store_manager"]
        login = self.client.get("/login/", name="manager: sign in")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
        self.client.post(
            "/login/",
            data={
                "username": f"store_manager-{store['code']}",
                "password": "load-test-password-2026",
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="manager: sign in",
        )

    @task(2)
    def dashboard(self):
        self.client.get("/sales/dashboard/", name="manager: dashboard")

    @task(1)
    def orders(self):
        self.client.get(
            f"/api/v1/sales/orders?store_id={self.store_id}&limit=20",
            headers={"Authorization": f"Bearer {self.token}"},
            name="manager: today's orders",
        )
