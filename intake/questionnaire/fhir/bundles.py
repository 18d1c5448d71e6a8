"""A `Bundle` of resources: a `collection` (an export) or a `searchset` (a search's page)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal, Mapping

from intake.questionnaire.fhir.instants import instant

BundleType = Literal["collection", "searchset"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ENTRY_ORDER = ("fullUrl", "resource", "search")


def bundle(
    entries: list[Mapping[str, Any]],
    *,
    type: BundleType,
    total: int | None = None,
    base_url: str | None = None,
    bundle_id: str | None = None,
    timestamp: datetime | None = None,
) -> dict[str, Any]:
    """A `Bundle` of resources (or of ready-made entries, dicts with a "resource" key).

    `fullUrl` is `{base_url}/{type}/{id}` when `base_url` is given (use it for the FHIR
    endpoint's searchset), else `urn:uuid:{id}` for UUID ids, else left out. A searchset
    gets `total` (default: the number of entries) and `search.mode = match`; `total` on a
    collection is an error (FHIR rule bdl-1).
    """
    _check_arguments(type, total, timestamp)
    out_entries = [_entry(given, type, base_url) for given in entries]
    out: dict[str, Any] = {"resourceType": "Bundle"}
    if bundle_id is not None:
        out["id"] = bundle_id
    out["type"] = type
    if timestamp is not None:
        out["timestamp"] = instant(timestamp, "seconds")
    if type == "searchset":
        out["total"] = len(out_entries) if total is None else total
    if out_entries:
        out["entry"] = out_entries
    return out


def _check_arguments(type: str, total: int | None, timestamp: datetime | None) -> None:
    if type not in ("collection", "searchset"):
        raise ValueError(f"bundle type must be 'collection' or 'searchset', not {type!r}")
    if total is not None and type != "searchset":
        raise ValueError("only a searchset bundle has a total")
    if timestamp is not None and (timestamp.tzinfo is None or timestamp.utcoffset() is None):
        raise ValueError("timestamp must be timezone-aware")


def _entry(given: Mapping[str, Any], type: str, base_url: str | None) -> dict[str, Any]:
    entry = dict(given) if "resource" in given else {"resource": given}
    if "fullUrl" not in entry:
        full_url = _full_url(entry["resource"], base_url)
        if full_url:
            entry["fullUrl"] = full_url
    if type == "searchset":
        entry.setdefault("search", {"mode": "match"})
    ordered = {k: entry[k] for k in _ENTRY_ORDER if k in entry}
    ordered.update({k: v for k, v in entry.items() if k not in ordered})
    return ordered


def _full_url(resource: Mapping[str, Any], base_url: str | None) -> str | None:
    """Where the resource lives: under the server's base, or as a UUID URN; else None."""
    if not resource.get("id"):
        return None
    if base_url:
        return f"{base_url.rstrip('/')}/{resource['resourceType']}/{resource['id']}"
    if _UUID.fullmatch(str(resource["id"])):
        return f"urn:uuid:{str(resource['id']).lower()}"
    return None
