"""Checkout benchmark: 5-line baskets paid in cash, through the service layer and the HTTP API.

Run by hand against PostgreSQL (it creates and drops its own database) with jobs on Redis:

    .venv/bin/python bench/checkout_bench.py --clients 8 --seconds 15

Figures printed, per path (service: processes calling `sales.checkout.checkout`; http: threads
posting to `storeos serve`): checkouts per second, p50 / p95 / p99 latency in milliseconds, and
errors. POS search latency has its own benchmark, pos_search_bench.py.
"""

import argparse
import json
import multiprocessing as mp
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from decimal import Decimal
from http.client import HTTPConnection

from common import chain_seed, database_recreate, django_setup, percentile

BASKET = 5


def _basket(rng: random.Random, prices: dict[int, Decimal]) -> list[tuple[int, int]]:
    return [(sku_id, rng.randint(1, 2)) for sku_id in rng.sample(sorted(prices), BASKET)]


def _prices() -> dict[int, Decimal]:
    from storeos.catalog.models import Sku

    return dict(Sku.objects.exclude(code="S00000").values_list("pk", "list_price"))


def _service_client(args, n: int, deadline: float, results) -> None:
    django_setup(args.redis)
    from django.db import connection

    from storeos.accounts.models import User
    from storeos.catalog.models import Sku
    from storeos.sales.checkout import CartLine, Tender, checkout
    from storeos.stores.models import Store

    rng = random.Random(n)
    store = Store.objects.get(code="B1")
    cashier = User.objects.get(username="bench")
    prices = _prices()
    skus = {s.pk: s for s in Sku.objects.filter(pk__in=list(prices))}
    latencies, errors = [], 0
    while time.monotonic() < deadline:
        basket = _basket(rng, prices)
        total = sum(prices[sku_id] * qty for sku_id, qty in basket)
        began = time.perf_counter()
        try:
            checkout(
                actor=cashier,
                order_id=uuid.uuid4(),
                store=store,
                lines=[CartLine(skus[sku_id], qty) for sku_id, qty in basket],
                payments=[Tender("cash", total, tendered=total + 100)],
            )
            latencies.append((time.perf_counter() - began) * 1000)
        except Exception:
            errors += 1
    connection.close()
    results.put((latencies, errors))


def _run_service(args) -> tuple[list[float], int]:
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    deadline = time.monotonic() + 5 + args.seconds
    procs = [
        ctx.Process(target=_service_client, args=(args, n, deadline, results))
        for n in range(args.clients)
    ]
    for proc in procs:
        proc.start()
    collected = [results.get() for _ in procs]
    for proc in procs:
        proc.join()
    return [ms for lat, _ in collected for ms in lat], sum(e for _, e in collected)


def _token() -> str:
    from storeos.accounts.models import User
    from storeos.accounts.services import api_token_issue

    _, secret = api_token_issue(actor=None, user=User.objects.get(username="bench"), name="bench")
    return secret


def _http_client(port, token, prices, store_id, n, deadline, out, lock) -> None:
    rng = random.Random(1000 + n)
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies, errors = [], 0
    while time.monotonic() < deadline:
        basket = _basket(rng, prices)
        total = sum(prices[sku_id] * qty for sku_id, qty in basket)
        body = {
            "order_id": str(uuid.uuid4()),
            "store_id": store_id,
            "lines": [{"sku_id": sku_id, "quantity": qty} for sku_id, qty in basket],
            "payments": [{"method": "cash", "amount": str(total), "tendered": str(total + 100)}],
        }
        began = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/sales/orders", json.dumps(body), headers)
            response = conn.getresponse()
            response.read()
            if response.status in (200, 201):
                latencies.append((time.perf_counter() - began) * 1000)
            else:
                errors += 1
        except OSError:
            errors += 1
            conn = HTTPConnection("127.0.0.1", port, timeout=30)
    with lock:
        out.append((latencies, errors))


def _run_http(args) -> tuple[list[float], int]:
    from storeos.stores.models import Store

    env = os.environ.copy()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "storeos.cli",
            "serve",
            "--port",
            str(args.port),
            "--workers",
            str(args.server_workers),
            "--threads",
            str(args.server_threads),
        ],
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/login/")
                break
            except OSError:
                time.sleep(0.5)
        token = _token()
        prices = _prices()
        store_id = Store.objects.get(code="B1").pk
        out, lock = [], threading.Lock()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=_http_client,
                args=(args.port, token, prices, store_id, n, deadline, out, lock),
            )
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [ms for lat, _ in out for ms in lat], sum(e for _, e in out)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def _report(label: str, latencies: list[float], errors: int, seconds: float) -> None:
    print(
        f"{label}: {len(latencies) / seconds:.0f} checkouts/s, "
        f"p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, "
        f"p99 {percentile(latencies, 99):.1f} ms, {errors} errors",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--skus", type=int, default=2_000)
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--server-workers", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=4)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--only", choices=["service", "http"], default=None)
    args = parser.parse_args()

    database_recreate()
    django_setup(args.redis)
    chain_seed(sku_count=args.skus, units_per_sku=1_000_000)

    if args.only in (None, "service"):
        latencies, errors = _run_service(args)
        _report(f"service ({args.clients} processes)", latencies, errors, args.seconds)
    if args.only in (None, "http"):
        latencies, errors = _run_http(args)
        _report(
            f"http ({args.clients} clients, {args.server_workers}×{args.server_threads} server)",
            latencies,
            errors,
            args.seconds,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
