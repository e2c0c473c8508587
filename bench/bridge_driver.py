"""Drives one stdio bridge the way a desktop app does and prints one Markdown table row.

Usage: bridge_driver.py LABEL MCP_URL TOKEN CALLS [--modern-server] -- BRIDGE_COMMAND...

The driver is a legacy host (initialize, 2025-06-18). With --modern-server the server speaks only 2026-07-28, so
the bridge translates, and the direct calls it is compared with are 2026-07-28 requests (`_meta`, headers).

Measures, against the same server:
  start     process start to the first `initialize` answer (median of 10 launches)
  latency   sequential tools/call round trips through the bridge (p50, p99), and the same calls made
            directly over one keep-alive HTTP connection, whose p50 is subtracted to get what the bridge adds
  rate      tools/call per second with 16 requests in flight
  memory    the bridge's peak resident set (VmHWM) after all of the above, and its anonymous memory (what each
            further copy of the bridge costs; its code is shared through the page cache)
"""

import http.client
import json
import statistics
import subprocess
import sys
import time
import urllib.parse

INIT = {
    "jsonrpc": "2.0", "id": "init", "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}},
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def call(request_id):
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call",
            "params": {"name": "echo", "arguments": {"text": "hello, benchmark"}}}


class Bridge:
    def __init__(self, command):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)

    def send(self, message):
        self.process.stdin.write((json.dumps(message, separators=(",", ":")) + "\n").encode())
        self.process.stdin.flush()

    def answer(self, request_id):
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"the bridge closed stdout before answering {request_id}")
            message = json.loads(line)
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"error answer: {message['error']}")
                return message

    def peak_rss_mib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def private_mib(self):
        """What each further copy of the bridge costs: its anonymous memory (heap, stacks, thread arenas, and the
        pages of its own data it wrote, such as relocated pointers). Its code is not counted: the page cache holds
        one copy for every process that runs the same file (static binary or shared library). Private_Clean and
        Private_Dirty are not used: they count code pages as "private" while only one process maps them, and as
        "dirty" while the file was written recently (a binary just stripped)."""
        with open(f"/proc/{self.process.pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Anonymous:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main():
    label, url, token, calls = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    modern_server = "--modern-server" in sys.argv[5:sys.argv.index("--")]
    command = sys.argv[sys.argv.index("--") + 1:]

    starts = []
    for _ in range(10):
        began = time.perf_counter()
        bridge = Bridge(command)
        bridge.send(INIT)
        bridge.answer("init")
        starts.append(time.perf_counter() - began)
        bridge.close()

    bridge = Bridge(command)
    bridge.send(INIT)
    bridge.answer("init")
    bridge.send(INITIALIZED)
    for index in range(100):
        bridge.send(call(index))
        bridge.answer(index)
    through_bridge = []
    for index in range(calls):
        began = time.perf_counter()
        bridge.send(call(index))
        bridge.answer(index)
        through_bridge.append(time.perf_counter() - began)

    # 16 in flight: a new request goes out as each answer comes back.
    total = calls * 2
    sent = 0
    began = time.perf_counter()
    for _ in range(16):
        bridge.send(call(f"r{sent}"))
        sent += 1
    received = 0
    while received < total:
        line = bridge.process.stdout.readline()
        message = json.loads(line)
        if "method" in message:
            continue
        if "error" in message:
            raise RuntimeError(f"error answer: {message['error']}")
        received += 1
        if sent < total:
            bridge.send(call(f"r{sent}"))
            sent += 1
    rate = total / (time.perf_counter() - began)
    memory = bridge.peak_rss_mib()
    private = bridge.private_mib()
    bridge.close()

    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port)
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
               "Authorization": f"Bearer {token}", "MCP-Protocol-Version": "2025-06-18"}
    if modern_server:
        headers.update({"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "echo"})
    direct = []
    for index in range(100 + calls):
        message = call(index)
        if modern_server:
            message["params"]["_meta"] = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                                          "io.modelcontextprotocol/clientCapabilities": {}}
        body = json.dumps(message)
        began = time.perf_counter()
        connection.request("POST", parsed.path, body, headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"direct call: HTTP {response.status}")
        if index >= 100:
            direct.append(time.perf_counter() - began)

    p50 = statistics.median(through_bridge) * 1e3
    added = p50 - statistics.median(direct) * 1e3
    print(f"| {label} | {statistics.median(starts) * 1e3:.1f} | {p50:.3f} | {percentile(through_bridge, 0.99) * 1e3:.3f} "
          f"| {added:.3f} | {rate:,.0f} | {memory:.1f} | {private:.1f} |", flush=True)


if __name__ == "__main__":
    main()
