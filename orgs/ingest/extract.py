"""The plain text of a new source: pasted, or read from a .txt, .html or .pdf file.

HTML gives its main text without navigation, scripts or boilerplate (trafilatura), a PDF the text of its text
layer (pypdf). Nothing in the content is run: scripts are dropped with the markup, and the text is kept as text.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import PurePath

import trafilatura
from lxml import html as lxml_html
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from orgs.validation import NOT_TEXT, TEXT_LIMITS, ValidationFailed

MAX_FILE_BYTES = 10 * 1024 * 1024  # an upload larger than this is refused before it is read
MAX_TEXT_CHARS = 1_000_000  # a source's text (the graph keeps up to TEXT_LIMITS["text"])
FILE_TYPES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".pdf": "pdf"}
BINARY_SHARE = 0.01  # a .txt with more NUL or control bytes than this is not text


def extracted_text(*, data: bytes | None = None, filename: str | None = None, text: str | None = None) -> str:
    """Return the plain text of a pasted `text`, or of a file's `data` read by its `filename`'s extension;
    raise ValidationFailed naming `text` or `file` when there is none, it is too large, or cannot be read."""
    if data is not None:
        field = "file"
        kind = FILE_TYPES.get(PurePath(filename or "").suffix.lower())
        if kind is None:
            raise ValidationFailed(
                {field: [f"expected a .txt, .html or .pdf file, not {filename or 'a nameless file'}"]}
            )
        if len(data) > MAX_FILE_BYTES:
            raise ValidationFailed(
                {field: [f"at most {MAX_FILE_BYTES // 1024 // 1024} MB (this has {len(data):,} bytes)"]}
            )
        plain = {"text": _text_file, "html": _html_text, "pdf": _pdf_text}[kind](data)
    else:
        field = "text"
        plain = text or ""
    plain = _normalized(plain)
    if not plain.strip():
        raise ValidationFailed({field: ["has no text to read" if data is None else "holds no text to read"]})
    if len(plain) > min(MAX_TEXT_CHARS, TEXT_LIMITS["text"]):
        raise ValidationFailed({field: [f"at most {MAX_TEXT_CHARS:,} characters of text (this has {len(plain):,})"]})
    return plain


def _normalized(text: str) -> str:
    """Return `text` in NFC with \\n line breaks, without control characters or runs of blank lines."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = NOT_TEXT.sub(" ", text.replace("\u2028", "\n").replace("\u2029", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip("\n")


def _text_file(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
        sample = data[:65536]
        controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
        if sample and controls / len(sample) > BINARY_SHARE:
            raise ValidationFailed({"file": ["is not a text file (it holds binary data)"]})
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ValidationFailed({"file": ["is not UTF-8 or UTF-16 text"]}) from None


def _html_text(data: bytes) -> str:
    main = trafilatura.extract(data, include_comments=False, include_tables=True, favor_recall=True)
    if main:
        return str(main)
    try:  # a page too short for trafilatura's main-text rules: its visible text, scripts and styles dropped
        tree = lxml_html.fromstring(data)
    except (ValueError, lxml_html.etree.ParserError):
        raise ValidationFailed({"file": ["is not an HTML page that can be read"]}) from None
    for element in tree.xpath("//script|//style|//noscript|//template|//nav|//header|//footer"):
        element.drop_tree()
    return "\n".join(part.strip() for part in tree.itertext() if part.strip())


def _pdf_text(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError):
        raise ValidationFailed({"file": ["is not a PDF that can be read"]}) from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise ValidationFailed({"file": ["has no text layer (a scanned PDF?): paste its text instead"]})
    return text
