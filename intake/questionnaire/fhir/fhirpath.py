"""FHIRPath text the Questionnaire's expressions are built from."""

from __future__ import annotations


def string_literal(text: str) -> str:
    """A FHIRPath string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def answers_to(link_id: str) -> str:
    """The answers given to one item, anywhere in the response."""
    return f"%resource.repeat(item).where(linkId = {string_literal(link_id)}).answer"
