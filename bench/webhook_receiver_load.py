"""Load benchmark of the webhook receiver: signed ClickUp-shaped deliveries at a fixed rate.

    .venv/bin/python -m bench.webhook_receiver_load --size small      # the section
    .venv/bin/python -m bench.webhook_receiver_load --rate 200 --seconds 10

Section sizes: 100 deliveries a second for 3 s (small), 200 a second for 10 s (medium), 200 a
second for 30 s (large).

Starts an embedded PostgreSQL (or uses ``DATABASE_URL``) and the receiver
(``clickup-webhooks serve``) as a subprocess, then sends deliveries over loopback on an
open-loop schedule: request i is due at ``start + i / rate`` whatever happened to the earlier
ones, and its latency counts from that due time (so a stalled receiver cannot hide queueing).
Prints one JSON object on stdout (sent, stored, status counts, latency percentiles, achieved
rate, the receiver's CPU time) and a short table on stderr. ``--check`` exits 1 unless every
delivery was stored and p99 is under ``--p99-budget-ms`` (100).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import psycopg

from bench.report_table import section_table
from bench.sizes import SIZES, check_size
from orchestrate.embedded_postgres import throwaway_database

EXE = Path(sys.executable).with_name("clickup-webhooks")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", choices=SIZES, help="run the benchmark section at this size")
    parser.add_argument("--rate", type=float, default=200.0, help="deliveries per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the run")
    parser.add_argument("--secrets", type=int, default=3, help="webhooks (secrets) in use")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured deliveries first")
    parser.add_argument("--p99-budget-ms", type=float, default=100.0)
    parser.add_argument("--check", action="store_true", help="exit 1 if the budget is missed")
    return parser.parse_args(argv)


@contextlib.contextmanager
def receiver(database_url: str, schema: str, secrets: dict[str, str]) -> Iterator[tuple[str, int]]:
    """The receiver subprocess: its URL and pid."""
    config = {"database_url": database_url, "schema": schema, "secrets": secrets, "port": 0}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(config, handle)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLICKUP_")}
    proc = subprocess.Popen(
        [str(EXE), "serve", "--config", handle.name],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # one access line per request: not the benchmark's concern
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if "ready:" not in line:
            raise SystemExit(f"webhook_receiver_load: the receiver did not start ({line!r})")
        yield line.split("ready:", 1)[1].strip(), proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.unlink(handle.name)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def body(run_id: str, webhook_id: str, n: int) -> bytes:
    """A taskUpdated custom-field delivery of about 1.3 kB, as ClickUp sends them."""
    payload = {
        "event": "taskUpdated",
        "history_items": [{
            "id": f"{run_id}-{n}", "type": 1, "date": str(1_763_700_000_000 + n),
            "field": "custom_field", "parent_id": "901200001", "data": {}, "source": None,
            "user": {"id": 81000001, "username": "Sam Sandbox", "email": "sam@example.com",
                     "color": "#7b68ee", "initials": "SS", "profilePicture": None},
            "before": "5f1c7d7e-0d55-4b9e-9b1b-2f1f0c6a1a01",
            "after": "8c2d0e4b-5a3f-4c1e-8e7a-9d6b3c2a1f02",
            "custom_field": {"id": "0f6e1c52-7b1a-4a8b-9f0c-3d2e1b0a9c8d", "name": "Stage 🚦",
                             "type": "drop_down", "type_config": {"options": [
                                 {"id": "5f1c7d7e-0d55-4b9e-9b1b-2f1f0c6a1a01", "name": "Plan",
                                  "color": "#aaa", "orderindex": 0},
                                 {"id": "8c2d0e4b-5a3f-4c1e-8e7a-9d6b3c2a1f02", "name": "Build",
                                  "color": "#bbb", "orderindex": 1}]}},
        }],
        "task_id": f"86a{n:06x}",
        "webhook_id": webhook_id,
    }  # fmt: skip
    return json.dumps(payload, ensure_ascii=False).encode()


def signed(data: bytes, secret: str) -> dict[str, str]:
    signature = hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Signature": signature}


async def load(url: str, deliveries: list[tuple[bytes, dict]], rate: float) -> dict[str, Any]:
    """Send on the open-loop schedule; latencies (ms from the due time) and statuses.

    aiohttp's client: under hundreds of concurrent requests it costs a fraction of a
    millisecond of CPU per request, so the generator does not steal the receiver's cores.
    """
    latencies: list[float] = [0.0] * len(deliveries)
    statuses: list[str] = [""] * len(deliveries)
    connector = aiohttp.TCPConnector(limit=256)
    timeout = aiohttp.ClientTimeout(total=10.0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:

        async def send(i: int, due: float) -> None:
            data, headers = deliveries[i]
            try:
                async with client.post(url, data=data, headers=headers) as response:
                    await response.read()
                    statuses[i] = str(response.status)
            except (aiohttp.ClientError, TimeoutError) as exc:
                statuses[i] = type(exc).__name__
            latencies[i] = (time.perf_counter() - due) * 1000

        tasks = []
        start = time.perf_counter() + 0.05
        for i in range(len(deliveries)):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(send(i, due)))
        last_sent = time.perf_counter()
        await asyncio.gather(*tasks)
        done = time.perf_counter()
    return {
        "latencies": latencies,
        "statuses": statuses,
        "send_seconds": last_sent - start,
        "total_seconds": done - start,
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


async def warm_up(url: str, deliveries: list[tuple[bytes, dict]]) -> None:
    """Unmeasured deliveries: open the pool's connections, warm the caches."""
    async with aiohttp.ClientSession() as client:
        for data, headers in deliveries:
            async with client.post(url, data=data, headers=headers) as response:
                await response.read()


def run(args: argparse.Namespace) -> dict[str, Any]:
    run_id = uuid.uuid4().hex[:10]
    schema = f"bench_{run_id}"
    secrets = {f"hook-{k}": uuid.uuid4().hex.upper() * 2 for k in range(max(1, args.secrets))}
    hooks = list(secrets.items())
    total = max(1, round(args.rate * args.seconds))
    deliveries = []
    for n in range(total):
        webhook_id, secret = hooks[n % len(hooks)]
        data = body(run_id, webhook_id, n)
        deliveries.append((data, signed(data, secret)))
    warm = [(body("warmup", hooks[0][0], n), hooks[0][1]) for n in range(args.warmup)]
    with (
        throwaway_database("pgb") as (database_url, _),
        receiver(database_url, schema, secrets) as (url, pid),
    ):
        asyncio.run(warm_up(url, [(data, signed(data, secret)) for data, secret in warm]))
        load_before = os.getloadavg()[0]
        cpu_before = cpu_seconds(pid)
        result = asyncio.run(load(url, deliveries, args.rate))
        cpu = cpu_seconds(pid) - cpu_before
        with psycopg.connect(database_url, autocommit=True) as conn:
            stored = conn.execute(
                f'select count(*), count(distinct history_item_ids[1]) from "{schema}".'
                "webhook_deliveries where history_item_ids[1] like %s",
                (f"{run_id}-%",),
            ).fetchone()
            conn.execute(f'drop schema "{schema}" cascade')
    latencies = result["latencies"]
    statuses = Counter(result["statuses"])
    summary = {
        "rate_offered": args.rate,
        "seconds": args.seconds,
        "sent": total,
        "stored": stored[0] if stored else 0,
        "stored_distinct": stored[1] if stored else 0,
        "status_counts": dict(sorted(statuses.items())),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 2),
            "p95": round(percentile(latencies, 95), 2),
            "p99": round(percentile(latencies, 99), 2),
            "max": round(max(latencies), 2),
        },
        "achieved_rate": round(total / result["total_seconds"], 1),
        "send_rate": round((total - 1) / result["send_seconds"], 1) if total > 1 else None,
        "receiver_cpu_seconds": round(cpu, 2),
        "secrets": len(secrets),
        # Other work on the machine shows up in the tail latencies: say how busy it was.
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cpus": os.cpu_count(),
        "database": "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded pgserver",
    }
    summary["passed"] = (
        summary["stored"] == total
        and statuses.get("200", 0) == total
        and summary["latency_ms"]["p99"] < args.p99_budget_ms
    )
    return summary


def table(summary: dict[str, Any]) -> str:
    lat = summary["latency_ms"]
    rows = [
        ("offered / achieved rate", f"{summary['rate_offered']:g} / {summary['achieved_rate']:g} per s"),
        ("sent / stored", f"{summary['sent']} / {summary['stored']}"),
        ("statuses", ", ".join(f"{k}: {v}" for k, v in summary["status_counts"].items())),
        ("latency p50 / p95 / p99 / max", f"{lat['p50']} / {lat['p95']} / {lat['p99']} / {lat['max']} ms"),
        ("receiver CPU", f"{summary['receiver_cpu_seconds']} s"),
        ("load average (1 min)", f"{summary['load_average_1m']} on {summary['cpus']} CPUs"),
        ("passed", str(summary["passed"])),
    ]  # fmt: skip
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


#: (deliveries a second, seconds) per size.
LOADS = {"small": (100.0, 3.0), "medium": (200.0, 10.0), "large": (200.0, 30.0)}


def measure(size: str) -> dict[str, Any]:
    """The section: the receiver at the size's rate."""
    rate, seconds = LOADS[check_size(size)]
    args = parse_args(["--rate", str(rate), "--seconds", str(seconds)])
    print(f"webhook_receiver_load: {rate:g} deliveries a second for {seconds:g} s ...",
          file=sys.stderr, flush=True)  # fmt: skip
    summary = run(args)
    lat = summary["latency_ms"]
    figures = {
        "offered_per_s": summary["rate_offered"],
        "achieved_per_s": summary["achieved_rate"],
        "sent_count": summary["sent"],
        "stored_count": summary["stored"],
        "http_200_count": summary["status_counts"].get("200", 0),
        "latency_p50_ms": lat["p50"],
        "latency_p95_ms": lat["p95"],
        "latency_p99_ms": lat["p99"],
        "latency_max_ms": lat["max"],
        "receiver_cpu_s": summary["receiver_cpu_seconds"],
    }
    return {
        "section": "webhook_receiver_load",
        "title": f"Webhook receiver: signed deliveries at {rate:g} a second",
        "parameters": {
            "rate_per_s": rate,
            "duration_s": seconds,
            "secrets": summary["secrets"],
            "database": summary["database"],
            "load_average_1m_before": summary["load_average_1m"][0],
            "load_average_1m_after": summary["load_average_1m"][1],
        },
        "results": [{"system": "clickup-webhooks (ours)", "figures": figures}],
        "headline": {"achieved_per_s": figures["achieved_per_s"], "latency_p99_ms": lat["p99"]},
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.size:
        section = measure(args.size)
        print(section_table(section), file=sys.stderr)
        print(json.dumps(section, indent=2))
        return 0
    summary = run(args)
    print(table(summary), file=sys.stderr)
    print(json.dumps(summary))
    return 1 if args.check and not summary["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
