"""`intake-serve`: the laptop demo. Creates and migrates the SQLite database, then serves."""

from __future__ import annotations

import os

from intake import create_app, migrations
from intake.cli import create_first_admin, one_time_password_notice


def prepare(app) -> None:
    """Bring the database schema up to date (creating the database if needed), and on an
    empty database create the first administrator and print their one-time password."""
    with app.app_context():
        migrations.upgrade(app)
        created = create_first_admin()
        sign_in = f"http://127.0.0.1:{os.environ.get('PORT', '5000')}/clinic/login"
        notice = one_time_password_notice(*created, sign_in=sign_in) if created else None
    if notice:
        print(" * First administrator account created.", flush=True)
        print("   " + notice.replace("\n", "\n   "), flush=True)


def main() -> None:
    app = create_app()
    prepare(app)
    port = int(os.environ.get("PORT", "5000"))
    print(f" * Open http://127.0.0.1:{port}/ in your browser. Press Ctrl+C to stop.", flush=True)
    app.run(host="127.0.0.1", port=port, threaded=True, debug=False, load_dotenv=False)


if __name__ == "__main__":
    main()
