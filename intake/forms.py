"""The form bases every form of the app shares: text is cleaned before any check."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import ImmutableMultiDict

from intake.security.text import clean_text


class SafeForm(FlaskForm):
    """Base of every form of the app: each field's text is cleaned first (NFC; control,
    bidirectional-override and zero-width characters dropped: intake/security/text.py),
    so nothing invisible is ever checked, stored or shown."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            # Forms are posted as forms. Flask-WTF would read a JSON body as the form,
            # with numbers, lists and nulls where every field expects text: a 500 on
            # junk. A JSON post is read as an empty form instead, and refused kindly.
            automatic = formdata is not None and not hasattr(formdata, "getlist")  # Flask-WTF's default
            if automatic and request.is_json and request.method != "GET":
                return ImmutableMultiDict()
            return super().wrap_formdata(form, formdata)

        def bind_field(self, form, unbound_field, options):
            filters = [clean_text, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)


class ButtonForm(SafeForm):
    """A form with nothing but its CSRF token, for one-button POSTs."""
