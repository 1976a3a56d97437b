"""Text rules: NFC storage, accent folding (đ→d) for search, and sanitising officer input."""

from __future__ import annotations

import re
import unicodedata

_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})
_TOKEN_RE = re.compile(r"[0-9a-z]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC, the only form stored."""
    return unicodedata.normalize("NFC", text)


def clean(text: str | None) -> str:
    """NFC, control characters removed, whitespace collapsed and trimmed."""
    if not text:
        return ""
    text = _CONTROL_RE.sub("", nfc(text))
    return " ".join(text.split())


def _slow_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().translate(_FOLD_TABLE)


# Precomputed for every Latin letter with diacritics (Vietnamese lives in U+00C0–U+024F and U+1E00–U+1EFF),
# so folding a name is one `str.translate` instead of a per-character Unicode walk.
_FAST_TABLE = {cp: _slow_fold(chr(cp)) for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))}
_FAST_TABLE.update({ord(k): v for k, v in {"đ": "d", "Đ": "d"}.items()})


def fold(text: str | None) -> str:
    """Lower-case ASCII form for search: strips every diacritic and maps đ/Đ to d."""
    if not text:
        return ""
    folded = text.translate(_FAST_TABLE).lower()
    if not folded.isascii():  # combining marks (NFD input) or other scripts: take the exact path
        folded = _slow_fold(folded)
    return " ".join(folded.split())


def tokens(text: str | None) -> list[str]:
    """Folded alphanumeric tokens, safe to quote into an FTS5 MATCH."""
    return _TOKEN_RE.findall(fold(text))
