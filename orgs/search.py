"""How names become searchable: one folding rule for what is stored and what is asked, and how much may be
asked at once (the same caps for the pages and the API)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from orgs.vocabulary import NodeLabel

SEARCHABLE = frozenset({NodeLabel.ORGANIZATION, NodeLabel.COUNTRY})  # the kinds whose nodes carry `search_text`
NON_WORD = re.compile(r"[^0-9a-z]+")
# What a search may ask: each word is one clause of the full-text query, and the index refuses more than
# 1,024 (a 500 before these caps). Words are counted after folding, which can split one character in two
# ("㏟" is "a m").
SEARCH_MAX_CHARS = 200
SEARCH_MAX_WORDS = 32
# How deep a search may be paged (the `skip` of the pages, the offset of an API cursor).
SEARCH_MAX_OFFSET = 1_000_000


def fold(text: str) -> str:
    """Return `text` lower-cased, without accents, with every run of punctuation turned into one space."""
    if text.isascii():  # nothing to decompose: the common case, and a bulk import folds every name
        return NON_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return NON_WORD.sub(" ", without_accents.lower()).strip()


def search_text_for(name: str, acronym: str | None = None, aliases: Iterable[str] = ()) -> str:
    """Return the text the full-text index holds for a node: every name folded, acronyms also run together."""
    names = [name, *(aliases or ())]
    if acronym:
        names.append(acronym)
    words: list[str] = []
    for each in names:
        folded = fold(each)
        words.append(folded)
        if " " in folded and len(folded) <= 16:  # "un ctc" is also searched as "unctc"
            words.append(folded.replace(" ", ""))
    return " | ".join(dict.fromkeys(word for word in words if word))


def search_problem(text: str) -> str | None:
    """Return why `text` cannot be searched for as it stands (too many characters or words), or None."""
    if len(text) > SEARCH_MAX_CHARS:
        return f"at most {SEARCH_MAX_CHARS} characters (this has {len(text):,})"
    words = len(fold(text).split())
    if words > SEARCH_MAX_WORDS:
        return f"at most {SEARCH_MAX_WORDS} words (this has {words})"
    return None


def search_words(text: str) -> list[str]:
    """Return the folded words of a search for `text`; raise ValueError (see `search_problem`) if it asks too much."""
    problem = search_problem(text)
    if problem:
        raise ValueError(problem)
    return fold(text).split()
