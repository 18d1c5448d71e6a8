"""Text as people typed it, without what they cannot see: every form's input passes
through `clean_text` before any check (intake/forms.py), names and usernames before they
are compared or hashed, and every value a template writes on its way out (for rows stored
before this rule).

Dropped: control characters other than tab and line breaks (a paste can bring them);
the bidirectional overrides and isolates (U+202A-202E, U+2066-2069), which can show a
name or an answer reversed on the summary, the dashboard or the CSV; and the invisible
zero-width space, word joiner and byte-order mark (U+200B, U+2060, U+FEFF), which make
"Ana" and "Ana\u200b" two names. Kept: the zero-width joiner and non-joiner, which
emoji and some scripts need. Then NFC, so that one letter is one code point sequence.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from markupsafe import Markup

UNSEEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")


def clean_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", UNSEEN.sub("", value))


def clean_output(value: Any) -> Any:
    """Jinja's `finalize`: what a template writes loses the same characters. Markup stays
    Markup (taking characters out of it can add no tag)."""
    if isinstance(value, Markup):
        return Markup(UNSEEN.sub("", value)) if UNSEEN.search(value) else value  # nosec B704 # only removes characters
    return clean_text(value) if isinstance(value, str) and UNSEEN.search(value) else value


def comparable(value: str) -> str:
    """One form of a name or username for comparing and hashing: cleaned, compatibility
    forms folded (NFKC: full-width letters, ligatures), case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", clean_text(value)).casefold().split())
