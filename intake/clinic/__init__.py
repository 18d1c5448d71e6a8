"""The clinicians' workspace, blueprint "clinician" under /clinic.

- blueprint.py      the blueprint and its gate (deny by default), the signed-in clinician
- views.py          sign-in, password, the list, one summary, review status, notes
- second_factor.py  the second step of signing in, and setting it up
- admin.py          accounts and the audit trail (admins only)
- attention.py      Needs attention: red-flag drafts and callback requests
- exports.py        CSV and FHIR downloads, streamed; csv_rows.py builds their rows
- accounts.py       clinician accounts, passwords, sessions (use-cases, no routes)
- mfa.py            TOTP codes and recovery codes
- workspace.py      use-cases on submitted forms: names, review work, notes
- forms.py          the workspace's forms

May import: intake.questionnaire, intake.storage, intake.security and the shared
top-level modules (intake.listing for the list); never intake.patient or intake.fhir.
"""

# Each route module attaches its routes to the one blueprint.
from intake.clinic import admin, attention, exports, media, second_factor, views  # noqa: F401
from intake.clinic.blueprint import ERROR_PAGES, bp

__all__ = ["ERROR_PAGES", "bp"]
