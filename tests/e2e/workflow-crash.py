#!/usr/bin/env python3
"""The client side of tests/e2e/workflow-crash.sh (and of bench/workflows.sh): raw MCP Streamable HTTP
against Portico, standard library only. Reuses the client of tests/e2e/scale-out.py.

  workflow-crash.py upstream  --port PORT
        a slow upstream MCP server (Streamable HTTP, JSON answers, no session): one tool, sleep
        {ms, tag}, that waits ms milliseconds and returns {slept_ms, tag}. Runs until killed.
  workflow-crash.py setup     --url MCP_URL --key KEY --definition JSON [--wait-tool NAME --urls URL,URL]
        waits (bounded) until every instance in --urls lists --wait-tool, then create_workflow with
        the definition and activate_workflow; prints the workflow id.
  workflow-crash.py start     --url MCP_URL --key KEY --workflow ID --runs N [--concurrency C]
        N execute_workflow calls (input {"n": i}); prints "STARTED n" and one "RUN id" line per run.

Exit status 0 on success, 1 when something failed (the reason on stderr), 2 on a usage error.
"""

import argparse
import importlib.util
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_spec = importlib.util.spec_from_file_location("scale_out", os.path.join(os.path.dirname(os.path.abspath(__file__)), "scale-out.py"))
scale_out = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scale_out)
McpClient, Retryable = scale_out.McpClient, scale_out.Retryable


def die(message):
    print(f"workflow-crash.py: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


# ---------------------------------------------------------------------------------------- upstream
SLEEP_TOOL = {
    "name": "sleep",
    "description": "Waits ms milliseconds, then returns {slept_ms, tag}: a step that takes time, so a crash lands mid-step.",
    "inputSchema": {
        "type": "object",
        "properties": {"ms": {"type": "integer", "minimum": 0, "maximum": 60000}, "tag": {"type": "string"}},
        "required": ["ms"],
    },
}


class UpstreamHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.reply(405)  # no server-initiated stream

    def do_DELETE(self):
        self.reply(200)

    def body(self):
        # .NET's HttpClient sends JSON content chunked, without a Content-Length.
        if "chunked" not in (self.headers.get("Transfer-Encoding") or "").lower():
            return self.rfile.read(int(self.headers.get("Content-Length", 0)))
        data = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)
            chunk = self.rfile.read(size + 2)[:size]
            if size == 0:
                return data
            data += chunk

    def do_POST(self):
        message = json.loads(self.body() or b"{}")
        if "id" not in message:
            self.reply(202)
            return
        method, params = message.get("method"), message.get("params") or {}
        if method == "initialize":
            result = {"protocolVersion": params.get("protocolVersion", "2025-11-25"), "capabilities": {"tools": {}},
                      "serverInfo": {"name": "slow", "version": "1"}}
        elif method == "tools/list":
            result = {"tools": [SLEEP_TOOL]}
        elif method == "tools/call" and params.get("name") == "sleep":
            arguments = params.get("arguments") or {}
            ms = int(arguments.get("ms", 0))
            time.sleep(ms / 1000)
            structured = {"slept_ms": ms, "tag": arguments.get("tag")}
            result = {"content": [{"type": "text", "text": json.dumps(structured)}], "structuredContent": structured}
        elif method == "ping":
            result = {}
        else:
            self.reply(200, {"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": f"no method {method}"}})
            return
        self.reply(200, {"jsonrpc": "2.0", "id": message["id"], "result": result})


def mode_upstream(args):
    server = ThreadingHTTPServer(("127.0.0.1", args.port), UpstreamHandler)
    server.daemon_threads = True
    print(f"slow upstream on http://127.0.0.1:{args.port}/mcp", flush=True)
    server.serve_forever()


# ---------------------------------------------------------------------------------------- client
def call(client, name, arguments):
    """A tools/call that must succeed: its structuredContent (one retry on a retryable failure)."""
    for attempt in (1, 2):
        try:
            answer, message = client.call_tool(name, arguments)
        except Retryable as error:
            if attempt == 2:
                die(f"{name}: {error}")
            continue
        result = (message or {}).get("result")
        if result is None or result.get("isError"):
            die(f"{name} failed: {answer.describe()}")
        return result.get("structuredContent") or {}
    return {}


def field(structured, name):
    """A field at the top of a structured result, or inside its one nested object."""
    if name in structured:
        return structured[name]
    for value in structured.values():
        if isinstance(value, dict) and name in value:
            return value[name]
    die(f"no {name} in {json.dumps(structured)[:300]}")
    return None


def mode_setup(args):
    deadline = time.monotonic() + args.wait_seconds
    for url in filter(None, (args.urls or "").split(",")):
        client = McpClient(url, args.key)
        while True:
            try:
                client.initialize()
                answer = client.post({"jsonrpc": "2.0", "id": client.next_id(), "method": "tools/list", "params": {}})
                names = {t["name"] for m in scale_out.sse_messages(answer.body) if "result" in m for t in m["result"]["tools"]} \
                    if (answer.header("content-type") or "").startswith("text/event-stream") \
                    else {t["name"] for t in json.loads(answer.body)["result"]["tools"]}
                if args.wait_tool in names:
                    break
            except (Retryable, RuntimeError, LookupError, KeyError, ValueError):
                pass
            finally:
                client.close()
                client.session_id = None
            if time.monotonic() > deadline:
                die(f"{url} did not list {args.wait_tool} within {args.wait_seconds} s")
            time.sleep(0.5)
    client = McpClient(args.url, args.key)
    client.initialize()
    created = call(client, "create_workflow", json.loads(args.definition))
    workflow = field(created, "workflow_id")
    call(client, "activate_workflow", {"workflow_id": workflow})
    print(workflow, flush=True)


def mode_start(args):
    lock = threading.Lock()
    state = {"next": 0}
    runs = []
    failures = []

    def worker():
        client = McpClient(args.url, args.key)
        client.initialize()
        while True:
            with lock:
                index = state["next"]
                if index >= args.runs:
                    return
                state["next"] += 1
            try:
                answer, message = client.call_tool("execute_workflow", {"workflow_id": args.workflow, "input": {"n": index}})
                result = (message or {}).get("result") or {}
                if result.get("isError") or "structuredContent" not in result:
                    raise RuntimeError(answer.describe())
                run = field(result["structuredContent"], "run_id")
                with lock:
                    runs.append(run)
            except (Retryable, RuntimeError) as error:
                with lock:
                    failures.append(f"run {index}: {error}")

    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"STARTED {len(runs)} in {time.monotonic() - started:.1f} s", flush=True)
    for run in runs:
        print(f"RUN {run}")
    for failure in failures[:5]:
        print(f"start failed: {failure}", file=sys.stderr)
    sys.exit(0 if not failures else 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = parser.add_subparsers(dest="mode", required=True)
    upstream = modes.add_parser("upstream")
    upstream.add_argument("--port", type=int, required=True)
    setup = modes.add_parser("setup")
    setup.add_argument("--url", required=True)
    setup.add_argument("--key", required=True)
    setup.add_argument("--definition", required=True)
    setup.add_argument("--urls", default="")
    setup.add_argument("--wait-tool", default="")
    setup.add_argument("--wait-seconds", type=float, default=90)
    start = modes.add_parser("start")
    start.add_argument("--url", required=True)
    start.add_argument("--key", required=True)
    start.add_argument("--workflow", required=True)
    start.add_argument("--runs", type=int, required=True)
    start.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    {"upstream": mode_upstream, "setup": mode_setup, "start": mode_start}[args.mode](args)


if __name__ == "__main__":
    main()
