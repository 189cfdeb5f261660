"""Search in the register: code, title and content of every version, ignoring diacritics (đ included).

`search_versions(user, text, kind=, status=, unit=)` returns the visible versions whose folded
`search_text` holds every folded word of `text` (`eiso.core.text.search_q`), newest first.
`highlight(text, query)` marks the words of the query in the original (accented) text: folding keeps
one character per character (NFC → strip marks, đ → d), so positions found in the folded text map
back onto the original.
"""

from __future__ import annotations

import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe

from eiso.core.text import vi_fold
from eiso.documents.models import DocumentVersion

_D = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d"})


def search_versions(user, text: str = "", *, kind: str = "", status: str = "", unit=None, current_only=False):
    rows = DocumentVersion.objects.visible_to(user).search(text)
    if kind:
        rows = rows.filter(document__kind=kind)
    if status:
        rows = rows.filter(status=status)
    if unit is not None:
        rows = rows.filter(document__owner_unit=unit)
    if current_only:
        rows = rows.exclude(status__in=("superseded", "withdrawn"))
    return (
        rows.select_related("document", "document__owner_unit")
        .defer("text", "search_text")
        .order_by("-created_at", "-pk")
    )


def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch.lower().translate(_D))
    return "".join(c for c in decomposed if not unicodedata.combining(c))[:1] or " "


def _folded(text: str) -> str:
    return "".join(_fold_char(ch) for ch in unicodedata.normalize("NFC", text))


def highlight(text: str, query: str, width: int = 160) -> str:
    """An HTML excerpt of `text` around the first hit with every word of `query` in <mark>."""
    text = unicodedata.normalize("NFC", text or "")
    words = [w for w in vi_fold(query).split(" ") if w]
    if not text:
        return ""
    folded = _folded(text)
    spans = []
    for word in words:
        start = folded.find(word)
        while start != -1:
            spans.append((start, start + len(word)))
            start = folded.find(word, start + len(word))
    if not spans:
        return escape(text[:width]) + ("…" if len(text) > width else "")
    spans.sort()
    first = spans[0][0]
    lo = max(0, first - width // 3)
    hi = min(len(text), lo + width)
    out, pos = [], lo
    for start, end in spans:
        if end <= pos or start >= hi:
            continue
        start = max(start, pos)
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:hi]))
    return mark_safe(("…" if lo else "") + "".join(out) + ("…" if hi < len(text) else ""))  # noqa: S308 - escaped
