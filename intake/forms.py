"""The form bases every form of the app shares: text is cleaned before any check."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm

# Control characters other than tab and line breaks mean nothing in a form (a paste can
# bring them); they are dropped before any check, so none is ever stored or shown.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def drop_control_characters(value: Any) -> Any:
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


class SafeForm(FlaskForm):
    """Base of every form of the app: each field drops control characters first."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [drop_control_characters, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)


class ButtonForm(SafeForm):
    """A form with nothing but its CSRF token, for one-button POSTs."""
