"""Vietnamese text folding for search that ignores diacritics.

SQLite FTS5's remove_diacritics and PostgreSQL's unaccent do not fold "đ" to "d", so
"da nang" would miss "Đà Nẵng". Every searchable model stores `vi_fold(text)` in an indexed
`search_text` column and every search folds the query the same way.
"""

import re
import unicodedata

# "Ð" (U+00D0, Icelandic eth) is often typed for "Đ" (U+0110) by old keyboard layouts.
_D_TABLE = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d"})
_SPACES = re.compile(r"\s+")


def vi_fold(text: str | None) -> str:
    """NFC → lower case → đ to d → strip combining marks → collapse spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower().translate(_D_TABLE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


def search_q(text: str | None, field: str = "search_text"):
    """A filter matching rows whose folded `field` contains every folded word of `text`
    ("so khoa hoc cong nghe" finds "Sở Khoa học và Công nghệ")."""
    from django.db.models import Q

    q = Q()
    for word in vi_fold(text).split(" "):
        if word:
            q &= Q(**{f"{field}__contains": word})
    return q
