"""Waiting-room tablets (issue 28, part 9), when KIOSK_MODE is on.

One device, one patient after another: the session is cleared when the patient hands the
tablet back, or when a patient page has been left alone for KIOSK_IDLE_SECONDS (the page's
script warns a minute before and clears it on time; the server clears it on the next
request in case the script could not). Nothing of the previous patient stays reachable:
every page is no-store, so Back asks the server again, and the server no longer knows
the draft. The resume link and the printable copy are never shown on such a device; the
link can be emailed to the patient's own address.
"""

from __future__ import annotations

import time

from flask import abort, current_app, flash, redirect, session, url_for
from flask_babel import gettext as _

from intake.forms import ButtonForm

SEEN = "kiosk_seen"


def on() -> bool:
    return bool(current_app.config["KIOSK_MODE"])


def forget_an_idle_patient() -> None:
    """Before each patient request: a session idle too long is the last patient's."""
    if not on():
        return
    now, seen = time.time(), session.get(SEEN)
    # A minute's grace: the page's own script clears it on time, with a token of this session.
    if seen is not None and now - seen > current_app.config["KIOSK_IDLE_SECONDS"] + 60:
        session.clear()
    session[SEEN] = now


def hand_back(thanks: str | None = None):
    """Clear this device's session and start again at the welcome page."""
    session.clear()
    if thanks:
        flash(thanks)
    return redirect(url_for("patient.welcome"))


def register(bp) -> None:
    bp.before_request(forget_an_idle_patient)

    @bp.post("/hand-back")
    def kiosk_hand_back():
        _only_on_a_tablet()
        return hand_back(_("Thank you. Please give the tablet back at the reception desk."))

    @bp.post("/kiosk/reset")
    def kiosk_reset():
        """The idle page's script: the patient walked away."""
        _only_on_a_tablet()
        return hand_back()


def _only_on_a_tablet() -> None:
    if not on() or not ButtonForm().validate_on_submit():
        abort(404)
