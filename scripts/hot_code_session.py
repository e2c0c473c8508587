"""One ordinary host session through a bridge, for scripts/hot-code.sh to record which functions it runs.

Usage: hot_code_session.py CALLS -- BRIDGE_COMMAND...

A legacy host (initialize, 2025-06-18): the handshake, the lists a host asks for at start, CALLS tool calls, a ping,
then end of input, which ends the bridge. Fails if any request goes unanswered or the bridge exits non-zero.
"""

import json
import subprocess
import sys


def main():
    calls = int(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1:]
    bridge = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def ask(request_id, method, params=None):
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        bridge.stdin.write((json.dumps(message) + "\n").encode())
        bridge.stdin.flush()
        while True:
            line = bridge.stdout.readline()
            if not line:
                raise SystemExit(f"the bridge closed stdout before answering {method}")
            answer = json.loads(line)
            if answer.get("id") == request_id and "method" not in answer:
                if "error" in answer:
                    raise SystemExit(f"{method}: {answer['error']}")
                return answer

    ask("init", "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                               "clientInfo": {"name": "hot-code", "version": "1"}})
    bridge.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    for method in ("tools/list", "prompts/list", "resources/list"):
        ask(method, method)
    for number in range(calls):
        ask(f"call-{number}", "tools/call", {"name": "echo", "arguments": {"text": "hello"}})
    ask("ping", "ping")
    bridge.stdin.close()
    if bridge.wait() != 0:
        raise SystemExit(f"the bridge exited with {bridge.returncode}")


main()
