"""Read a source's text into the names it mentions and the relationships it states, by the rules of
`orgs/cue_phrases.yaml`.

spaCy's blank English pipeline (no model, no download) splits sentences and tokens and matches phrases; the rest
is rules: a name is a run of capitalised words that ends in a head word ("… Committee", "… Task Force") or an
acronym, or a lower-case head after "the" ("the task force on …"); a relationship is a cue phrase between
names ("A collaborates with B, C and D"), or the shape of a name ("UN Counter-Terrorism Committee" is part of the
UN, "Meeting of the Task Force" was organized by it), or of a page ("Coordinator: Turkey", "• Topic (Country)").
The reader sees no graph: `orgs.ingest.matching` matches its names to nodes afterwards.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.tokens import Span as TokenSpan
from spacy.util import filter_spans

from orgs.ingest.reading import Entity, Proposal, Reading, Span, proposal_key
from orgs.ingest.rules import Cue, Head, Rules, folded, reader_rules
from orgs.vocabulary import RELATIONSHIP_TYPES, Confidence, NodeLabel

ORG, COUNTRY, EVENT, DOCUMENT = (
    label.value for label in (NodeLabel.ORGANIZATION, NodeLabel.COUNTRY, NodeLabel.EVENT, NodeLabel.DOCUMENT)
)
ARTICLES = frozenset({"the", "a", "an"})
CORE_JOINERS = frozenset({"and", "&"})  # "Information and Coordination Centre" is one core
BULLETS = "•·▪‣◦*-–"
ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$")
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,}$|^[A-Z][a-z]?[A-Z]{1,}$")  # CODEXTER, RCC, CoE
PROSE_WORDS = 12  # a line of at least this many words ending in a full stop is prose, not a heading
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(rf"\b(?:(?P<day>\d{{1,2}})\s+)?(?:(?P<month>{MONTHS})\s+)?(?P<year>(?:19|20)\d\d)\b")
DATE_CUES = frozenset({"in", "on", "since", "from"})
MAX_PASSAGE_TOKENS = 14
QUOTES = frozenset('"“”«»')
QUOTED_NAME_WITHIN = 12  # tokens: the joint exercise "Peace Mission 2007"


@functools.cache
def _pipeline() -> Language:
    """Return spaCy's blank English pipeline with its rule-based sentence splitter (loaded once)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@functools.cache
def _matchers() -> tuple[PhraseMatcher, PhraseMatcher, dict[str, Cue], dict[str, str]]:
    """Return the phrase matchers of the cues and of the countries' names, with what each match id means."""
    nlp, rules = _pipeline(), reader_rules()
    cues = PhraseMatcher(nlp.vocab, attr="LOWER")
    cue_of: dict[str, Cue] = {}
    for index, cue in enumerate(rules.cues):
        cue_of[f"cue{index}"] = cue
        cues.add(f"cue{index}", [nlp.make_doc(" ".join(cue.say))])
    countries = PhraseMatcher(nlp.vocab, attr="ORTH")
    code_of: dict[str, str] = {}
    for name, code in rules.country_names.items():
        code_of[f"country-{code}"] = code
        countries.add(f"country-{code}", [nlp.make_doc(name)])
    return cues, countries, cue_of, code_of


@dataclass(eq=False)
class _Mention:
    """One naming of a node in a sentence: tokens [start, end) of the line's doc."""

    start: int
    end: int
    label: str
    kind: str | None
    name: str
    head: tuple[str, ...] = ()
    acronym: str | None = None
    country: str | None = None  # ISO code
    reference: bool = False  # "the Center": means a node named elsewhere
    nested_in: _Mention | None = None
    group: int = -1  # the entity it belongs to, once grouped
    core_end: int = -1  # where its core (the words before its first connector, with its head) ends


@dataclass(eq=False)
class _CueAt:
    start: int
    end: int
    cue: Cue


@dataclass
class _Tie:
    relationship_type: str
    start: _Mention
    end: _Mention
    passage: tuple[int, int]  # character offsets
    confidence: str
    qualifier: str | None
    rule: str
    sentence: tuple[int, int]
    since: str | None = None


@dataclass
class _Sentence:
    doc: Doc
    span: TokenSpan
    offset: int  # of the line in the text
    mentions: list[_Mention] = field(default_factory=list)
    cues: list[_CueAt] = field(default_factory=list)

    def chars(self, start: int, end: int) -> tuple[int, int]:
        """Return the text's character offsets of tokens [start, end)."""
        return self.offset + self.doc[start].idx, self.offset + self.doc[end - 1].idx + len(self.doc[end - 1].text)


def read_source(text: str, *, title: str = "", publisher: str | None = None) -> Reading:
    """Return the reading of `text`: the bodies, countries, events and documents it names (grouped by what they
    mean, new ones with the name, acronym and kind the text gives) and the relationships it states between
    them, each with its passage. `publisher` is the body that published the page (its breadcrumb's parent)."""
    return _Reader(text, publisher or "").read()


class _Reader:
    def __init__(self, text: str, publisher: str):
        self.text = text
        self.publisher = publisher
        self.rules: Rules = reader_rules()
        self.mentions: list[_Mention] = []
        self.ties: list[_Tie] = []
        self.subject: _Mention | None = None
        self.subject_parent: _Mention | None = None
        self.sentences: list[_Sentence] = []
        self.spans: dict[int, tuple[int, int]] = {}  # id(mention): its character span, for page-made ones
        self.heading_continuation: set[int] = set()

    # --- the whole text ---------------------------------------------------------------------------------
    def read(self) -> Reading:
        lines = [(match.start(), match.group()) for match in re.finditer(r"[^\n]+", self.text) if match.group().strip()]
        heading_done = False
        for number, (offset, line) in enumerate(lines):
            stripped = line.strip()
            if stripped.count("|") >= 2:  # a navigation bar
                continue
            prose = len(stripped.split()) >= PROSE_WORDS and stripped.endswith(".")
            heading_done = heading_done or prose
            if offset in self.heading_continuation:
                continue  # the second line of a two-line heading: part of the subject's name
            following = lines[number + 1] if number + 1 < len(lines) else (len(self.text), "")
            self._read_line(offset, line, heading=not heading_done, next_line=following)
        return self._reading()

    def _read_line(self, offset: int, line: str, *, heading: bool, next_line: tuple[int, str]) -> None:
        rules = self.rules
        body, body_offset = line, offset
        label = re.match(r"^\s*([A-Za-z][A-Za-z ]{1,30}):(?!:)\s*", line)
        labelled_type = None
        if label:
            labelled_type = rules.line_labels.get(folded(label.group(1)))
            body, body_offset = line[label.end() :], offset + label.end()
        crumbs = body.split("::")
        if len(crumbs) > 1:
            body = crumbs[0]
        bullet = body.lstrip()[:1] in BULLETS and body.lstrip()[1:2] == " "
        if bullet:
            cut = len(body) - len(body.lstrip()) + 2
            body, body_offset = body[cut:], body_offset + cut
        doc = _pipeline()(body)
        sentences = [self._sentence(doc, span, body_offset) for span in doc.sents]
        if heading and self.subject is None:
            self._subject_from_heading(sentences, crumbs, next_line)
        if labelled_type and self.subject is not None:
            for sentence in sentences:
                for mention in sentence.mentions:
                    if mention.nested_in is None:
                        self._tie(
                            labelled_type,
                            mention,
                            self.subject,
                            sentence,
                            (offset, offset + len(line.rstrip())),
                            Confidence.STATED,
                            label.group(1) if label else None,
                            "line label",
                        )
        if bullet and self.subject is not None and sentences:
            self._bullet(sentences[0])
        if heading or label or bullet:
            for sentence in sentences:
                self._heading_event(sentence)
                self._event_line_places(sentence)
        for sentence in sentences:
            self._sentence_ties(sentence)

    # --- names --------------------------------------------------------------------------------------------
    def _sentence(self, doc: Doc, span: TokenSpan, offset: int) -> _Sentence:
        sentence = _Sentence(doc, span, offset)
        cue_matcher, country_matcher, cue_of, code_of = _matchers()
        found: list[tuple[str, Any, int, int]] = []
        for match_id, start, end in cue_matcher(doc[span.start : span.end]):
            found.append(("cue", cue_of[doc.vocab.strings[match_id]], start, end))  # doc offsets
        for match_id, start, end in country_matcher(doc[span.start : span.end]):
            found.append(("country", code_of[doc.vocab.strings[match_id]], start, end))
        kept = {(s.start, s.end) for s in filter_spans([doc[start:end] for _, _, start, end in found])}
        claimed = [False] * len(doc)
        for what, value, start, end in sorted(found, key=lambda item: item[2]):
            if (start, end) not in kept or any(claimed[start:end]):
                continue
            if what == "country" and not doc[start].text[:1].isupper():
                continue
            if what == "cue" and doc[start].text[:1].isupper() and start != span.start:
                continue  # "… Against Organized Crime": a cue's words inside a name
            for index in range(start, end):
                claimed[index] = True
            if what == "cue":
                sentence.cues.append(_CueAt(start, end, value))
            else:
                code = str(value)
                sentence.mentions.append(
                    _Mention(
                        start,
                        end,
                        COUNTRY,
                        None,
                        self.rules.country_display.get(code, doc[start:end].text),
                        country=code,
                    )
                )
        self._names(sentence, claimed)
        sentence.mentions.sort(key=lambda mention: (mention.start, -mention.end))
        self.sentences.append(sentence)
        self.mentions.extend(sentence.mentions)
        return sentence

    def _names(self, sentence: _Sentence, claimed: list[bool]) -> None:
        """Find the capitalised names and the lower-case heads after "the" in `sentence`, with what they hold."""
        doc = sentence.doc
        index, stop = sentence.span.start, sentence.span.end
        while index < stop:
            token = doc[index]
            if claimed[index] or not _starts_name(token):
                index += 1
                continue
            end = self._capitalised_run(doc, index, stop, claimed)
            while index < end and doc[index].lower_ in ARTICLES:
                index += 1
            if index == end:
                continue  # "The center …": a lower-case head, read by _lower_case_heads
            end = self._lower_head(doc, index, end, stop, claimed)
            for part_start, part_end in self._and_parts(doc, index, end):
                self._name(sentence, part_start, part_end, claimed)
            index = max(end, index + 1)
            while (
                index < stop
                and claimed[index]
                and not any(m.start <= index < m.end for m in sentence.mentions if m.label == COUNTRY)
                and index < len(doc)
                and any(m.start <= index < m.end for m in sentence.mentions)
            ):
                index += 1
        self._lower_case_heads(sentence, claimed)
        for mention in list(sentence.mentions):
            if mention.nested_in is None and mention.label != COUNTRY:
                self._parts(sentence, mention)

    def _capitalised_run(self, doc: Doc, index: int, stop: int, claimed: list[bool]) -> int:
        """Return the end of the run of capitalised words (joined by connectors and hyphens) from `index`."""
        end = index + 1
        while end < stop and not claimed[end]:
            token = doc[end]
            if _joined_by_hyphen(doc, end):
                end += 2 if end + 1 < stop else 1
                continue
            if token.text[:1].isupper() and token.is_alpha or ACRONYM.match(token.text):
                end += 1
                continue
            if token.lower_ in self.rules.name_connectors:
                ahead = end
                while ahead < stop and doc[ahead].lower_ in self.rules.name_connectors and not claimed[ahead]:
                    ahead += 1
                if ahead < stop and not claimed[ahead] and doc[ahead].text[:1].isupper() and doc[ahead].is_alpha:
                    end = ahead
                    continue
            break
        return end

    def _and_parts(self, doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
        """Return the names a run of capitalised words holds: "A Organization and B Structure …" is two when
        both sides are names (a head or an acronym before their first connector), one otherwise."""
        for index in range(start + 1, end - 1):
            if doc[index].lower_ != "and":
                continue
            right_start = index + 1
            while right_start < end and doc[right_start].lower_ in ARTICLES:
                right_start += 1
            left, right = (start, index), (right_start, end)
            if self._is_name(doc, *left) and self._is_name(doc, *right):
                left_head = self.rules.head_of(_words(doc[start : self._core_end(doc, start, index)]))
                if left_head is None or left_head.label != EVENT:  # "5th … Meeting and Regional Workshop" is one
                    return [left, *self._and_parts(doc, *right)]
        return [(start, end)]

    def _is_name(self, doc: Doc, start: int, end: int) -> bool:
        core = self._core_end(doc, start, end)
        return self.rules.head_of(_words(doc[start:core])) is not None or all(
            ACRONYM.match(t.text) for t in doc[start:end]
        )

    def _lower_head(self, doc: Doc, start: int, end: int, stop: int, claimed: list[bool]) -> int:
        """Return `end` moved past lower-case words that complete a head ("Joint investigation")."""
        for extra in (2, 1):
            if end + extra <= stop and not any(claimed[end : end + extra]):
                if self.rules.head_of(_words(doc[start : end + extra])) is not None and doc[end].is_lower:
                    return end + extra
        return end

    def _name(self, sentence: _Sentence, start: int, end: int, claimed: list[bool]) -> _Mention | None:
        """Return the mention of tokens [start, end) (run on in lower case where its head allows), or None when
        they are not a name."""
        doc = sentence.doc
        core_end = self._core_end(doc, start, end)
        head = self.rules.head_of(_words(doc[start:core_end]))
        acronym_only = all(ACRONYM.match(token.text) for token in doc[start:end])
        if head is None and not acronym_only:
            while end > start and doc[end - 1].lower_ in self.rules.name_connectors:
                end -= 1
            # "… of the Council of Europe" inside a run without a head of its own: its parts may still be names.
            return None
        if head is not None:
            end = self._run_on(sentence, end, claimed, head.label)
        while end > start + 1 and (doc[end - 1].lower_ in self.rules.name_connectors or doc[end - 1].is_punct):
            end -= 1
        mention = _Mention(
            start,
            end,
            head.label if head else ORG,
            head.kind if head else None,
            _display(doc[start:end]),
            head=head.words if head else (),
        )
        mention.core_end = core_end
        mention.reference = head is not None and len(_words(doc[start:end])) == len(head.words)  # "the Center"
        if acronym_only:
            mention.acronym = mention.name
        self._acronym_after(sentence, mention)
        for index in range(start, mention.end):
            claimed[index] = True
        sentence.mentions.append(mention)
        return mention

    def _core_of(self, doc: Doc, mention: _Mention) -> int:
        return mention.core_end if mention.core_end >= 0 else self._core_end(doc, mention.start, mention.end)

    def _core_end(self, doc: Doc, start: int, end: int) -> int:
        """Return the end of a name's core: its words before the first connector ("Committee" of "Committee of
        Experts …"), where its head is."""
        for index in range(start + 1, end):
            if doc[index].lower_ in self.rules.name_connectors and doc[index].lower_ not in CORE_JOINERS:
                return index
        return end

    def _run_on(self, sentence: _Sentence, end: int, claimed: list[bool], label: str) -> int:
        """Return the end of a name that runs on in lower case after `end` ("Centre for combating the illicit
        trafficking of narcotic drugs"), up to a comma, an ending word or a cue followed by a name."""
        doc, stop = sentence.doc, sentence.span.end
        cue_here = next((c for c in sentence.cues if c.start == end and c.cue.start == "after"), None)
        if cue_here is not None:  # "the task force coordinated by Romania on combating …"
            clause_end = self._clause_end(sentence, cue_here, stop)
            if clause_end < stop and doc[clause_end].lower_ in self.rules.running_on:
                end = clause_end
        if end >= stop or doc[end].lower_ not in self.rules.running_on:
            return end
        index = end
        while index < stop:
            token = doc[index]
            if token.is_punct and not _joined_by_hyphen(doc, index) or token.text in "()":
                break
            if any(_words(doc[index : index + len(ender)]) == list(ender) for ender in self.rules.name_enders):
                break
            next_text = doc[index + 1].text if index + 1 < stop else ""
            if (
                token.text in QUOTES
                or label == ORG
                and (  # an event's date is part of its name
                    DATE.fullmatch(token.text)
                    or re.fullmatch(MONTHS, token.text)
                    or token.like_num
                    and re.fullmatch(MONTHS, next_text)
                )
            ):
                break  # "… Organization on 14 March 2009"
            cue = next((c for c in sentence.cues if c.start == index), None)
            if cue is not None:
                if self._name_follows(sentence, cue.end, claimed):
                    clause_end = self._clause_end(sentence, cue, stop)
                    if (
                        cue.cue.start == "after"
                        and clause_end < stop
                        and doc[clause_end].lower_ in self.rules.running_on
                    ):
                        index = clause_end  # "the task force coordinated by Romania on combating …"
                        continue
                    break
            index += 1
        return index

    def _name_follows(self, sentence: _Sentence, index: int, claimed: list[bool]) -> bool:
        """Tell whether a name starts at token `index` (after an article): a country, a capitalised name, or a
        lower-case head ("the terrorist attack")."""
        doc, stop = sentence.doc, sentence.span.end
        if index < stop and doc[index].lower_ in ARTICLES:
            for end in range(index + 2, min(index + 5, stop) + 1):
                if self.rules.head_of(_words(doc[index + 1 : end])) is not None:
                    return True
            index += 1
        if index >= stop:
            return False
        if any(m.start == index and m.label == COUNTRY for m in sentence.mentions):
            return True
        return _starts_name(doc[index]) and self._is_name(doc, index, self._capitalised_run(doc, index, stop, claimed))

    def _clause_end(self, sentence: _Sentence, cue: _CueAt, stop: int) -> int:
        """Return the end of the name that follows `cue` (a country or a capitalised run), or the cue's end."""
        doc = sentence.doc
        index = cue.end + (1 if cue.end < stop and doc[cue.end].lower_ in ARTICLES else 0)
        for mention in sentence.mentions:
            if mention.start == index:
                return mention.end
        if index < stop and _starts_name(doc[index]):
            return self._capitalised_run(doc, index, stop, [False] * len(doc))
        return cue.end

    def _acronym_after(self, sentence: _Sentence, mention: _Mention) -> None:
        """Take "… - CODEXTER" or "… (RATS)" right after `mention` as its acronym."""
        doc, end = sentence.doc, mention.end
        if end + 1 < len(doc) and doc[end].text in "-–" and ACRONYM.match(doc[end + 1].text) and doc[end].whitespace_:
            mention.acronym, mention.end = doc[end + 1].text, end + 2
        elif (
            end + 2 < len(doc)
            and doc[end].text == "("
            and doc[end + 2].text == ")"
            and ACRONYM.match(doc[end + 1].text)
        ):
            if doc[end + 1].text not in self.rules.country_names:
                mention.acronym, mention.end = doc[end + 1].text, end + 3

    def _lower_case_heads(self, sentence: _Sentence, claimed: list[bool]) -> None:
        """Find "the task force on …", "the post-blast investigation of …" and "the Center" (a reference)."""
        doc, stop = sentence.doc, sentence.span.end
        index = sentence.span.start
        while index < stop:
            if doc[index].lower_ != "the" or claimed[index]:
                index += 1
                continue
            found: tuple[int, Head] | None = None
            for end in range(index + 2, min(index + 6, stop) + 1):
                if any(claimed[index + 1 : end]) or any(
                    t.is_punct and not _joined_by_hyphen(doc, t.i) for t in doc[index + 1 : end]
                ):
                    break
                head = self.rules.head_of(_words(doc[index + 1 : end]))
                if head is not None:
                    found = (end, head)
                    break
            if found is None:
                index += 1
                continue
            end, head = found
            start = index + 1
            run_end = self._run_on(sentence, end, claimed, head.label)
            name = self._name_without_clauses(sentence, start, run_end)
            quoted = self._quoted_after(doc, run_end, stop)
            if quoted is not None:  # the joint exercise "Peace Mission 2007"
                run_end, name = quoted[1], doc[quoted[0] : quoted[1] - 1].text
            mention = _Mention(start, run_end, head.label, head.kind, name, head=head.words)
            mention.reference = run_end == end
            for position in range(index, run_end):
                claimed[position] = True
            sentence.mentions.append(mention)
            self._nested_in_run_on(sentence, mention, end, run_end)
            index = run_end

    def _quoted_after(self, doc: Doc, index: int, stop: int) -> tuple[int, int] | None:
        """Return (first token, end after the closing quote) of a name in quotes at token `index`, or None."""
        if index >= stop or doc[index].text not in QUOTES:
            return None
        for end in range(index + 2, min(index + QUOTED_NAME_WITHIN, stop)):
            if doc[end].text in QUOTES:
                return index + 1, end + 1
        return None

    def _name_without_clauses(self, sentence: _Sentence, start: int, end: int) -> str:
        """Return the name of tokens [start, end) without the clauses inside it ("task force coordinated by
        Romania on combating …" is the task force on combating …)."""
        skipped: set[int] = set()
        for cue in sentence.cues:
            if start < cue.start < end and cue.cue.start == "after":
                skipped.update(range(cue.start, self._clause_end(sentence, cue, end)))
        tokens = [t for t in sentence.doc[start:end] if t.i not in skipped]
        return " ".join("".join(t.text_with_ws for t in tokens).split()).strip(" ,;:")

    def _nested_in_run_on(self, sentence: _Sentence, outer: _Mention, start: int, end: int) -> None:
        """Find the names inside a lower-case run-on ("meeting of the sub-group on …", "investigation of the
        November 2003 attacks"): they are nested in `outer`."""
        doc = sentence.doc
        for index in range(start, end - 1):
            if doc[index].lower_ == "the" and index + 1 < end:
                for head_end in range(index + 2, min(index + 6, end) + 1):
                    head = self.rules.head_of(_words(doc[index + 1 : head_end]))
                    if head is not None:
                        begin = index + 1
                        inner_end = self._run_on(sentence, head_end, [False] * len(doc), head.label)
                        inner_end = min(inner_end, end)
                        inner = _Mention(
                            begin,
                            inner_end,
                            head.label,
                            head.kind,
                            _display(doc[begin:inner_end]),
                            head=head.words,
                            nested_in=outer,
                        )
                        sentence.mentions.append(inner)
                        self._parts(sentence, inner)
                        return

    # --- what a name's shape says -------------------------------------------------------------------------
    def _parts(self, sentence: _Sentence, mention: _Mention) -> None:
        """Propose what `mention`'s own words say: part of the body after "of the" or before its name, located in
        its people's country, an event organized by the body it names or about the event it names."""
        doc = sentence.doc
        tokens = doc[mention.start : mention.end]
        words = [token.text for token in tokens]
        whole = (mention.start, mention.end)
        # "Committee of Experts on Terrorism of the Council of Europe", "Meeting of the Anti-Terrorism Task Force"
        inner = self._of_the(sentence, mention)
        if inner is not None:
            if mention.label == ORG and inner.label == ORG:
                self._tie(
                    "PART_OF", mention, inner, sentence, sentence.chars(*whole), Confidence.STATED, None, "of the"
                )
            elif mention.label == EVENT and inner.label == ORG and set(mention.head) & self.rules.event_owner_heads:
                self._tie(
                    "ORGANIZED",
                    inner,
                    mention,
                    sentence,
                    sentence.chars(*whole),
                    Confidence.INFERRED,
                    None,
                    "meeting of",
                )
            elif mention.label == EVENT and inner.label == EVENT and set(mention.head) & self.rules.event_subject_heads:
                self._tie(
                    "CONCERNS",
                    mention,
                    inner,
                    sentence,
                    sentence.chars(*whole),
                    Confidence.STATED,
                    None,
                    "investigation of",
                )
        if mention.label == EVENT:
            owner = self._owner_in_event_name(sentence, mention)
            if owner is not None:
                self._tie(
                    "ORGANIZED",
                    owner,
                    mention,
                    sentence,
                    sentence.chars(*whole),
                    Confidence.INFERRED,
                    None,
                    "body's meeting",
                )
            self._event_place(sentence, mention)
            return
        if mention.label != ORG or mention.acronym == mention.name:
            return
        parent = self._prefix_parent(sentence, mention, words)
        if parent is not None:
            self._tie(
                "PART_OF", mention, parent, sentence, sentence.chars(*whole), Confidence.STATED, None, "name prefix"
            )
        code = self.rules.demonyms.get(folded(words[0]))
        if code:
            country = _Mention(
                mention.start,
                mention.start + 1,
                COUNTRY,
                None,
                self.rules.country_display[code],
                country=code,
                nested_in=mention,
            )
            sentence.mentions.append(country)
            self._tie(
                "LOCATED_IN", mention, country, sentence, sentence.chars(*whole), Confidence.INFERRED, None, "demonym"
            )
        end = mention.end
        if (
            end + 2 < len(doc)
            and doc[end].text == "("
            and doc[end + 2].text == ")"
            or end + 3 < len(doc)
            and doc[end].text == "("
            and doc[end + 3].text == ")"
        ):
            located = next((m for m in sentence.mentions if m.label == COUNTRY and m.start == end + 1), None)
            if located is not None and doc[located.end].text == ")":
                country = located
                country.nested_in = mention
                self._tie(
                    "LOCATED_IN",
                    mention,
                    country,
                    sentence,
                    sentence.chars(mention.start, country.end + 1),
                    Confidence.STATED,
                    None,
                    "(country)",
                )

    def _of_the(self, sentence: _Sentence, mention: _Mention) -> _Mention | None:
        """Return the body or event named after "of (the)" in `mention`'s words, as a mention nested in it."""
        doc = sentence.doc
        core_end = self._core_of(doc, mention)
        for index in range(core_end, mention.end - 1):
            if doc[index].lower_ != "of":
                continue
            begin = index + 1 + (1 if doc[index + 1].lower_ == "the" else 0)
            existing = next((m for m in sentence.mentions if m.start == begin and m is not mention), None)
            if existing is not None:
                existing.nested_in = existing.nested_in or mention
                return existing
            if begin >= mention.end or not (doc[begin].text[:1].isupper() or doc[begin].is_digit):
                continue
            end = self._capitalised_run(doc, begin, mention.end, [False] * len(doc))
            core = self._core_end(doc, begin, end)
            head = self.rules.head_of(_words(doc[begin:core]))
            acronym = all(ACRONYM.match(token.text) for token in doc[begin:core])
            if head is None and not acronym:
                continue
            end = (
                core
                if head is not None and head.label == ORG and end > core and doc[core].lower_ not in ("of",)
                else end
            )
            inner = _Mention(
                begin,
                end,
                head.label if head else ORG,
                head.kind if head else None,
                _display(doc[begin:end]),
                head=head.words if head else (),
                nested_in=mention,
            )
            if acronym and head is None:
                inner.acronym = inner.name
            sentence.mentions.append(inner)
            if inner.label != COUNTRY:
                self._parts(sentence, inner)
            return inner
        return None

    def _owner_in_event_name(self, sentence: _Sentence, mention: _Mention) -> _Mention | None:
        """Return the body whose name comes before an event's head in its name ("5th Anti-Terrorism Task Force
        Meeting"), as a mention nested in it."""
        doc = sentence.doc
        core_end = self._core_of(doc, mention)
        words = _words(doc[mention.start : core_end])
        if not words or not set(mention.head) & self.rules.event_owner_heads:
            return None
        begin = mention.start + (1 if ORDINAL.match(doc[mention.start].text) else 0)
        # The event's head ends its core, or the part of it before an "and" ("… Meeting and Regional Workshop").
        ends = [core_end, *(t.i for t in doc[begin:core_end] if t.lower_ in CORE_JOINERS)]
        for end in ends:
            head = self.rules.head_of(_words(doc[begin:end]))
            if head is None or head.label != EVENT or not set(head.words) & self.rules.event_owner_heads:
                continue
            head_start = _head_start(doc, end, head.words)
            body = self.rules.head_of(_words(doc[begin:head_start])) if head_start - begin >= 2 else None
            if body is not None and body.label == ORG:
                break
        else:
            return None
        owner = _Mention(
            begin, head_start, ORG, body.kind, _display(doc[begin:head_start]), head=body.words, nested_in=mention
        )
        sentence.mentions.append(owner)
        return owner

    def _prefix_parent(self, sentence: _Sentence, mention: _Mention, words: list[str]) -> _Mention | None:
        """Return the body that starts `mention`'s name ("UN …", "United Nations …", or a committee before
        "Executive Directorate"), as a mention nested in it."""
        doc = sentence.doc
        core_end = self._core_of(doc, mention)
        head_start = _head_start(doc, core_end, mention.head)
        if len(mention.head) >= 2 and head_start - mention.start >= 2:
            before = self.rules.head_of(_words(doc[mention.start : head_start]))
            if before is not None and before.label == ORG:
                parent = _Mention(
                    mention.start,
                    head_start,
                    ORG,
                    before.kind,
                    _display(doc[mention.start : head_start]),
                    head=before.words,
                    nested_in=mention,
                )
                sentence.mentions.append(parent)
                grand = self._prefix_parent(sentence, parent, words[: head_start - mention.start])
                if grand is not None:
                    self._tie(
                        "PART_OF",
                        parent,
                        grand,
                        sentence,
                        sentence.chars(parent.start, parent.end),
                        Confidence.STATED,
                        None,
                        "name prefix",
                    )
                return parent
        for name, acronym in self.rules.parent_bodies:
            for said in (name.split(), [acronym]):
                if (
                    len(words) > len(said) + 1
                    and [w.casefold() for w in words[: len(said)]] == [s.casefold() for s in said]
                    and not doc[mention.start + len(said)].is_punct
                ):
                    parent = _Mention(
                        mention.start, mention.start + len(said), ORG, None, name, acronym=acronym, nested_in=mention
                    )
                    sentence.mentions.append(parent)
                    return parent
        if ACRONYM.match(words[0]) and len(words) >= 3 and not ACRONYM.match(words[1]):
            parent = _Mention(
                mention.start, mention.start + 1, ORG, None, words[0], acronym=words[0], nested_in=mention
            )
            sentence.mentions.append(parent)
            return parent
        return None

    def _event_place(self, sentence: _Sentence, event: _Mention) -> None:
        """Propose that `event` was held in the country named right after it ("attacks in Turkey")."""
        doc = sentence.doc
        inner = [m for m in sentence.mentions if m.nested_in is event and m.label == EVENT]
        for index in range(event.start, min(event.end + 2, len(doc))):
            if any(m.start <= index < m.end + 1 for m in inner):
                continue
            if doc[index].lower_ in self.rules.place_words:
                begin = index + 1 + (1 if index + 1 < len(doc) and doc[index + 1].lower_ == "the" else 0)
                country = next((m for m in sentence.mentions if m.label == COUNTRY and m.start == begin), None)
                if country is not None:
                    country.nested_in = country.nested_in or event
                    self._held_in(sentence, event, country, "held in")
                    return

    def _held_in(self, sentence: _Sentence, event: _Mention, country: _Mention, rule: str) -> None:
        """Propose that `event` was held in `country`, quoted from the event's name to the country's."""
        passage = sentence.chars(event.start, country.end)
        self._tie("HELD_IN", event, country, sentence, passage, Confidence.STATED, None, rule)

    def _heading_event(self, sentence: _Sentence) -> None:
        """Take a heading line that starts with an event as its name up to a comma or a bracket, with whom it
        was between ("Working Meeting between SECI Center management and Turkish experts")."""
        top = [m for m in sentence.mentions if m.nested_in is None]
        if not top or top[0].label != EVENT or top[0].start != sentence.span.start:
            return
        event, doc = top[0], sentence.doc
        end = event.end
        while (
            end < sentence.span.end
            and doc[end].text not in ",(;"
            and not any(c.start == end and c.cue.relationship_type != "TOOK_PART_IN" for c in sentence.cues)
        ):
            end += 1
        if end > event.end and any(c.start == event.end for c in sentence.cues):
            event.end, event.name = end, _display(doc[event.start : end])

    def _event_line_places(self, sentence: _Sentence) -> None:
        """On a heading line that starts with an event ("4th Meeting, 23 October, Bucharest, Romania"), propose
        that it was held in the countries after its name."""
        top = [m for m in sentence.mentions if m.nested_in is None]
        if not top or top[0].label != EVENT:
            return
        event = top[0]
        if any(cue.start >= event.end for cue in sentence.cues):
            return
        for country in top[1:]:
            if country.label == COUNTRY and country.start >= event.end:
                self._held_in(sentence, event, country, "event line")

    # --- the page's own shape -----------------------------------------------------------------------------
    def _subject_from_heading(self, sentences: list[_Sentence], crumbs: list[str], next_line: tuple[int, str]) -> None:
        """Take the first name of the page's heading as its subject ("the Center", "the Task Force" mean it); a
        heading of two lines ("The Commonwealth of Independent States" / "Anti-Terrorism Center") names the
        subject and what it is part of; a breadcrumb ("Task Force :: …") puts it in the publisher."""
        top = [m for s in sentences for m in s.mentions if m.nested_in is None and m.label == ORG]
        if not top:
            return
        first, sentence = top[0], next(s for s in sentences if top[0] in s.mentions)
        continuation_offset, continuation = next_line[0], next_line[1].strip()
        follow = _pipeline()(continuation) if continuation and len(continuation.split()) <= 6 else None
        head = self.rules.head_of(_words(follow[:])) if follow is not None else None
        if follow is not None and head is not None and first.label == ORG and "::" not in continuation:
            start = self.text.find(continuation, continuation_offset)
            self.heading_continuation.add(continuation_offset)
            subject = _Mention(-1, -1, ORG, head.kind, f"{first.name} {_display(follow[:])}", head=head.words)
            self.mentions.append(subject)
            self.spans[id(subject)] = (start, start + len(continuation))
            self.subject, self.subject_parent = subject, first
            passage = (
                sentence.chars(first.start, first.end)[0]
                - (
                    4
                    if self.text[
                        max(0, sentence.chars(first.start, first.end)[0] - 4) : sentence.chars(first.start, first.end)[
                            0
                        ]
                    ]
                    == "The "
                    else 0
                ),
                start + len(continuation),
            )
            self.ties.append(
                _Tie("PART_OF", subject, first, passage, Confidence.STATED, None, "two-line heading", passage)
            )
            return
        self.subject = first
        if len(crumbs) > 1 and self.publisher:
            publisher = _Mention(-1, -1, ORG, None, self.publisher)
            self.mentions.append(publisher)
            self.spans[id(publisher)] = sentence.chars(first.start, first.end)
            line = (
                sentence.offset,
                sentence.offset + len(sentence.doc.text.rstrip()) + sum(len(c) + 2 for c in crumbs[1:]),
            )
            self.ties.append(
                _Tie(
                    "PART_OF",
                    first,
                    publisher,
                    line,
                    Confidence.INFERRED,
                    crumbs[1].strip() or None,
                    "breadcrumb",
                    line,
                )
            )
            self.subject_parent = publisher

    def _bullet(self, sentence: _Sentence) -> None:
        """Read "• Topic (Country)" on a body's page as a sub-group of it that the country coordinates."""
        doc = sentence.doc
        countries = [m for m in sentence.mentions if m.label == COUNTRY]
        open_paren = next((t.i for t in doc if t.text == "("), None)
        if not countries or open_paren is None or countries[-1].start != open_paren + 1 or open_paren < 1:
            return
        country, subject = countries[-1], self.subject
        assert subject is not None
        named = next(
            (m for m in sentence.mentions if m.nested_in is None and m.end <= open_paren and m.label != COUNTRY), None
        )
        if named is not None and named.head:
            return  # "• A Named Body (Country)" says where it is: read by _parts
        topic = _Mention(0, open_paren, ORG, "sub_group", _display(doc[0:open_paren]))
        sentence.mentions = [m for m in sentence.mentions if not (m.end <= open_paren)] + [topic]
        self.mentions = [m for m in self.mentions if m not in sentence.mentions or m is topic or m.label == COUNTRY] + [
            topic
        ]
        line = sentence.chars(0, country.end + 1)
        self._tie("PART_OF", topic, subject, sentence, line, Confidence.INFERRED, "sub-group", "bullet topic")
        self._tie("COORDINATES", country, topic, sentence, line, Confidence.INFERRED, None, "bullet topic")

    # --- relationships stated by cues ---------------------------------------------------------------------
    def _sentence_ties(self, sentence: _Sentence) -> None:
        self._groups(sentence, [m for m in sentence.mentions if m.nested_in is None])
        top = [m for m in sentence.mentions if m.nested_in is None]
        taken: set[int] = set()
        previous: dict[str, _CueAt] = {}
        end_of: dict[int, _Mention] = {}
        for position, cue_at in enumerate(sentence.cues):
            cue = cue_at.cue
            kind = RELATIONSHIP_TYPES[cue.relationship_type]
            if cue.after_cue and cue.after_cue not in previous:
                continue
            following = [
                c.start for c in sentence.cues[position + 1 :] if c.cue.start != "after" or cue.start == "after"
            ]
            limit = following[0] if following else sentence.span.end
            if cue.start == "after":
                starts = self._list_after(sentence, top, cue_at, limit, kind.start_labels)
                if cue.after_cue:
                    end = end_of.get(id(previous[cue.after_cue]))
                else:
                    end = self._before(top, cue_at.start, kind.end_labels, sentence)
                if end is None:
                    continue
                end_of[id(cue_at)] = end
                for start in starts:
                    taken.add(id(start))
                    self._cue_tie(sentence, cue_at, start, end)
            elif cue.start in ("listed_before", "listed_after"):
                after = [m for m in top if m.start >= cue_at.end]
                if not after or after[0].label not in kind.end_labels:
                    continue
                end = after[0]
                if cue.start == "listed_before":
                    starts = self._list_before(sentence, top, cue_at.start, kind.start_labels)
                else:
                    verb = next(
                        (
                            t.i
                            for t in sentence.doc[end.end : sentence.span.end]
                            if t.lower_ in ("are", "include", "is")
                        ),
                        None,
                    )
                    starts = (
                        self._list_after(
                            sentence, top, _CueAt(verb, verb + 1, cue), sentence.span.end, kind.start_labels
                        )
                        if verb is not None
                        else []
                    )
                for start in starts:
                    self._cue_tie(sentence, cue_at, start, end)
            elif cue.start == "following":
                after = [m for m in top if m.start >= cue_at.end]
                if cue_at.start != sentence.span.start or len(after) < 2 or after[1].label not in kind.start_labels:
                    continue
                first, start = after[0], after[1]
                held = [first, *(m for m in sentence.mentions if m.nested_in is first and m.label == EVENT)]
                for end in held:
                    if end.label in kind.end_labels:
                        self._tie(
                            cue.relationship_type,
                            start,
                            end,
                            sentence,
                            sentence.chars(cue_at.start, start.end),
                            cue.confidence,
                            cue.qualifier,
                            "cue",
                        )
            elif cue.start == "owner":
                end = self._before(
                    top + [m for m in sentence.mentions if m.nested_in is not None],
                    cue_at.start,
                    kind.end_labels,
                    sentence,
                )
                if end is None:
                    continue
                named = self._before(top, end.start, kind.start_labels, sentence) or self.subject
                if named is None:
                    continue
                start = named
                qualifier = sentence.doc[end.end : cue_at.end].text.lstrip("'s ").strip() or cue.qualifier
                self._tie(
                    cue.relationship_type,
                    start,
                    end,
                    sentence,
                    sentence.chars(min(start.start, end.start) if start.start >= 0 else end.start, cue_at.end),
                    cue.confidence,
                    qualifier,
                    "cue",
                )
            else:
                named = self._before(top, cue_at.start, kind.start_labels, sentence) or self.subject
                if named is None:
                    continue
                start = named
                ends = [
                    m
                    for m in top
                    if cue_at.end <= m.start < limit and id(m) not in taken and m.label in kind.end_labels
                ]
                ends = [m for m in ends if not self._is_after_cue_start(sentence, m, cue_at, limit)]
                for end in ends:
                    self._cue_tie(sentence, cue_at, start, end)
            previous[cue.relationship_type] = cue_at

    def _cue_tie(self, sentence: _Sentence, cue_at: _CueAt, start: _Mention, end: _Mention) -> None:
        """Propose the relationship `cue_at` states from `start` to `end`, quoted by the shortest passage."""
        cue = cue_at.cue
        passage = self._passage(sentence, start, cue_at, end)
        self._tie(cue.relationship_type, start, end, sentence, passage, cue.confidence, cue.qualifier, "cue")

    def _is_after_cue_start(self, sentence: _Sentence, mention: _Mention, cue_at: _CueAt, limit: int) -> bool:
        """Tell whether `mention` is named by a later "coordinated by"-like cue of the sentence rather than by
        `cue_at` ("the task force on …, coordinated by Albania, and …")."""
        for other in sentence.cues:
            if other.cue.start == "after" and cue_at.end <= other.start < mention.start:
                between = sentence.doc[other.end : mention.start]
                if all(t.lower_ in ARTICLES for t in between):
                    return True
        return False

    def _list_after(
        self, sentence: _Sentence, top: list[_Mention], cue_at: _CueAt, limit: int, labels: frozenset
    ) -> list[_Mention]:
        """Return the names listed right after `cue_at` ("organized by A", "among A and B"), of one label."""
        doc = sentence.doc
        listed: list[_Mention] = []
        index = cue_at.end
        for mention in [m for m in top if cue_at.end <= m.start < limit]:
            gap = doc[index : mention.start]
            if any(not (t.lower_ in ARTICLES or t.lower_ == "and" or t.text == ",") for t in gap):
                break
            if listed and mention.label != listed[0].label or mention.label not in labels:
                break
            listed.append(mention)
            index = mention.end
        return listed

    def _list_before(
        self, sentence: _Sentence, top: list[_Mention], position: int, labels: frozenset
    ) -> list[_Mention]:
        """Return the names listed right before token `position` ("A, B and C are …"), of one label."""
        doc = sentence.doc
        listed: list[_Mention] = []
        index = position
        for mention in sorted((m for m in top if m.end <= position), key=lambda m: -m.start):
            gap = doc[mention.end : index]
            if any(not (t.lower_ in ARTICLES or t.lower_ == "and" or t.text == ",") for t in gap):
                break
            if listed and mention.label != listed[0].label or mention.label not in labels:
                break
            listed.append(mention)
            index = mention.start
        return listed[::-1]

    def _before(self, top: list[_Mention], position: int, labels: frozenset, sentence: _Sentence) -> _Mention | None:
        """Return the nearest name of one of `labels` that starts before token `position` in the sentence."""
        candidates = [m for m in top if sentence.span.start <= m.start < position and m.label in labels]
        return max(candidates, key=lambda m: m.start) if candidates else None

    def _passage(self, sentence: _Sentence, start: _Mention, cue_at: _CueAt, end: _Mention) -> tuple[int, int]:
        """Return the shortest passage that states the tie: start, cue and end when they are close together,
        else the cue and the end, else the end's own name."""
        points = [m for m in (start, end) if m.start >= 0 and m.end > 0]
        first = min([cue_at.start, *(m.start for m in points)])
        last = max([cue_at.end, *(m.end for m in points)])
        if last - first <= MAX_PASSAGE_TOKENS:
            return sentence.chars(first, last)
        first, last = min(cue_at.start, end.start), max(cue_at.end, end.end)
        if last - first <= MAX_PASSAGE_TOKENS:
            return sentence.chars(first, last)
        return sentence.chars(end.start, end.end)

    def _groups(self, sentence: _Sentence, top: list[_Mention]) -> None:
        """Read "statutory institutions of the Commonwealth (A, B, C)": each listed body is part of the one named
        before the bracket, or, when none is ("bodies of the branch cooperation (…)"), of the subject's parent."""
        doc = sentence.doc
        for token in doc[sentence.span.start : sentence.span.end]:
            if token.text != "(":
                continue
            close = next((t.i for t in doc[token.i :] if t.text == ")"), None)
            if close is None:
                continue
            back = token.i - 1
            while (
                back >= sentence.span.start
                and not doc[back].is_punct
                and not any(c.start <= back < c.end for c in sentence.cues)
            ):
                back -= 1
            category = doc[back + 1 : token.i]
            if not category or not category[0].is_lower:
                continue
            members = [m for m in top if token.i < m.start < close and m.label == ORG]
            named = [m for m in top if category.start <= m.start < category.end]
            parent = named[-1] if named else self.subject_parent
            if parent is None or not members:
                continue
            words = [t.text for t in category if not (named and named[-1].start <= t.i)]
            qualifier = " ".join(words).removesuffix(" of the").removesuffix(" of").strip() or None
            for member in members:
                passage = (
                    sentence.chars(category.start, member.end)
                    if member is members[0]
                    else sentence.chars(member.start, member.end)
                )
                self._tie(
                    "PART_OF",
                    member,
                    parent,
                    sentence,
                    passage,
                    Confidence.STATED if named else Confidence.INFERRED,
                    qualifier,
                    "group of",
                )
            for mention in named:
                mention.nested_in = mention.nested_in or members[0]

    def _tie(
        self,
        relationship_type: str,
        start: _Mention,
        end: _Mention,
        sentence: _Sentence,
        passage: tuple[int, int],
        confidence: str,
        qualifier: str | None,
        rule: str,
    ) -> None:
        kind = RELATIONSHIP_TYPES[relationship_type]
        if start is end or start.label not in kind.start_labels or end.label not in kind.end_labels:
            return
        span = sentence.chars(sentence.span.start, sentence.span.end)
        self.ties.append(
            _Tie(
                relationship_type,
                start,
                end,
                passage,
                str(confidence),
                qualifier,
                rule,
                span,
                _date_in(self.text[span[0] : span[1]]),
            )
        )

    # --- entities -----------------------------------------------------------------------------------------
    def _reading(self) -> Reading:
        for sentence in self.sentences:  # each mention's place in the text, once
            for mention in sentence.mentions:
                self.spans.setdefault(id(mention), sentence.chars(mention.start, mention.end))
        groups = self._grouped()
        entities: list[Entity] = []
        for number, members in enumerate(groups):
            entities.append(self._entity(number, members))
        by_group = {id(m): entities[m.group] for m in self.mentions if m.group >= 0}
        proposals: list[Proposal] = []
        seen: set[tuple[str, str, str]] = set()
        for tie in self.ties:
            start, end = by_group.get(id(tie.start)), by_group.get(id(tie.end))
            if start is None or end is None or start is end:
                continue
            ends = (
                sorted((start.key, end.key))
                if RELATIONSHIP_TYPES[tie.relationship_type].symmetric
                else [start.key, end.key]
            )
            if (tie.relationship_type, *ends) in seen:
                continue
            seen.add((tie.relationship_type, ends[0], ends[1]))
            exact = self.text[tie.passage[0] : tie.passage[1]]
            proposals.append(
                Proposal(
                    key=proposal_key(tie.relationship_type, start.name, end.name, exact),
                    relationship_type=tie.relationship_type,
                    start=start.key,
                    end=end.key,
                    sentence=Span(*tie.sentence),
                    passage=Span(*tie.passage),
                    exact=exact,
                    confidence=tie.confidence,
                    since=tie.since,
                    qualifier=tie.qualifier,
                    rule=tie.rule,
                )
            )
        used = {key for p in proposals for key in (p.start, p.end)}
        return Reading(
            text=self.text,
            entities=[e for e in entities if e.key in used or e.label != COUNTRY or e.mentions],
            proposals=proposals,
        )

    def _grouped(self) -> list[list[_Mention]]:
        """Return the mentions grouped by what they mean: one name folded alike, an acronym and what it stands
        for, a reference and the name it refers to."""
        parent: dict[int, int] = {}
        mentions = [m for m in self.mentions if m.label]
        index_of = {id(m): i for i, m in enumerate(mentions)}

        def find(i: int) -> int:
            while parent.get(i, i) != i:
                i = parent[i]
            return i

        def union(a: _Mention, b: _Mention) -> None:
            parent[find(index_of[id(a)])] = find(index_of[id(b)])

        by_name: dict[tuple[str, str], _Mention] = {}
        by_acronym: dict[str, _Mention] = {}
        named = [m for m in mentions if not m.reference]
        for mention in named:
            key = (mention.label, mention.country or _name_key(mention.name))
            if key in by_name:
                union(mention, by_name[key])
            else:
                by_name[key] = mention
        for mention in named:
            if mention.acronym:
                if mention.acronym in by_acronym:
                    union(mention, by_acronym[mention.acronym])
                by_acronym.setdefault(mention.acronym, mention)
        for mention in named:  # initials: "CIS ATC" for "Commonwealth of Independent States Anti-Terrorism Center"
            if mention.acronym and mention.acronym == mention.name:
                letters = mention.acronym.replace(" ", "")
                for other in named:
                    if (
                        other is not mention
                        and other.label == ORG
                        and other.name != other.acronym
                        and letters in _initials(other.name)
                    ):
                        union(mention, other)
            if mention.label == ORG and mention.head and mention.name[:1].islower():  # "sub-group on terrorist groups"
                topic = " ".join(_name_key(mention.name).split()[len(mention.head) + 1 :])
                for other in named:
                    if other is not mention and other.kind == mention.kind and _name_key(other.name) == topic:
                        union(mention, other)
        last_by_head: dict[tuple[str, ...], _Mention] = {}
        for mention in sorted(mentions, key=self._position):
            if mention.reference:
                target = (
                    self.subject
                    if self.subject is not None and _same_head(self.subject.head, mention.head)
                    else last_by_head.get(_singular(mention.head))
                )
                if (
                    target is None
                    and self.subject_parent is not None
                    and _same_head(self.subject_parent.head, mention.head)
                ):
                    target = self.subject_parent
                if target is not None:
                    union(mention, target)
                else:
                    mention.label = ""
            elif mention.head:
                last_by_head[_singular(mention.head)] = mention
                for word in range(1, len(mention.head)):
                    last_by_head.setdefault(_singular(mention.head[word:]), mention)
        groups: dict[int, list[_Mention]] = {}
        for mention in mentions:
            if mention.label:
                groups.setdefault(find(index_of[id(mention)]), []).append(mention)
        ordered = sorted(groups.values(), key=lambda members: min(self._position(m) for m in members))
        for number, members in enumerate(ordered):
            for mention in members:
                mention.group = number
        return ordered

    def _position(self, mention: _Mention) -> int:
        return self._span_of(mention)[0]

    def _span_of(self, mention: _Mention) -> tuple[int, int]:
        return self.spans.get(id(mention), (0, 0))

    def _entity(self, number: int, members: list[_Mention]) -> Entity:
        named = [m for m in members if not m.reference] or members
        label = named[0].label
        full = (
            [m for m in named if m.name != m.acronym and m.name[:1].isupper()]
            or [m for m in named if m.name != m.acronym]
            or named
        )
        counts: dict[str, int] = {}
        for mention in full:
            counts[mention.name] = counts.get(mention.name, 0) + 1
        subject = self.subject in members
        name = (
            self.subject.name
            if subject and self.subject is not None
            else max(counts, key=lambda n: (counts[n], len(n)))
        )
        acronyms = [m.acronym for m in named if m.acronym and m.acronym != name]
        kinds = [m.kind for m in named if m.kind]
        fields = {"iso_code": named[0].country} if label == COUNTRY and named[0].country else {}
        return Entity(
            key=f"e{number}",
            label=label,
            name=name[:1].upper() + name[1:],
            acronym=max(acronyms, key=len) if acronyms else None,
            kind=kinds[0] if kinds else None,
            fields=fields,
            mentions=[
                Span(*self._span_of(m)) for m in sorted(members, key=self._position) if self._span_of(m) != (0, 0)
            ],
            is_subject=subject,
        )


def _starts_name(token: object) -> bool:
    text = token.text  # type: ignore[attr-defined]
    return bool(text[:1].isupper() and (token.is_alpha or ACRONYM.match(text)) or ORDINAL.match(text))  # type: ignore[attr-defined]


def _joined_by_hyphen(doc: Doc, index: int) -> bool:
    """Tell whether token `index` is a hyphen inside a word ("Anti-Terrorism", "Rilo-Moscow")."""
    return doc[index].text == "-" and index > 0 and not doc[index - 1].whitespace_ and not doc[index].whitespace_


def _head_start(doc: Doc, core_end: int, head: tuple[str, ...]) -> int:
    """Return the first token of the `head` words that end at `core_end` ("Task Force" of "… Task Force")."""
    start = core_end
    while start > 0 and len(_words(doc[start:core_end])) < len(head):
        start -= 1
    return start


def _words(tokens: TokenSpan) -> list[str]:
    return folded(tokens.text).split()


def _display(tokens: TokenSpan) -> str:
    return " ".join(tokens.text.split()).strip(" ,;:")


def _name_key(name: str) -> str:
    words = folded(name).replace("'s", "").split()
    while words and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def _initials(name: str) -> set[str]:
    """Return the acronyms a name may go by: the initials of its capitalised words, acronyms kept whole ("CISATC"
    for "CIS Anti-Terrorism Center" and "Commonwealth of Independent States Anti-Terrorism Center"), of the whole
    name and of its words before "of" ("RATS" for "Regional Anti-Terrorist Structure of the …")."""
    variants = set()
    for part in (name, name.split(" of ")[0]):
        letters = []
        for word in re.split(r"[\s-]+", part):
            if ACRONYM.match(word):
                letters.append(word)
            elif word[:1].isupper():
                letters.append(word[0])
        variants.add("".join(letters))
    return variants


def _singular(words: tuple[str, ...]) -> tuple[str, ...]:
    return (*words[:-1], words[-1].removesuffix("s")) if words else words


def _same_head(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return bool(a) and bool(b) and _singular(a)[-len(b) :] == _singular(b)


def _date_in(sentence: str) -> str | None:
    """Return the date a sentence gives for what it states ("on 14 March 2009": 2009-03-14, "in 2004"), or
    None."""
    for match in DATE.finditer(sentence):
        before = sentence[: match.start()].split()[-1:]
        if not before or before[0].casefold() not in DATE_CUES:
            continue
        year, month, day = match.group("year"), match.group("month"), match.group("day")
        if month:
            number = MONTHS.split("|").index(month) + 1
            return f"{year}-{number:02d}-{int(day):02d}" if day else f"{year}-{number:02d}"
        return year
    return None
