"""An `OperationOutcome`: how a FHIR server says what went wrong."""

from __future__ import annotations

from typing import Any

ISSUE_SEVERITIES = frozenset({"fatal", "error", "warning", "information"})
ISSUE_TYPES = frozenset(
    {
        "invalid", "structure", "required", "value", "invariant", "security", "login",
        "unknown", "expired", "forbidden", "suppressed", "processing", "not-supported",
        "duplicate", "multiple-matches", "not-found", "deleted", "too-long",
        "code-invalid", "extension", "too-costly", "business-rule", "conflict",
        "transient", "lock-error", "no-store", "exception", "timeout", "incomplete",
        "throttled", "informational",
    }
)  # fmt: skip


def operation_outcome(severity: str, code: str, diagnostics: str) -> dict[str, Any]:
    """An `OperationOutcome` with one issue, e.g. ("error", "login", "Missing token")."""
    if severity not in ISSUE_SEVERITIES:
        raise ValueError(f"unknown issue severity {severity!r}")
    if code not in ISSUE_TYPES:
        raise ValueError(f"unknown issue type {code!r}")
    if not diagnostics:
        raise ValueError("diagnostics must not be empty")
    return {
        "resourceType": "OperationOutcome",
        "text": {
            "status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{_escape_xhtml(diagnostics)}</p></div>',
        },
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


def _escape_xhtml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
