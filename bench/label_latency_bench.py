"""Shelf-label latency: from a committed price change to the label update a gateway can pull.

Run by hand against PostgreSQL and Redis (it creates and drops its own database), with a real
`storeos serve` and `storeos worker`:

    .venv/bin/python bench/label_latency_bench.py --changes 20

Each round changes one SKU's list price through the price-change service (the outbox event
commits with it; the worker dispatches it), then polls GET /api/v1/labels/pending as a label
gateway would until the update for that SKU in the store appears. Prints p50 and max seconds.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal

from common import chain_seed, database_recreate, django_setup, percentile


def _start(*command: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "storeos.cli", *command],
        env=os.environ.copy(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _pending(port: int, token: str, store_id: int, after_id: int) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/labels/pending?store_id={store_id}&after_id={after_id}",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--port", type=int, default=8098)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()

    database_recreate()
    django_setup(args.redis)
    chain_seed(sku_count=200, units_per_sku=100)
    from huey.contrib.djhuey import HUEY

    HUEY.flush()  # no jobs left over from an earlier run
    from storeos.accounts.models import User
    from storeos.accounts.services import api_token_issue
    from storeos.catalog.models import Sku
    from storeos.catalog.pricing import price_change
    from storeos.stores.models import Store

    _, token = api_token_issue(actor=None, user=User.objects.get(username="bench"), name="labels")
    store_id = Store.objects.get(code="B1").pk
    processes = [
        _start("worker", "--workers", "2"),
        _start("serve", "--port", str(args.port), "--workers", "1", "--threads", "2"),
    ]
    try:
        for _ in range(60):
            try:
                last_id = _pending(args.port, token, store_id, 0)["last_id"]
                break
            except OSError:
                time.sleep(0.5)
        latencies = []
        for sku in list(Sku.objects.order_by("pk")[: args.changes]):
            price_change(
                actor=None, sku=sku, new_price=sku.list_price + Decimal("1"), reason="bench"
            )
            committed = time.perf_counter()
            while time.perf_counter() - committed < 30:
                page = _pending(args.port, token, store_id, last_id)
                last_id = page["last_id"]
                if any(update["sku_id"] == sku.pk for update in page["updates"]):
                    latencies.append(time.perf_counter() - committed)
                    break
                time.sleep(0.02)
            else:
                print(f"no label update for {sku.code} within 30 s")
        if latencies:
            print(
                f"label updates: {len(latencies)}/{args.changes} seen, "
                f"p50 {percentile(latencies, 50):.2f} s, max {max(latencies):.2f} s"
            )
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
