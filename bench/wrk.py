"""Run wrk with a generated Lua script and read its figures."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

LUA = """
local sessions = {%(sessions)s}
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  index = id - 1
end
request = function()
  if #sessions == 0 then
    return wrk.format("%(method)s", "%(path)s")
  end
  index = index %% #sessions + 1
  local s = sessions[index]
  index = index + %(threads)d - 1
  return wrk.format("%(method)s", "%(path)s", {
    ["Cookie"] = "%(cookie_name)s=" .. s[1],
    ["Content-Type"] = "application/x-www-form-urlencoded"}, s[2])
end
"""


def require() -> None:
    """Stop before any set-up, with what to do, when wrk is not installed."""
    if shutil.which("wrk") is None:
        raise SystemExit(
            "bench/run.py drives the app with wrk, which is not installed here: "
            "apt-get install -y wrk (Debian and Ubuntu), then run it again."
        )


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run(
    url: str,
    path: str,
    *,
    method: str = "GET",
    sessions: list[dict] | None = None,
    connections: int = 16,
    threads: int = 2,
    seconds: int = 10,
    cookie_name: str = "intake_session",
) -> dict:
    rows = ",".join(
        "{%s,%s}" % (_lua_string(s["cookie"]), _lua_string(s.get("body", ""))) for s in sessions or []
    )
    script = LUA % {
        "sessions": rows,
        "method": method,
        "path": path,
        "threads": threads,
        "cookie_name": cookie_name,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", lua.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse(out)


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse(out: str) -> dict:
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "errors": (int(bad.group(1)) if bad else 0) + (sum(map(int, socket.groups())) if socket else 0),
    }
