"""How names become searchable: one folding rule for what is stored and what is asked."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

NON_WORD = re.compile(r"[^0-9a-z]+")


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
