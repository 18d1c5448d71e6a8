"""Pages rendered once, with holes filled on each request.

Most of a questionnaire page never changes between patients: texts, hints, options,
the layout. Rendering it through Jinja macros for every request cost most of a step
page's time, so such a page is rendered once per key (step, language, ...) with a
marker wherever something per-request goes (an answer, an error, the CSRF token). Each
marker holds a fill function; a request only joins the fixed text with what its fills
return. Fills must escape what they return: it goes into the page as HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Hashable

from markupsafe import Markup

Fill = Callable[[Any], str]

# Private-use characters: neither the app's texts nor its translations contain them, and
# what a patient types only ever goes into a hole, never into the compiled text.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


class Holes:
    """Hands out markers while a page is compiled and remembers each one's fill."""

    def __init__(self) -> None:
        self.fills: list[Fill] = []

    def __call__(self, fill: Fill) -> Markup:
        self.fills.append(fill)
        # Two private-use characters around a number: nothing from a request is in it.
        return Markup(f"{_OPEN}{len(self.fills) - 1}{_CLOSE}")  # nosec B704 # constant text only


@dataclass(frozen=True)
class CompiledPage:
    """Fixed texts with a fill between each two; rendering joins them for one request."""

    texts: tuple[str, ...]  # one more than fills
    fills: tuple[Fill, ...]

    def render(self, state: Any) -> str:
        out = [self.texts[0]]
        for fill, text in zip(self.fills, self.texts[1:], strict=True):
            out.append(fill(state))
            out.append(text)
        return "".join(out)


def compile_page(render: Callable[[Holes], str]) -> CompiledPage:
    """Run `render` once with a fresh `Holes` and split its output at the markers."""
    holes = Holes()
    # re.split with one group alternates: text, marker number, text, ... ending with text.
    pieces = _MARKER.split(render(holes))
    return CompiledPage(tuple(pieces[0::2]), tuple(holes.fills[int(n)] for n in pieces[1::2]))


class PageCache:
    """Compiled pages by key. With `enabled` off (templates reloading in development),
    every request compiles afresh so an edited template shows at once."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._pages: dict[Hashable, CompiledPage] = {}

    def get(self, key: Hashable, render: Callable[[Holes], str]) -> CompiledPage:
        if not self.enabled:
            return compile_page(render)
        page = self._pages.get(key)
        if page is None:
            # Two requests racing here both compile; the results are equal, either is kept.
            page = self._pages[key] = compile_page(render)
        return page

    def __len__(self) -> int:
        return len(self._pages)
