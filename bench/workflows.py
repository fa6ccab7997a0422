#!/usr/bin/env python3
"""The load side of bench/workflows.sh: starts runs of a one-step workflow at increasing rates (open loop) against
one Portico and reads what the engine did from the store. Standard library only; the MCP client is the one of
tests/e2e/scale-out.py.

  workflows.py --url MCP_URL --key KEY --store sqlite:PATH|postgres:PSQL_DB_URL --rates "5 10 20" --duration 10
               [--tool ping] [--workers 16] [--drain 60]

For each rate: a fresh workflow (one step calling --tool), then execute_workflow calls at that rate for --duration
seconds (each call is due at t0 + i/rate; workers fire it then, or at once if they are behind), then waits (at most
--drain s) until every run has ended, and reads the runs from the store:
  started/s   runs queued ÷ the time the starts took (what the client managed to offer)
  done/s      runs ended ÷ (last finished_at − first due_at): the engine's throughput at that rate
  delay       started_at − due_at (queued → claimed by the engine and started): p50, p99, max in ms
  run         finished_at − started_at: p50 in ms
It stops after the first rate the engine did not keep up with (done/s < 90 % of started/s, or p99 delay > 1 s, or
runs left unfinished). Prints one JSON object per rate on stdout ("RESULT {...}").
"""

import argparse
import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

_spec = importlib.util.spec_from_file_location(
    "scale_out", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e", "scale-out.py"))
scale_out = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scale_out)
McpClient, Retryable = scale_out.McpClient, scale_out.Retryable


def log(message):
    print(f"[bench-workflows] {message}", file=sys.stderr, flush=True)


def call(client, name, arguments):
    answer, message = client.call_tool(name, arguments)
    result = (message or {}).get("result")
    if result is None or result.get("isError"):
        raise RuntimeError(f"{name} failed: {answer.describe()}")
    return result.get("structuredContent") or {}


def query(store, sql):
    """Rows of a read-only SQL statement on the store (tuples of text/numbers)."""
    kind, _, target = store.partition(":")
    if kind == "sqlite":
        with sqlite3.connect(f"file:{target}?mode=ro", uri=True, timeout=30) as db:
            return db.execute(sql).fetchall()
    out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", target, "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [tuple(None if v == "" else v for v in line.split("\t")) for line in out.splitlines() if line]


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def one_rate(args, rate, index):
    client = McpClient(args.url, args.key)
    client.initialize()
    created = call(client, "create_workflow", {"name": f"bench {rate}/s #{index}",
                                               "steps": [{"name": "one", "tool": args.tool, "arguments": json.loads(args.arguments)}]})
    workflow = created.get("workflow_id") or created["workflow"]["workflow_id"]
    call(client, "activate_workflow", {"workflow_id": workflow})
    client.close()

    total = max(1, int(rate * args.duration))
    lock = threading.Lock()
    state = {"next": 0, "errors": 0, "sample": None}
    t0 = time.monotonic() + 0.2

    def worker():
        mine = McpClient(args.url, args.key)
        mine.initialize()
        while True:
            with lock:
                i = state["next"]
                if i >= total:
                    return
                state["next"] += 1
            wait = t0 + i / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                call(mine, "execute_workflow", {"workflow_id": workflow, "input": {}})
            except (Retryable, RuntimeError) as error:
                with lock:
                    state["errors"] += 1
                    state["sample"] = str(error)[:300]

    threads = [threading.Thread(target=worker) for _ in range(args.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    offered_seconds = time.monotonic() - t0

    deadline = time.monotonic() + args.drain
    pending = None
    while time.monotonic() < deadline:
        pending = int(query(args.store, f"select count(*) from workflow_runs where workflow_id = '{workflow}' and status in ('queued', 'running')")[0][0])
        if pending == 0:
            break
        time.sleep(0.2)
    rows = query(args.store, f"select status, due_at, started_at, finished_at from workflow_runs where workflow_id = '{workflow}'")
    runs = [(s, int(d), int(st) if st is not None else None, int(f) if f is not None else None) for s, d, st, f in rows]
    ended = [r for r in runs if r[3] is not None]
    delays = [r[2] - r[1] for r in runs if r[2] is not None]
    durations = [r[3] - r[2] for r in ended if r[2] is not None]
    span = (max(r[3] for r in ended) - min(r[1] for r in ended)) / 1000 if ended else 0
    result = {
        "rate": rate,
        "runs": len(runs),
        "succeeded": sum(1 for r in runs if r[0] == "succeeded"),
        "unfinished": pending or 0,
        "start_errors": state["errors"],
        "start_error_sample": state["sample"],
        "started_per_s": round(len(runs) / offered_seconds, 1) if offered_seconds > 0 else None,
        "done_per_s": round(len(ended) / span, 1) if span > 0 else None,
        "delay_p50_ms": percentile(delays, 50),
        "delay_p99_ms": percentile(delays, 99),
        "delay_max_ms": max(delays) if delays else None,
        "run_p50_ms": percentile(durations, 50),
    }
    print("RESULT " + json.dumps(result), flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--rates", default="5 10 20 40 80 160")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--tool", default="ping")
    parser.add_argument("--arguments", default="{}")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--drain", type=float, default=60)
    args = parser.parse_args()
    for index, rate in enumerate(float(r) for r in args.rates.split()):
        log(f"{rate:g} runs/s for {args.duration:g} s")
        result = one_rate(args, rate, index)
        kept_up = (result["unfinished"] == 0 and result["done_per_s"] is not None
                   and result["done_per_s"] >= 0.9 * (result["started_per_s"] or 0)
                   and (result["delay_p99_ms"] or 0) <= 1000)
        if not kept_up:
            log(f"the engine did not keep up with {rate:g} runs/s; stopping")
            break


if __name__ == "__main__":
    main()
