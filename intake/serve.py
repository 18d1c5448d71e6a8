"""`intake-serve`: the laptop demo. Creates and migrates the SQLite database, then serves."""

from __future__ import annotations

import os

from flask_migrate import upgrade

from . import create_app


def prepare(app) -> None:
    """Bring the database schema up to date (creating the database if needed)."""
    with app.app_context():
        upgrade()


def main() -> None:
    app = create_app()
    prepare(app)
    port = int(os.environ.get("PORT", "5000"))
    print(f" * Open http://127.0.0.1:{port}/ in your browser. Press Ctrl+C to stop.", flush=True)
    app.run(host="127.0.0.1", port=port, threaded=True, debug=False, load_dotenv=False)


if __name__ == "__main__":
    main()
