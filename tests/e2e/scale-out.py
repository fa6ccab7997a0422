#!/usr/bin/env python3
"""The client side of tests/e2e/scale-out.sh: raw MCP Streamable HTTP (JSON-RPC POSTs answered
with SSE) against a Portico cluster started by deploy/cluster.sh. Standard library only.

  scale-out.py writes      --url NGINX_MCP_URL --key KEY --calls 1000 --kill-at 300 --start-at 600
                           --cluster-sh deploy/cluster.sh --instance 2 --run-id ID [--concurrency 4]
  scale-out.py rate-limit  --urls MCP_URL,MCP_URL,... --key KEY --limit 30 --run-id ID
  scale-out.py revocation  --urls MCP_URL,MCP_URL,... --key KEY --revoke "COMMAND"
                           --revoked-at "COMMAND" [--budget-ms 1000] [--poll-ms 50]

Each check prints "PASS <check> (detail)" or "FAIL <check>: <reason>"; the shell script counts
them. Exit status 0 when every check of the mode passed, 1 otherwise, 2 on a usage error.
"""

import argparse
import http.client
import json
import shlex
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter

PROTOCOL_VERSION = "2025-11-25"
ACCEPT = "application/json, text/event-stream"
RETRYABLE_STATUS = {502, 503, 504}

failures = 0


def check(ok, name, detail=""):
    global failures
    if ok:
        print(f"PASS {name}" + (f" ({detail})" if detail else ""), flush=True)
    else:
        failures += 1
        print(f"FAIL {name}: {detail}", flush=True)
    return ok


class Retryable(Exception):
    """The call may not have reached a live instance or its answer was lost: retry it once."""


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    def describe(self):
        text = self.body.decode("utf-8", "replace")
        return f"HTTP {self.status} {self.header('content-type') or ''} {text[:400]!r}"


class McpClient:
    """One keep-alive HTTP/1.1 connection; reconnects after a connection error."""

    def __init__(self, url, key, session_id=None):
        self.url = urllib.parse.urlsplit(url)
        self.key = key
        self.session_id = session_id
        self.conn = None
        self._next_id = 0
        self._lock = threading.Lock()

    def next_id(self):
        with self._lock:
            self._next_id += 1
            return self._next_id

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def post(self, message, timeout=30):
        """POSTs one JSON-RPC message. Raises Retryable on connection errors."""
        headers = {
            "Content-Type": "application/json",
            "Accept": ACCEPT,
            "Authorization": f"Bearer {self.key}",
        }
        if self.session_id:
            headers["Mcp-Session-Id"] = self.session_id
            headers["MCP-Protocol-Version"] = PROTOCOL_VERSION
        body = json.dumps(message).encode()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=timeout)
            self.conn.request("POST", self.url.path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
            if response.will_close:
                self.close()
            return answer
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise Retryable(f"{type(error).__name__}: {error}") from error

    def initialize(self):
        answer = self.post({
            "jsonrpc": "2.0", "id": self.next_id(), "method": "initialize",
            "params": {"protocolVersion": PROTOCOL_VERSION, "capabilities": {},
                       "clientInfo": {"name": "portico-scale-out", "version": "1"}},
        })
        if answer.status != 200 or not answer.header("mcp-session-id"):
            raise RuntimeError(f"initialize: {answer.describe()}")
        result_of(answer, 1)
        self.session_id = answer.header("mcp-session-id")
        note = self.post({"jsonrpc": "2.0", "method": "notifications/initialized"})
        if note.status != 202:
            raise RuntimeError(f"notifications/initialized: {note.describe()}")
        return self.session_id

    def call_tool(self, name, arguments):
        """tools/call: (answer, JSON-RPC message). Raises Retryable for 502/503/504, connection
        errors and streams cut off before the result (the instance died while answering)."""
        request_id = self.next_id()
        answer = self.post({"jsonrpc": "2.0", "id": request_id, "method": "tools/call",
                            "params": {"name": name, "arguments": arguments}})
        if answer.status in RETRYABLE_STATUS:
            raise Retryable(answer.describe())
        if answer.status != 200:
            return answer, None
        try:
            return answer, result_of(answer, request_id)
        except LookupError as error:
            raise Retryable(f"answer without a result: {error}; {answer.describe()}") from error


def sse_messages(body):
    """The JSON-RPC messages in an SSE body (data of each event; priming events have none)."""
    messages = []
    for event in body.decode("utf-8").replace("\r\n", "\n").split("\n\n"):
        data = "\n".join(line[5:].lstrip(" ") if line.startswith("data:") else "" for line in event.split("\n")
                         if line.startswith("data:"))
        if data.strip():
            messages.append(json.loads(data))
    return messages


def result_of(answer, request_id):
    """The JSON-RPC response to request_id in an SSE or JSON body; LookupError if there is none."""
    content_type = (answer.header("content-type") or "").split(";")[0].strip()
    if content_type == "text/event-stream":
        messages = sse_messages(answer.body)
    elif content_type == "application/json":
        messages = [json.loads(answer.body)]
    else:
        raise LookupError(f"content type {content_type!r}")
    for message in messages:
        if message.get("id") == request_id and ("result" in message or "error" in message):
            return message
    raise LookupError(f"no response to id {request_id} among {len(messages)} message(s)")


def tool_error_code(message):
    result = (message or {}).get("result") or {}
    return ((result.get("structuredContent") or {}).get("error") or {}).get("code")


def upstream_of(answer):
    # nginx lists every instance it tried: "127.0.0.1:18182, 127.0.0.1:18183".
    return (answer.header("x-portico-upstream") or "direct").split(",")[-1].strip()


# ---------------------------------------------------------------------------------------- writes
def mode_writes(args):
    client = McpClient(args.url, args.key)
    session_id = client.initialize()
    client.close()
    print(f"# session {session_id}; {args.calls} create-record calls through {args.url}, "
          f"{args.concurrency} at a time; instance {args.instance} SIGKILLed after {args.kill_at}, "
          f"restarted after {args.start_at}", flush=True)

    lock = threading.Lock()
    state = {"next": 0, "done": 0, "down": False, "restart_begun_at": None}
    restarted = threading.Event()
    results = {}           # call index -> outcome dict
    session_ids = Counter()
    upstreams_before, upstreams_down, upstreams_after, upstreams_rejoined = Counter(), Counter(), Counter(), Counter()
    restart = {}
    instance_port = None

    def run_cluster(command, into):
        started = time.monotonic()
        done = subprocess.run([args.cluster_sh, command, str(args.instance)], capture_output=True, text=True)
        into.update(rc=done.returncode, output=(done.stdout + done.stderr).strip(),
                    seconds=time.monotonic() - started)
        if command == "kill":
            with lock:
                state["down"] = True
        else:
            # nginx skips a failed instance for fail_timeout (2 s) before it tries it again.
            time.sleep(2.5)
            restarted.set()

    kill_result = {}
    kill_thread = threading.Thread(target=run_cluster, args=("kill", kill_result))
    start_thread = threading.Thread(target=run_cluster, args=("start", restart))

    def one_call(client, index):
        key = f"{args.run_id}-{index:04d}"
        arguments = {"collection": "scale-out", "data": {"n": index, "run": args.run_id}, "idempotencyKey": key}
        attempts = []
        for attempt in (1, 2):
            try:
                answer, message = client.call_tool("create-record", arguments)
            except Retryable as error:
                attempts.append(str(error))
                continue
            sid = answer.header("mcp-session-id")
            with lock:
                session_ids[sid] += 1
                phase = (upstreams_before if not state["down"]
                         else upstreams_down if state["restart_begun_at"] is None
                         else upstreams_rejoined if restarted.is_set() else upstreams_after)
                phase[upstream_of(answer)] += 1
            record = (((message or {}).get("result") or {}).get("structuredContent") or {}).get("record") or {}
            ok = (answer.status == 200 and message is not None and "result" in message
                  and not message["result"].get("isError") and record.get("data", {}).get("n") == index)
            return {"ok": ok, "attempts": attempts, "duplicate": bool(
                        (message or {}).get("result", {}).get("structuredContent", {}).get("duplicate")),
                    "error": None if ok else answer.describe(), "record": record.get("id")}
        return {"ok": False, "attempts": attempts, "duplicate": False,
                "error": "still failing after one retry: " + " | ".join(attempts), "record": None}

    def worker():
        client = McpClient(args.url, args.key, session_id)
        try:
            while True:
                with lock:
                    if state["next"] >= args.calls:
                        return
                    index = state["next"]
                    state["next"] += 1
                if index >= args.rejoin_at:
                    # The last calls wait for the restarted instance, so they show it rejoining.
                    restarted.wait(timeout=120)
                outcome = one_call(client, index)
                with lock:
                    results[index] = outcome
                    state["done"] += 1
                    # The kill and the restart run beside the calls: calls are in flight when they happen.
                    if state["done"] == args.kill_at:
                        kill_thread.start()
                    elif state["done"] == args.start_at:
                        state["restart_begun_at"] = state["done"]
                        start_thread.start()
        finally:
            client.close()

    started = time.monotonic()
    workers = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.monotonic() - started
    if kill_thread.is_alive() or kill_thread.ident:
        kill_thread.join()
    if start_thread.ident:
        start_thread.join()

    succeeded = [i for i, r in results.items() if r["ok"]]
    retried = {i: r for i, r in results.items() if r["attempts"]}
    failed = {i: r for i, r in results.items() if not r["ok"]}
    print(f"# {len(results)} calls in {elapsed:.1f} s; answered by: before the kill {dict(upstreams_before)}; "
          f"instance down {dict(upstreams_down)}; restarting {dict(upstreams_after)}; "
          f"after the restart (calls {args.rejoin_at}+) {dict(upstreams_rejoined)}", flush=True)
    for i, r in sorted(retried.items())[:20]:
        print(f"# call {i}: retried after {r['attempts'][0][:300]}; then {'ok' if r['ok'] else 'FAILED'}"
              f"{' (duplicate: true, the first attempt had been stored)' if r['duplicate'] else ''}", flush=True)

    check(kill_result.get("rc") == 0, f"instance {args.instance} SIGKILLed after {args.kill_at} calls",
          kill_result.get("output", "the kill did not run"))
    check(restart.get("rc") == 0, f"instance {args.instance} restarted after {args.start_at} calls",
          f"ready {restart.get('seconds', 0):.1f} s after the restart began" if restart.get("rc") == 0
          else restart.get("output", "the restart did not run"))
    check(len(succeeded) == args.calls and not failed,
          f"all {args.calls} create-record calls succeeded, at most one retry each",
          f"{len(succeeded)} ok, {len(retried)} needed one retry"
          f" ({sum(1 for r in retried.values() if r['duplicate'])} of them answered duplicate: true)"
          if not failed else
          f"{len(failed)} failed, e.g. " + "; ".join(f"call {i}: {r['error'][:300]}" for i, r in sorted(failed.items())[:3]))
    unexpected_duplicates = [i for i, r in results.items() if r["duplicate"] and not r["attempts"]]
    check(not unexpected_duplicates, "no first attempt was answered as a duplicate",
          f"calls {unexpected_duplicates[:10]}" if unexpected_duplicates else "")
    records = {r["record"] for r in results.values() if r["record"]}
    check(len(records) == args.calls, f"{args.calls} distinct record ids returned", f"{len(records)} distinct")
    check(list(session_ids) == [session_id], "the Mcp-Session-Id never changed",
          f"{session_id} on all {sum(session_ids.values())} answers" if list(session_ids) == [session_id]
          else f"answers carried {dict(session_ids)}")
    killed_port = urllib.parse.urlsplit(args.instance_url).port
    served_down = {u: n for u, n in upstreams_down.items() if u.endswith(f":{killed_port}")}
    # Informational: a call already in flight when the SIGKILL lands can still be answered by that
    # instance, and it is then counted in the "down" bucket; that is a timing artifact of the
    # harness, not a server fault (every call's outcome is checked above).
    print(f"# answers from instance {args.instance} counted while it was down (in-flight at the kill): {served_down or 'none'}", flush=True)
    served_after = sum(n for u, n in upstreams_rejoined.items() if u.endswith(f":{killed_port}"))
    check(served_after > 0, f"nginx sends calls to the restarted instance {args.instance} again",
          f"it answered {served_after} of calls {args.rejoin_at}-{args.calls - 1}")

    # The restarted instance has never seen this session: it must restore it from the store.
    direct = McpClient(args.instance_url, args.key, session_id)
    try:
        answer, message = direct.call_tool("ping", {})
        check(answer.status == 200 and message is not None and "result" in message
              and answer.header("mcp-session-id") == session_id,
              f"the restarted instance {args.instance} serves the same session", answer.describe()[:300]
              if answer.status != 200 or message is None else f"ping answered on {args.instance_url}")
    except Retryable as error:
        check(False, f"the restarted instance {args.instance} serves the same session", str(error))
    finally:
        direct.close()
    print(f"SESSION {session_id}", flush=True)


# ------------------------------------------------------------------------------------ rate limit
def mode_rate_limit(args):
    urls = args.urls.split(",")
    first = McpClient(urls[0], args.key)
    session_id = first.initialize()
    first.close()
    clients = [McpClient(url, args.key, session_id) for url in urls]
    print(f"# session {session_id}; create-record alternating over {', '.join(urls)}", flush=True)
    outcomes = []
    for i in range(args.limit + 1):
        client = clients[i % len(clients)]
        arguments = {"collection": "rate-limit", "data": {"n": i}, "idempotencyKey": f"{args.run_id}-rl-{i:03d}"}
        try:
            answer, message = client.call_tool("create-record", arguments)
        except Retryable as error:
            outcomes.append((client.url.port, None, None, str(error)))
            continue
        result = (message or {}).get("result") or {}
        outcomes.append((client.url.port, answer, message, answer.describe()))
        if i < args.limit and (answer.status != 200 or result.get("isError")):
            print(f"# call {i + 1} on port {client.url.port}: {answer.describe()[:400]}", flush=True)
    for client in clients:
        client.close()

    allowed = [o for o in outcomes[:args.limit]
               if o[1] is not None and o[1].status == 200 and o[2] and not o[2].get("result", {}).get("isError")]
    ports = Counter(o[0] for o in outcomes[:args.limit])
    check(len(allowed) == args.limit, f"the first {args.limit} calls, alternating across instances, succeed",
          f"{len(allowed)} succeeded, spread {dict(ports)}")
    port, answer, message, described = outcomes[args.limit]
    code = tool_error_code(message)
    result = (message or {}).get("result") or {}
    details = ((result.get("structuredContent") or {}).get("error") or {}).get("details") or {}
    retry_after = details.get("retryAfterSeconds")
    check(answer is not None and answer.status == 200 and result.get("isError") is True and code == "RATE_LIMITED",
          f"call {args.limit + 1} (instance on port {port}) is refused with RATE_LIMITED",
          f"structuredContent.error: {json.dumps((result.get('structuredContent') or {}).get('error'))[:300]}"
          if code == "RATE_LIMITED" else described[:500])
    if code == "RATE_LIMITED":
        check(isinstance(retry_after, (int, float)) and 0 < retry_after <= 60,
              "RATE_LIMITED says when to retry", f"retryAfterSeconds {retry_after}")


# ------------------------------------------------------------------------------------ revocation
def mode_revocation(args):
    urls = args.urls.split(",")
    clients = []
    for url in urls:
        client = McpClient(url, args.key)
        client.initialize()
        answer, message = client.call_tool("ping", {})
        if answer.status != 200 or message is None or "result" not in message:
            check(False, f"the key works on {url} before it is revoked", answer.describe())
            return
        clients.append(client)
    check(True, f"the key works on all {len(urls)} instances before it is revoked (each has it cached)")

    stop = threading.Event()
    revoked = {}           # url -> (monotonic time of the first refusal, answer)
    errors = {}

    def poll(client, url):
        while not stop.is_set():
            before = time.monotonic()
            try:
                answer, message = client.call_tool("ping", {})
            except Retryable as error:
                errors[url] = str(error)
                return
            if answer.status == 200 and message is not None and "result" in message:
                time.sleep(max(0.0, args.poll_ms / 1000 - (time.monotonic() - before)))
                continue
            revoked[url] = (time.monotonic(), answer)
            return

    pollers = [threading.Thread(target=poll, args=(c, u)) for c, u in zip(clients, urls)]
    for thread in pollers:
        thread.start()
    time.sleep(0.3)  # every poller is going
    revoke_started = time.monotonic()
    done = subprocess.run(shlex.split(args.revoke), capture_output=True, text=True)
    revoke_returned = time.monotonic()
    deadline = revoke_returned + max(5.0, args.budget_ms / 1000 * 3)
    while time.monotonic() < deadline and len(revoked) + len(errors) < len(urls):
        time.sleep(0.01)
    stop.set()
    for thread in pollers:
        thread.join()
    for client in clients:
        client.close()

    check(done.returncode == 0, "the key is revoked", (done.stdout + done.stderr).strip()[:300])
    # The store's revoked_at (Unix ms, set just before the commit) is when the revocation began to
    # count: latencies are measured from it, so they include the commit itself (a slight overestimate).
    stamp = subprocess.run(shlex.split(args.revoked_at), capture_output=True, text=True)
    try:
        revoked_at = int(stamp.stdout.strip()) / 1000
    except ValueError:
        check(False, "the store records when the key was revoked", (stamp.stdout + stamp.stderr).strip()[:300])
        return
    # time.monotonic() -> wall clock, for comparing with revoked_at.
    offset = time.time() - time.monotonic()
    print(f"# the revoke command took {(revoke_returned - revoke_started) * 1000:.0f} ms (a separate "
          f"`portico keys revoke` process: .NET start-up, migration check, commit); it committed "
          f"{(revoke_returned + offset - revoked_at) * 1000:.0f} ms before it returned", flush=True)
    worst = 0.0
    for url in urls:
        if url in errors:
            check(False, f"{url} refuses the revoked key", f"connection error while polling: {errors[url]}")
            continue
        if url not in revoked:
            check(False, f"{url} refuses the revoked key within {args.budget_ms} ms",
                  f"still accepted {(deadline + offset - revoked_at) * 1000:.0f} ms after the revocation committed")
            continue
        at, answer = revoked[url]
        latency = (at + offset - revoked_at) * 1000
        worst = max(worst, latency)
        body = answer.body.decode("utf-8", "replace")
        check(answer.status == 401 and "revoked" in body and latency <= args.budget_ms,
              f"{url} refuses the revoked key within {args.budget_ms} ms",
              f"HTTP {answer.status} {latency:.0f} ms after the revocation committed: {body[:160]}")
    print(f"REVOCATION_WORST_MS {worst:.0f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    writes = sub.add_parser("writes")
    writes.add_argument("--url", required=True)
    writes.add_argument("--key", required=True)
    writes.add_argument("--calls", type=int, default=1000)
    writes.add_argument("--kill-at", type=int, default=300)
    writes.add_argument("--start-at", type=int, default=600)
    writes.add_argument("--rejoin-at", type=int, default=900,
                        help="calls from this one on wait until the restarted instance is ready")
    writes.add_argument("--concurrency", type=int, default=4)
    writes.add_argument("--cluster-sh", required=True)
    writes.add_argument("--instance", type=int, default=2)
    writes.add_argument("--instance-url", required=True, help="the killed instance's own MCP URL")
    writes.add_argument("--run-id", required=True)
    limit = sub.add_parser("rate-limit")
    limit.add_argument("--urls", required=True)
    limit.add_argument("--key", required=True)
    limit.add_argument("--limit", type=int, default=30)
    limit.add_argument("--run-id", required=True)
    revocation = sub.add_parser("revocation")
    revocation.add_argument("--urls", required=True)
    revocation.add_argument("--key", required=True)
    revocation.add_argument("--revoke", required=True, help="the command that revokes the key")
    revocation.add_argument("--revoked-at", required=True, help="a command printing the store's revoked_at (Unix ms)")
    revocation.add_argument("--budget-ms", type=int, default=1000)
    revocation.add_argument("--poll-ms", type=int, default=50)
    args = parser.parse_args()
    try:
        {"writes": mode_writes, "rate-limit": mode_rate_limit, "revocation": mode_revocation}[args.mode](args)
    except (RuntimeError, Retryable) as error:
        check(False, f"{args.mode}: setup", str(error))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
