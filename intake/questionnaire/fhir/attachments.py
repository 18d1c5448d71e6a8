"""Photos and videos in FHIR: `attachment` items in the Questionnaire's photos group (one
per standard expression, and one repeating item for the episode videos), answered in a
QuestionnaireResponse with `valueAttachment` (R4 Attachment: contentType, url, size,
hash as base64 SHA-1, title). The bytes are not inlined: `url` points at the token-
protected API, which serves and audits each file."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Iterable

from intake.questionnaire.fhir.extensions import extension
from intake.questionnaire.media import EPISODE_SLOT, EXPRESSIONS, MAX_EPISODES, MEDIA, SLOTS, expression

STEP_ID = MEDIA.id
EPISODE_TEXT = "Video of an episode"
MIME_TYPE = "http://hl7.org/fhir/StructureDefinition/mimeType"
MAX_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"


def link_id(slot: str) -> str:
    return f"{STEP_ID}.{slot}"


@dataclass(frozen=True)
class MediaAttachment:
    slot: str  # "photo.rest", ..., "episode"
    content_type: str
    size: int
    sha1_hex: str
    url: str

    def value(self) -> dict[str, Any]:
        return {
            "valueAttachment": {
                "contentType": self.content_type,
                "url": self.url,
                "size": self.size,
                "hash": base64.b64encode(bytes.fromhex(self.sha1_hex)).decode("ascii"),
                "title": title_of(self.slot),
            }
        }


def _item(slot: str, text: str, mime_types: tuple[str, ...], repeats: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": link_id(slot),
        "text": text,
        "type": "attachment",
        "extension": [extension(MIME_TYPE, "valueCode", mime) for mime in mime_types],
    }
    if repeats:
        item["repeats"] = True
        item["extension"].append(extension(MAX_OCCURS, "valueInteger", MAX_EPISODES))
    return item


def attachment_items() -> list[dict[str, Any]]:
    """The Questionnaire's attachment items, in the page's order."""
    photos = [_item(e.slot, e.title, ("image/jpeg",)) for e in EXPRESSIONS]
    return [*photos, _item(EPISODE_SLOT, EPISODE_TEXT, ("video/mp4", "video/webm"), repeats=True)]


def answered_attachments(attachments: Iterable[MediaAttachment]) -> list[dict[str, Any]]:
    """The response's attachment items: each slot once, in the Questionnaire's order."""
    by_slot: dict[str, list[MediaAttachment]] = {}
    for attachment in attachments:
        by_slot.setdefault(attachment.slot, []).append(attachment)
    return [
        {"linkId": link_id(slot), "text": title_of(slot), "answer": [a.value() for a in by_slot[slot]]}
        for slot in SLOTS
        if slot in by_slot
    ]


def title_of(slot: str) -> str:
    """An attachment's title, as its Questionnaire item's text."""
    found = expression(slot)
    return found.title if found else EPISODE_TEXT
