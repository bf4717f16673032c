"""How text fields are cut into tokens: the one definition the evaluator and the database backend share.

Lower-cased (``casefold``), accents folded (``Économie`` is ``economie``), split on anything that is not a
letter or digit, and English plural and possessive endings folded (``courses`` → ``course``, ``studies``
→ ``study``, ``edX's`` → ``edx``). No stop words are dropped and no other suffixes are stemmed: that is
what PostgreSQL and SQLite FTS5 can both index identically when they store these tokens (ADR 0090).
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")
_POSSESSIVE = re.compile(r"['\u2019]s\b")


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text``; what wildcards and prefixes are matched against."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order, before stemming."""
    return _WORD.findall(_POSSESSIVE.sub("", fold(text)))


def stem(word: str) -> str:
    """Fold an English plural ending; other words are returned unchanged."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The analysed tokens of ``text``, in order: what a text field holds and what a query word looks for."""
    return [stem(word) for word in words(text)]
