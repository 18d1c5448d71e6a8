"""`intake-serve`: the laptop demo. Creates and migrates the SQLite database, then serves.

Also the process-wide memory setting every server of the app makes before it serves
(here, and in gunicorn.conf.py's `on_starting`), not the app factory: it is a setting of
the process, not of an app.
"""

from __future__ import annotations

import ctypes
import os

from werkzeug.serving import make_server

from intake import create_app
from intake.cli import create_first_admin, one_time_password_notice
from intake.storage import migrations

M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value


def return_large_blocks_to_the_system() -> bool:
    """Give a sign-in's argon2 memory back to the system once the hash is done.

    A password hash takes ARGON2_MEMORY_KIB (19 MiB) in one block. glibc's malloc serves
    a block that large with mmap and unmaps it on free, but then raises its mmap threshold
    to the freed size, so from the second sign-in on the block came from the heap, and the
    heap kept it for the worker's life. Setting the threshold explicitly turns that
    adjustment off (mallopt(3)); figures in bench/HISTORY.md. It holds for this process
    and those it forks afterwards. False where mallopt does nothing (musl) or is missing
    (macOS): nothing changes there.
    """
    # The process's own symbols, libc's among them: find_library("c") would run ldconfig
    # in a subprocess.
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:
        return False
    return mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1


def prepare(app) -> str | None:
    """Bring the database schema up to date (creating the database if needed), quietly;
    on an empty database create the first administrator. The notice with their one-time
    password, or None."""
    with app.app_context():
        migrations.upgrade(app, quiet=True)
        created = create_first_admin()
        sign_in = f"http://127.0.0.1:{os.environ.get('PORT', '5000')}/clinic/login"
        return one_time_password_notice(*created, sign_in=sign_in) if created else None


def announce(port: int, notice: str | None) -> None:
    """What the person who started the server needs, printed once it listens: the
    one-time password last, so it is the last thing on the screen until a request."""
    print(f" * Open http://127.0.0.1:{port}/ in your browser. Press Ctrl+C to stop.", flush=True)
    if notice:
        rule = " " + "-" * 78
        body = "   " + notice.replace("\n", "\n   ")
        print(f"{rule}\n * First administrator account created.\n{body}\n{rule}", flush=True)


def main() -> None:
    return_large_blocks_to_the_system()
    app = create_app()
    notice = prepare(app)
    port = int(os.environ.get("PORT", "5000"))
    server = make_server("127.0.0.1", port, app, threaded=True)
    announce(port, notice)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # Ctrl+C: stop without a traceback
        server.server_close()


if __name__ == "__main__":
    main()
