"""intake/serve.py: after a sign-in's argon2 hash, its 19 MiB go back to the system.

Each case runs in a fresh process and reads its own resident memory after hashing twice
with the app's settings: glibc's malloc kept the second hash's block in the heap."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc and mallopt")

HASH_TWICE = """
import os, re, sys
from pathlib import Path
from argon2.low_level import Type, hash_secret

def resident_mb():
    return int(re.search(r"VmRSS:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024

if sys.argv[1] == "set here":
    from intake.serve import return_large_blocks_to_the_system
    assert return_large_blocks_to_the_system()
elif sys.argv[1] == "gunicorn's start, then fork":  # as gunicorn's master and a worker
    import runpy
    from types import SimpleNamespace
    server = SimpleNamespace(app=SimpleNamespace(app_uri="intake:create_app()"))
    runpy.run_path("gunicorn.conf.py")["on_starting"](server)
    from intake import create_app
    create_app("testing")
    worker = os.fork()
    if worker:
        sys.exit(os.waitstatus_to_exitcode(os.waitpid(worker, 0)[1]))
before = resident_mb()
for _ in range(2):  # ARGON2_MEMORY_KIB: 19 MiB
    hash_secret(b"a password", b"sixteen byte salt", time_cost=1, memory_cost=19456, parallelism=1,
                hash_len=32, type=Type.ID)
print(resident_mb() - before)
"""


def kept_mb(mode: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", HASH_TWICE, mode], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(out.stdout)


def test_without_it_the_second_hash_stays_resident():
    # Why the module exists: glibc raised its mmap threshold after the first hash.
    assert kept_mb("not set") > 15


def test_with_it_both_hashes_give_their_memory_back():
    assert kept_mb("set here") < 3


def test_a_worker_forked_by_gunicorns_master_gives_it_back():
    assert kept_mb("gunicorn's start, then fork") < 3
