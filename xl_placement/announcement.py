"""Read a placing announcement (text, HTML or PDF) into a deal file, quoting where each value came from.

``xl-placement import ANNOUNCEMENT`` writes what the announcement states and nothing else:
each value with the sentence it came from as a TOML comment above it, every figure the
announcement publishes verbatim under ``[stated]`` (so ``check`` compares it with the
computed one), and a comment for each field looked for and not found. A field not found
is left out, and ``check`` then says "not given"; nothing is derived or guessed.

The wording read is that of HKEX, SGX, ASX and Nasdaq issuers' English announcements
("represents a discount of approximately 8.63% to the closing price of HK$1.97 per Share
as quoted on the Stock Exchange on ...", "approximately 4.33% of the issued share capital
of the Company as enlarged by ...", "(i) approximately 30% ...").
"""

from __future__ import annotations

import datetime as dt
import html.parser
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xl_placement import parsers
from xl_placement.dealfile import deal_from_mapping, parse_text
from xl_placement.errors import AnnouncementError, DealError
from xl_placement.money import in_context

MAX_ANNOUNCEMENT_BYTES = 20_000_000
MAX_PDF_PAGES = 300
MAX_TEXT_CHARS = 2_000_000
QUOTE_CHARS = 400  # a quoted sentence is cut after this many characters
EXCERPT_WHOLE = 240  # a sentence up to this long is quoted whole; a longer one around the match
EXCERPT_AROUND = 90
SHORT_LINE = 0.7  # in a PDF's text, a line shorter than this share of the longest ends a paragraph
TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PDF_SUFFIXES = (".pdf",)

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
DATE = rf"(?:\d{{1,2}}\s+(?:{_MONTHS})\.?,?\s+\d{{4}}|(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}})"
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CUR = r"(?:HK\$|S\$|A\$|AU\$|US\$|NZ\$|RMB\s?|SGD\s?|HKD\s?|AUD\s?|USD\s?|\$)"
PRICE = rf"(?:{CUR}\s?(?:{NUM})|(?:{NUM})\s?(?:cents?|c)\b)"
AMOUNT = rf"{CUR}\s?(?:{NUM})(?:\s?(?:million|billion|m|bn)\b)?"
PCT = rf"(?:{NUM})\s?(?:%|per\s?cent|percent)"
APPROX = r"(?:(?:approximately|about|around|some|approx\.)\s+)?"
_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
    "one hundred and eighty": 180,
}
WORDNUM = r"(?:\d+|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")(?:\s*\(\d+\))?"
_CURRENCY_OF_SYMBOL = {"HK$": "HKD", "S$": "SGD", "A$": "AUD", "AU$": "AUD", "US$": "USD", "NZ$": "NZD"}
_CURRENCY_OF_EXCHANGE = {"HKEX": "HKD", "SGX": "SGD", "ASX": "AUD", "NASDAQ": "USD"}
_SUFFIX = r"(?:Limited|Ltd\.?|Inc\.?|Incorporated|Corporation|Corp\.?|plc|PLC|LLC|L\.L\.C\.|Company|Co\.|Group|Holdings|Berhad|Bhd\.?|Pte\.\s?Ltd\.?|N\.V\.|S\.A\.|AG|SE|LIMITED|INC\.|CORPORATION|COMPANY|HOLDINGS|GROUP)"
_ABBREVIATIONS = {
    "ltd",
    "co",
    "inc",
    "no",
    "nos",
    "approx",
    "pte",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "corp",
    "u.s",
    "i.e",
    "e.g",
    "p.m",
    "a.m",
    "n.v",
    "s.a",
    "l.l.c",
    "bhd",
    "vs",
    "cf",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}


# Typographic quotes and non-breaking spaces as plain ones (PDFs made from Word have them).
_PLAIN: dict[int, str] = {
    0x201C: '"',
    0x201D: '"',
    0x201E: '"',
    0x2018: "'",
    0x2019: "'",
    0x00A0: " ",
}

# --- reading the file ---------------------------------------------------------------


def read_text(path: str | Path) -> str:
    """The announcement's text: plain text as it is, HTML without its markup, PDF through pypdf.

    Raises:
        AnnouncementError: the file cannot be read, is too large, or is of another kind.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (*TEXT_SUFFIXES, *HTML_SUFFIXES, *PDF_SUFFIXES):
        raise AnnouncementError(
            f"{path}: has the suffix {path.suffix!r}; give the announcement as .txt, .html or .pdf"
        )
    try:
        if not path.is_file():
            raise AnnouncementError(f"{path}: is not a file; give a saved announcement")
        with path.open("rb") as stream:
            raw = stream.read(MAX_ANNOUNCEMENT_BYTES + 1)
    except OSError as exc:
        raise AnnouncementError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    if len(raw) > MAX_ANNOUNCEMENT_BYTES:
        raise AnnouncementError(
            f"{path}: is larger than the {MAX_ANNOUNCEMENT_BYTES:,} bytes an announcement may have"
        )
    if suffix in PDF_SUFFIXES:
        text = _pdf_text(raw, path)
    else:
        text = _decode(raw, path)
        if suffix in HTML_SUFFIXES:
            text = html_text(text)
    return text[:MAX_TEXT_CHARS]


def _decode(raw: bytes, path: Path) -> str:
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnnouncementError(f"{path}: is not UTF-8 text; save it as UTF-8") from exc


def _pdf_text(raw: bytes, path: Path) -> str:
    try:
        from pypdf import PdfReader  # noqa: PLC0415 - only for PDF announcements
        from pypdf.errors import PyPdfError  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise AnnouncementError(f"{path}: reading a PDF needs pypdf (pip install pypdf)") from exc
    if not raw.startswith(b"%PDF"):
        raise AnnouncementError(f"{path}: is not a PDF file")
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise AnnouncementError(f"{path}: is an encrypted PDF; save an unprotected copy")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise AnnouncementError(f"{path}: has {len(reader.pages):,} pages; the limit is {MAX_PDF_PAGES}")
        pages = []
        total = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            total += len(text)
            pages.append(text)
            if total > MAX_TEXT_CHARS:
                break
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise AnnouncementError(f"{path}: is not a PDF that can be read ({exc})") from exc
    text = "\n\n".join(pages)
    if not text.strip():
        raise AnnouncementError(f"{path}: has no text layer (a scanned image?); give a text or HTML copy")
    return text


class _HtmlText(html.parser.HTMLParser):
    _BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "title",
            "td",
            "th",
            "ul",
            "ol",
        ]
    )
    _SKIP = frozenset(("script", "style", "head", "noscript", "template"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002 - the parser's signature
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n" if tag in ("p", "div", "tr", "li") or tag.startswith("h") else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n" if tag in ("p", "div", "tr", "li") or tag.startswith("h") else " ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The text of an HTML page: paragraphs kept apart, scripts and styles left out."""
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


# --- sentences ------------------------------------------------------------------------


def paragraphs(text: str) -> list[str]:
    """Paragraphs (blank-line separated), each on one line, with quotes and spaces made plain."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_PLAIN)
    text = re.sub(r"[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else _line_blocks(text)
    out = []
    for block in blocks:
        joined = " ".join(line.strip() for line in block.split("\n") if line.strip())
        joined = re.sub(r"(\w)- (\w)", r"\1-\2", joined) if "- " in joined else joined
        if joined:
            out.append(re.sub(r"\s+", " ", joined))
    return out


def _line_blocks(text: str) -> list[str]:
    """Paragraphs of a text without blank lines (a PDF's text).

    A line ending a sentence, a short line or a heading in capitals ends its paragraph.
    """
    lines = [line.strip() for line in text.split("\n")]
    longest = max((len(line) for line in lines), default=0)
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            continue
        current.append(line)
        heading = line.upper() == line and any(c.isalpha() for c in line)
        if line.endswith((".", ":")) or len(line) < SHORT_LINE * longest or heading:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def sentences(paragraph: str) -> list[str]:
    """One paragraph split into sentences (not after "Ltd.", "No.", "approx." or an initial)."""
    out: list[str] = []
    start = 0
    for found in re.finditer(r"[.!?](?=\s+[\"'(A-Z0-9])", paragraph):
        before = paragraph[start : found.start()].rsplit(" ", 1)[-1].lower().strip("(\"'")
        if before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
            continue
        out.append(paragraph[start : found.end()].strip())
        start = found.end()
    rest = paragraph[start:].strip()
    if rest:
        out.append(rest)
    return out


# --- what was found -------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A value for the deal file and the sentence it came from."""

    value: object
    quote: str
    note: str = ""


@dataclass
class Extracted:
    """Everything read from one announcement, by deal-file path ("placing.price", "stated.gross_proceeds")."""

    source: str
    values: dict[str, Found] = field(default_factory=dict)
    uses: list[tuple[str, str, str]] = field(default_factory=list)  # (name, share as published, quote)
    uses_basis: str | None = None
    tranches: list[tuple[str, int, str, str]] = field(default_factory=list)  # name, shares, capacity, quote
    missing: dict[str, str] = field(default_factory=dict)  # path -> what was looked for
    notes: list[tuple[str, str]] = field(default_factory=list)  # (note, quote): stated but not imported

    def put(self, path: str, value: object, quote: str, note: str = "") -> None:
        """Keep the first value found for ``path`` (the announcement's first statement of it)."""
        if path not in self.values:
            self.values[path] = Found(value, quote, note)
            self.missing.pop(path, None)

    def has(self, path: str) -> bool:
        """True when a value was found for ``path``."""
        return path in self.values


class _Text:
    """The announcement's sentences, searched in order."""

    def __init__(self, text: str) -> None:
        self.paragraphs = paragraphs(text)
        self.sentences = [s for p in self.paragraphs for s in sentences(p)]
        self.all = " ".join(self.paragraphs)

    def first(self, pattern: str, flags: int = re.IGNORECASE) -> tuple[re.Match[str], str] | None:
        compiled = re.compile(pattern, flags)
        for sentence in self.sentences:
            found = compiled.search(sentence)
            if found:
                return found, sentence
        return None

    def every(self, pattern: str, flags: int = re.IGNORECASE) -> Iterable[tuple[re.Match[str], str]]:
        compiled = re.compile(pattern, flags)
        for sentence in self.sentences:
            for found in compiled.finditer(sentence):
                yield found, sentence


def _q(hit: tuple[re.Match[str], str]) -> str:
    """The sentence of a match, or for a long sentence the part around the match."""
    found, sentence = hit
    if len(sentence) <= EXCERPT_WHOLE:
        return sentence
    start = max(0, found.start() - EXCERPT_AROUND)
    end = min(len(sentence), found.end() + EXCERPT_AROUND)
    while start > 0 and sentence[start - 1] != " ":
        start -= 1
    while end < len(sentence) and sentence[end] != " ":
        end += 1
    return ("..." if start > 0 else "") + sentence[start:end].strip() + ("..." if end < len(sentence) else "")


def parse_date(text: str) -> dt.date | None:
    """A date written "17 December 2025" or "Dec 5, 2025" (None when it is not one)."""
    cleaned = re.sub(r"[.,]", " ", text)
    parts = cleaned.split()
    try:
        if parts[0].isdigit():
            day, month, year = int(parts[0]), parts[1], int(parts[2])
        else:
            month, day, year = parts[0], int(parts[1]), int(parts[2])
    except (IndexError, ValueError):
        return None
    names = [m.lower()[:3] for m in _MONTHS.split("|")[:12]]
    try:
        return dt.date(year, names.index(month.lower()[:3]) + 1, day)
    except ValueError:
        return None


def _whole(text: str) -> int:
    """A number of shares written "1,750,000,000" or "944.9 million"."""
    text = text.strip()
    scale = 1
    for word, factor in (("million", 10**6), ("billion", 10**9)):
        if text.lower().endswith(word):
            text, scale = text[: -len(word)].strip(), factor
    return int(Decimal(text.replace(",", "")) * scale)


def _count(text: str) -> int:
    text = re.sub(r"\s*\(\d+\)", "", text.strip().lower())
    return int(text) if text.isdigit() else _WORDS[text]


def _price_value(text: str) -> object:
    """A price as the deal file takes it: a number, or cents as "6.03c"."""
    text = text.strip()
    cents = re.fullmatch(rf"({NUM})\s?(?:cents?|c)", text)
    if cents:
        return f"{cents.group(1)}c"
    return Decimal(re.sub(rf"^{CUR}\s?", "", text).replace(",", ""))


def _symbol(text: str) -> str:
    found = re.match(CUR, text.strip())
    return found.group(0).strip() if found else ""


def _name_before(text: str) -> str | None:
    """The capitalised name that ends ``text`` ("... with UOB Kay Hian Private Limited")."""
    tokens = text.rstrip(" ,").split(" ")
    taken: list[str] = []
    for token in reversed(tokens):
        if not token:
            continue
        bare = token.strip("(),")
        if token.endswith(":") or (not bare):
            break
        if bare[0].isupper() or bare[0].isdigit() or bare in ("&", "and", "of", "de"):
            taken.append(token)
            continue
        break
    taken.reverse()
    while taken and taken[0].strip("(),") in ("and", "of", "&", "de", "The", "the"):
        taken.pop(0)
    if "of" in taken:  # "Board of Tritech Group Limited": the name is after the last "of" of a title
        head = taken[: taken.index("of")]
        if head and all(t.strip(",").lower() in ("board", "directors", "the", "board's") for t in head):
            taken = taken[taken.index("of") + 1 :]
    name = " ".join(taken).strip(" ,")
    return name or None


# --- the extraction -------------------------------------------------------------------

_Step = Callable[[_Text, Extracted], None]


def extract(text: str, source: str = "") -> Extracted:
    """Read every field the announcement states (see the module docstring)."""
    found = Extracted(source)
    doc = _Text(text)
    for step in _STEPS:
        step(doc, found)
    return found


def _issuer(doc: _Text, out: Extracted) -> None:  # noqa: PLR0912 - one branch a form of code or name
    codes = [
        (r"\(\s*Stock\s+Code\s*:\s*(?P<code>\d{1,5})\s*\)", "HKEX"),
        (
            r"\(\s*(?:SGX|SGX-ST|Catalist)(?:\s+stock)?(?:\s+code)?\s*:\s*(?P<code>[A-Z0-9]{2,5})\s*[);]",
            "SGX",
        ),
        (r"\(\s*ASX(?:\s+code)?\s*:\s*(?P<code>[A-Z0-9]{3,5})\s*[);]", "ASX"),
        (
            r"\(\s*NASDAQ(?:\s+Capital\s+Market|\s+Global\s+Select\s+Market|\s+Global\s+Market)?\s*:\s*(?P<code>[A-Z]{1,5})\s*[);]",
            "NASDAQ",
        ),
    ]
    best: tuple[int, re.Match[str], str, str] | None = None
    for pattern, exchange in codes:
        for sentence_index, sentence in enumerate(doc.sentences):
            hit = re.search(pattern, sentence, re.IGNORECASE)
            if hit:
                if best is None or sentence_index < best[0]:
                    best = (sentence_index, hit, sentence, exchange)
                break
    if best is not None:
        _, hit, sentence, exchange = best
        out.put("issuer.stock_code", hit.group("code"), _q((hit, sentence)))
        out.put("issuer.exchange", exchange, _q((hit, sentence)))
    else:
        out.missing["issuer.stock_code"] = (
            '"(Stock Code: 0020)", "(SGX: C8R)", "(ASX: KZA)", "(Nasdaq: ACHV)"'
        )
        for pattern, exchange in (
            (r"Stock Exchange of Hong Kong", "HKEX"),
            (r"SGX-ST|Singapore Exchange|Catalist", "SGX"),
            (r"\bASX\b|Australian Securities Exchange", "ASX"),
            (r"\bNasdaq\b", "NASDAQ"),
        ):
            hit2 = doc.first(pattern)
            if hit2:
                out.put("issuer.exchange", exchange, _q(hit2))
                break
        else:
            out.missing["issuer.exchange"] = "a stock code or the exchange's name"
    name = None
    for hit, sentence in doc.every(
        r"\s*\((?:the\s+)?\"(?:Company|Issuer)\"\)|\s*\((?:SGX|ASX|NASDAQ|Nasdaq)[^)]*\)"
    ):
        name = _name_before(sentence[: hit.start()])
        if name and re.search(rf"{_SUFFIX}$", name):
            out.put("issuer.name", name, _q((hit, sentence)))
            break
    if not out.has("issuer.name"):
        # A heading: the name on a line of its own, or before "(Incorporated in ...) (Stock Code: ...)".
        for paragraph in doc.paragraphs[:12]:
            head = re.split(r"\s*[\u3000-\u9fff\uff00-\uffef]", paragraph.split(" (", 1)[0], maxsplit=1)[
                0
            ].strip()
            if re.match(r"(?:Placing|Placement|Sole|Joint)\b", head, re.IGNORECASE):
                continue
            if (
                re.fullmatch(rf"[A-Z][\w&'.,-]*(?:\s+[\w&'.,()-]+){{0,12}}?\s+{_SUFFIX}", head)
                and len(head) <= 150
            ):
                out.put("issuer.name", head, paragraph)
                break
    if not out.has("issuer.name"):
        out.missing["issuer.name"] = (
            'the name before (the "Company"), or a heading line ending in Limited, Inc. ...'
        )


def _shares_and_price(doc: _Text, out: Extracted) -> None:  # noqa: PLR0912 - one branch a form
    share_words = (
        r"(?:new\s+)?(?:fully\s+paid\s+)?(?:ordinary\s+)?(?:(?P<cls>Class\s+[A-Z]|[AH])\s+)?(?:Shares|shares)"
    )
    defined = r"\((?:the\s+)?\"(?P<what>Placing|Placement|Subscription|New|Offer|Top-up\s+Subscription)\s+Shares\"\)"
    candidates = [
        rf"(?:up\s+to\s+)?(?P<n>{NUM})\s+{share_words}(?:\s+in\s+the\s+(?:share\s+)?capital\s+of\s+the\s+Company)?\s*{defined}",
        rf"(?:sale|issue\s+and\s+sell|offering|sell)\s+(?:of\s+)?(?:an\s+aggregate\s+of\s+)?(?:in\s+a\s+registered\s+direct\s+offering\s+)?(?P<n>{NUM})\s+shares\s+of\s+(?:its|the\s+Company's)\s+common\s+stock",
        rf"New\s+Shares\s+Issued\s*:?\s*(?P<n>{NUM})",
        rf"placement\s+of\s+(?P<n>{NUM})\s+{share_words}",
    ]
    hits = []
    for pattern in candidates:
        for hit, sentence in doc.every(pattern):
            hits.append((hit, sentence))
        if hits:
            break
    if hits:
        subscription = [
            h
            for h in hits
            if "what" in h[0].groupdict()
            and (h[0].group("what") or "").startswith(("Subscription", "Top-up"))
        ]
        hit, sentence = subscription[0] if subscription else hits[0]
        out.put("placing.new_shares", _whole(hit.group("n")), _q((hit, sentence)))
        cls = hit.groupdict().get("cls")
        if cls:
            out.put("issuer.share_class", re.sub(r"^Class\s+", "", cls), _q((hit, sentence)))
    else:
        out.missing["placing.new_shares"] = (
            '"1,750,000,000 new Shares (the "Placing Shares")", "sale of N shares of its common stock"'
        )
    other = r"(?![.,]?\d)(?!\s+per\s+(?:pre-funded|share\s+underlying))"
    prices = [
        rf"(?:Placing|Placement|Subscription|Issue|Offer|Offering)\s+Price\s+(?:of|is|being)\s+(?P<p>{PRICE}){other}",
        rf"at\s+(?:an?\s+|the\s+)?(?:issue\s+|offering\s+|purchase\s+|subscription\s+|placement\s+)?price\s+of\s+(?P<p>{PRICE}){other}",
        rf"(?:Offer|Issue)\s+Price\s*:\s*(?P<p>{PRICE}){other}",
        rf"\bat\s+(?P<p>{PRICE})\s+per\s+(?:share|Share)",
    ]
    for pattern in prices:
        hit2 = doc.first(pattern)
        if hit2:
            value = hit2[0].group("p")
            out.put("placing.price", _price_value(value), _q(hit2))
            symbol = _symbol(value)
            if symbol:
                out.put("issuer.currency", symbol, _q(hit2))
            break
    else:
        out.missing["placing.price"] = (
            '"Placing Price of HK$1.80", "at an issue price of 6.03 cents", "at a price of $8.20 per share"'
        )
    hit3 = doc.first(
        rf"pre-funded\s+warrants\s+to\s+purchase\s+(?:up\s+to\s+)?(?:an\s+aggregate\s+of\s+)?(?P<n>{NUM})\s+shares"
    )
    if hit3:
        out.put("placing.prefunded_warrants", _whole(hit3[0].group("n")), _q(hit3))
        hit4 = doc.first(rf"(?P<p>{PRICE})\s+per\s+(?:pre-funded\s+warrant|share\s+underlying)")
        if hit4:
            out.put("placing.prefunded_price", _price_value(hit4[0].group("p")), _q(hit4))
        else:
            out.missing["placing.prefunded_price"] = '"$3.069 per pre-funded warrant"'


def _currency(_doc: _Text, out: Extracted) -> None:
    exchange = out.values.get("issuer.exchange")
    symbol = out.values.get("issuer.currency")
    code: str | None = None
    if symbol is not None:
        text = str(symbol.value).strip().upper()
        code = _CURRENCY_OF_SYMBOL.get(text) or (text if re.fullmatch(r"[A-Z]{3}", text) else None)
        if text == "RMB":
            code = "CNY"
        if code is None and exchange is not None:
            code = _CURRENCY_OF_EXCHANGE.get(str(exchange.value))
        out.values["issuer.currency"] = Found(code, symbol.quote) if code else symbol
        if code is None:
            del out.values["issuer.currency"]
    elif exchange is not None and isinstance(out.values.get("placing.price", Found(None, "")).value, str):
        code = _CURRENCY_OF_EXCHANGE.get(str(exchange.value))  # a price in cents: the exchange's currency
        if code:
            price = out.values["placing.price"]
            out.put("issuer.currency", code, price.quote, "the price is in cents of the exchange's currency")
    if not out.has("issuer.currency"):
        out.missing["issuer.currency"] = "a currency sign on the price (HK$, S$, A$, US$)"


def _structure(doc: _Text, out: Extracted) -> None:
    hit = doc.first(r"\btop-up\b")
    if hit:
        out.put("placing.kind", "top-up", _q(hit))
    else:
        hit = doc.first(r"\b(?:placing|placement|registered direct offering|offering)\b")
        if hit:
            out.put("placing.kind", "placing", _q(hit))
    hit = doc.first(r"\b(?P<m>general|specific)\s+mandate\b")
    if hit:
        out.put("placing.mandate", hit[0].group("m").lower(), _q(hit))
        meeting = re.search(
            rf"(?:general meeting|AGM|EGM)[^.]*?held\s+on\s+(?P<d>{DATE})", hit[1], re.IGNORECASE
        )
        if meeting:
            out.notes.append(
                (f"the mandate was granted at the meeting held on {meeting.group('d')}", _q(hit))
            )
    elif out.values.get("issuer.exchange", Found("", "")).value in ("HKEX", "SGX"):
        out.missing["placing.mandate"] = '"under the General Mandate", "under a Specific Mandate"'
    hit = doc.first(
        rf"(?:General|Specific)\s+Mandate[^.]*?(?:up\s+to|a\s+maximum\s+of)\s+(?P<n>{NUM})\s+(?:new\s+)?(?:\w+\s+)?Shares"
    )
    if hit:
        out.put("placing.mandate_limit", _whole(hit[0].group("n")), _q(hit))
    hit = doc.first(r"\b(?P<u>best[- ]efforts?|fully[- ]underwritten)\b")
    if hit:
        word = hit[0].group("u").lower().replace("-", " ")
        out.put(
            "placing.underwriting",
            "best efforts" if word.startswith("best") else "fully underwritten",
            _q(hit),
        )
    hit = doc.first(
        rf"not\s+less\s+than\s+(?P<n>{WORDNUM})\s+(?:independent\s+)?(?:professional,\s+institutional\s+and/or\s+other\s+)?(?:Placees|placees|investors)"
    )
    if hit:
        out.put("placing.min_placees", _count(hit[0].group("n")), _q(hit))
    hit = doc.first(
        r"(?:placees|investors|subscribers)[^.]*independent\s+third\s+part|independent\s+third\s+part[^.]*(?:placees|investors)"
    )
    if hit:
        out.put("placing.independent_placees", True, _q(hit))
    hit = doc.first(r"\bRegulation\s+S\b")
    if hit:
        out.put("placing.offering", "Regulation S", _q(hit))
    _agents(doc, out)
    _dates(doc, out)
    _lock_ups(doc, out)
    _tranches(doc, out)


def _agents(doc: _Text, out: Extracted) -> None:
    role = r"(?:Sole\s+|Joint\s+)?(?:Global\s+Coordinators?\s+and\s+)?(?:Placing|Placement)\s+Agents?|Lead\s+Managers?|Underwriters?|Bookrunners?"
    names: list[str] = []
    quote = ""
    for hit, sentence in doc.every(rf"\s*\((?:the\s+|collectively,\s+the\s+)?\"(?:{role})\"\)"):
        name = _name_before(sentence[: hit.start()])
        if name and name not in names:
            names.extend(n.strip() for n in re.split(r",\s+|\s+and\s+(?=[A-Z])", name) if n.strip())
            quote = quote or sentence
    for hit, sentence in doc.every(
        rf"\s+(?:is|are)\s+acting\s+as\s+(?:the\s+)?(?:exclusive\s+|sole\s+|joint\s+)?(?:{role})",
        re.IGNORECASE,
    ):
        name = _name_before(sentence[: hit.start()])
        if name and name not in names:
            names.append(name)
            quote = quote or sentence
    heads = doc.paragraphs[:20]
    for paragraph, following in zip(heads, [*heads[1:], ""], strict=True):
        heading = re.fullmatch(rf"(?:{role})\s+(?P<name>[A-Z][\w&'.,() -]+?{_SUFFIX})", paragraph)
        if heading is None and re.fullmatch(rf"(?:{role})", paragraph):  # the role, then the name below it
            heading = re.fullmatch(rf"(?P<name>[A-Z][\w&'.,() -]+?{_SUFFIX})", following)
        if heading and heading.group("name") not in names:
            names.append(heading.group("name"))
            quote = quote or (paragraph if heading.string == paragraph else f"{paragraph} {following}")
    names = [n for n in names if n and n.lower() not in ("the company",)]
    if names:
        out.put("placing.agents", names[: parsers.MAX_AGENTS], quote)
    else:
        out.missing["placing.agents"] = (
            '"<name> (the "Placing Agent")", "<name> is acting as placement agent"'
        )


def _dates(doc: _Text, out: Extracted) -> None:
    patterns = [
        rf"\b[Oo]n\s+(?P<d>{DATE})(?:\s+\((?:before|after|during)\s+trading\s+hours\))?,?\s+(?:the\s+Company|the\s+Vendor|it)\b[^.]*?entered\s+into",
        rf"has\s+on\s+(?P<d>{DATE})\s+entered\s+into",
        rf"entered\s+into[^.]*?\bon\s+(?P<d>{DATE})",
    ]
    for pattern in patterns:
        hit = doc.first(pattern)
        if hit:
            out.put("placing.agreement_date", parse_date(hit[0].group("d")), _q(hit))
            break
    else:
        out.missing["placing.agreement_date"] = (
            '"On 17 December 2025 (after trading hours), the Company ... entered into"'
        )
    announced = None
    for paragraph in doc.paragraphs:
        hit2 = re.fullmatch(
            rf"(?:ASX\s+(?:ANNOUNCEMENT|RELEASE)\s+|(?:Hong Kong|Singapore|Sydney|Melbourne|Perth|Brisbane),\s+)?(?P<d>{DATE})",
            paragraph,
            re.IGNORECASE,
        )
        hit3 = re.search(rf"Date\s*&\s*Time\s+of\s+Broadcast\s*:?\s*(?P<d>{DATE})", paragraph)
        if hit2 or hit3:
            announced = (hit2 or hit3, paragraph)
    if announced is not None and announced[0] is not None:
        out.put("placing.announcement_date", parse_date(announced[0].group("d")), announced[1])
    else:
        out.missing["placing.announcement_date"] = '"Hong Kong, 18 December 2025" or a dated heading'
    hit = doc.first(
        rf"(?:completion|closing|offering|Placement\s+Shares)[^.]*?(?:expected\s+to\s+(?:take\s+place|close|be\s+completed|be\s+issued)|will\s+take\s+place|will\s+close)\s+on\s+(?:or\s+about\s+)?(?P<d>{DATE})"
    )
    if hit:
        out.put("placing.completion_date", parse_date(hit[0].group("d")), _q(hit))
    else:
        out.missing["placing.completion_date"] = '"Completion is expected to take place on ..."'
    hit = doc.first(
        rf"Long\s+Stop\s+Date[^.]*?(?P<d>{DATE})|on\s+or\s+before\s+(?P<d2>{DATE})\s+\(or\s+such\s+later\s+date"
    )
    if hit:
        out.put("placing.long_stop_date", parse_date(hit[0].group("d") or hit[0].group("d2")), _q(hit))
    else:
        out.missing["placing.long_stop_date"] = '"Long Stop Date", "on or before ... (or such later date"'


def _lock_ups(doc: _Text, out: Extracted) -> None:
    pattern = rf"(?:not|no)\b[^.]*?(?:issue|allot|sell|dispose)[^.]*?(?:for\s+a\s+period\s+of|within)\s+(?P<n>{WORDNUM})\s+days\s+(?:from|after|following)"
    for hit, sentence in doc.every(pattern):
        key = (
            "placing.vendor_lock_up_days"
            if re.search(r"\bVendor\b", sentence[: hit.start()] + hit.group(0))
            else "placing.lock_up_days"
        )
        out.put(key, _count(hit.group("n")), _q((hit, sentence)))
    if not out.has("placing.lock_up_days"):
        out.missing["placing.lock_up_days"] = (
            '"shall not issue any Shares for a period of 90 days from the Completion Date"'
        )


def _tranches(doc: _Text, out: Extracted) -> None:
    if out.values.get("issuer.exchange", Found("", "")).value != "ASX":
        return
    for hit, sentence in doc.every(
        rf"(?P<n>{NUM})\s+(?:will\s+be\s+issued\s+)?under\s+(?:the\s+Company's\s+|its\s+)?(?:additional\s+)?(?:\d+%\s+)?placement\s+capacity\s+under\s+Listing\s+Rule\s+(?P<r>7\.1A|7\.1)\b"
    ):
        rule = hit.group("r")
        out.tranches.append((f"Listing Rule {rule}", _whole(hit.group("n")), rule, _q((hit, sentence))))
    for hit, sentence in doc.every(
        rf"(?P<n>{NUM})\s+Placement\s+Shares,\s+the\s+issue\s+of\s+which\s+is\s+subject\s+to\s+(?:Shareholder|shareholder)s?'?\s+approval"
    ):
        out.tranches.append(
            ("Subject to shareholders' approval", _whole(hit.group("n")), "approval", _q((hit, sentence)))
        )
    total = sum(t[1] for t in out.tranches)
    new = out.values.get("placing.new_shares")
    if out.tranches and (new is None or total != new.value):
        out.notes.append(
            (f"tranches of {total:,} shares stated, not the new shares; not imported", out.tranches[0][3])
        )
        out.tranches.clear()
    if not out.tranches:
        hit2 = doc.first(r"Listing\s+Rules?\s+7\.1\s+and\s+7\.1A")
        if hit2:
            out.notes.append(
                ("issued under Listing Rules 7.1 and 7.1A; the split between them is not stated", _q(hit2))
            )
        else:
            hit3 = doc.first(r"placement\s+capacity\s+under\s+Listing\s+Rule\s+(?P<r>7\.1A|7\.1)\b")
            if hit3:
                out.put("placing.capacity", hit3[0].group("r"), _q(hit3))


def _capital(doc: _Text, out: Extracted) -> None:
    patterns = [
        rf"Number\s+of\s+Existing\s+Outstanding\s+Shares\s*:?\s*(?P<n>{NUM})",
        rf"(?:comprises|comprising|consists\s+of|there\s+(?:were|are)|has|had)\s+(?P<n>(?:{NUM})(?:\s+(?:million|billion))?)\s+(?:issued\s+)?(?:Shares|shares)(?:\s+in\s+issue|\s+outstanding)?",
        rf"total\s+number\s+of\s+(?:issued\s+)?Shares\s+(?:in\s+issue\s+)?(?:was|is)\s+(?P<n>{NUM})",
    ]
    for pattern in patterns:
        hit = doc.first(pattern)
        if hit and (
            "issue" in hit[1].lower() or "capital" in hit[1].lower() or "outstanding" in hit[1].lower()
        ):
            written = hit[0].group("n")
            note = f"as stated: {written}" if re.search(r"million|billion", written) else ""
            out.put("placing.shares_outstanding", _whole(written), _q(hit), note)
            break
    else:
        out.missing["placing.shares_outstanding"] = (
            '"the Company has N Shares in issue", "Number of Existing Outstanding Shares"'
        )
    _percentages(doc, out)


def _percentages(doc: _Text, out: Extracted) -> None:
    for sentence in doc.sentences:
        if not re.search(
            rf"{PCT}\s+of\s+the\s+(?:total\s+|existing\s+|enlarged\s+|issued\s+)*(?:number\s+of\s+issued\s+|issued\s+|existing\s+)?(?:share\s+capital|Shares|H\s+Shares|Class\s+[A-Z]\s+Shares)",
            sentence,
            re.IGNORECASE,
        ):
            continue
        parts = re.split(r",?\s+and\s+(?:will\s+represent\s+)?(?=(?:approximately|about|some|\d))", sentence)
        qualifiers = []
        for part in parts:
            if re.search(r"enlarged", part, re.IGNORECASE):
                qualifiers.append("enlarged")
            elif re.search(r"existing|as\s+at\s+the\s+date", part, re.IGNORECASE):
                qualifiers.append("existing")
            else:
                qualifiers.append("")
        for index, part in enumerate(parts):
            hit = re.search(rf"(?P<v>{APPROX}{PCT})\s+of\s+(?P<what>[^;]*)", part, re.IGNORECASE)
            if not hit:
                continue
            basis = qualifiers[index] or next((q for q in qualifiers[index + 1 :] if q), "")
            if not basis:
                out.notes.append(
                    (
                        f"{hit.group('v')}: not clear whether of existing or enlarged capital; not imported",
                        sentence,
                    )
                )
                continue
            what = hit.group("what")
            per_class = (
                re.match(
                    r"(?:the\s+)?(?:total\s+)?(?:existing\s+)?(?:issued\s+)?(?:number\s+of\s+)?(?:issued\s+)?(?:H|Class\s+[A-Z]|A)\s+Shares",
                    what,
                )
                is not None
            )
            key = f"stated.percent_of_{basis}{'_class' if per_class else ''}"
            out.put(key, hit.group("v"), _q((hit, sentence)))
        break


def _references(doc: _Text, out: Extracted) -> None:  # noqa: PLR0912 - one branch a reference
    clause = rf"(?P<kind>discount|premium)\s+of\s+(?P<v>{APPROX}{PCT})\s+(?:to|over|on|of)\s+(?:the\s+)?(?P<ref>.+?)(?=;\s|\s+and\s+\((?:[ivx]+|[a-h])\)|\(\s*(?:[ivx]+|[a-h])\s*\)|,?\s+and\s+(?:a\s+)?(?:discount|premium)\b|$)"
    for hit, sentence in doc.every(clause):
        ref = hit.group("ref")
        value = hit.group("v")
        if hit.group("kind").lower() == "premium":
            figure = re.search(PCT, value)
            value = f"-{figure.group(0)}" if figure else value
        price = re.search(rf"(?:of|at)\s+{APPROX}(?P<p>{PRICE})", ref)
        day = re.search(rf"\bon\s+(?P<d>{DATE})", ref)
        days = re.search(
            rf"(?:last|previous|past|over\s+the)\s+(?P<n>{WORDNUM})\s+(?:consecutive\s+)?(?:full\s+)?trading\s+days|(?P<n2>\d+)[- ](?:trading[- ])?day\s+VWAP",
            ref,
            re.IGNORECASE,
        )
        vwap = re.search(r"volume[- ]weighted\s+average\s+price|\bVWAP\b", ref, re.IGNORECASE)
        average = re.search(r"average\s+(?:closing\s+)?price", ref, re.IGNORECASE)
        n = (
            _count(days.group("n"))
            if days and days.group("n")
            else (int(days.group("n2")) if days and days.group("n2") else None)
        )
        if vwap and n is not None:
            out.put(f"stated.discount_to_vwap_{n}d", value, _q((hit, sentence)))
            if price:
                out.put(f"market.vwap_{n}d", _price_value(price.group("p")), _q((hit, sentence)))
        elif vwap:
            out.put("stated.discount_to_day_vwap", value, _q((hit, sentence)))
            if price:
                out.put("market.day_vwap", _price_value(price.group("p")), _q((hit, sentence)))
            if day:
                out.put("market.day_vwap_date", parse_date(day.group("d")), _q((hit, sentence)))
        elif average and n is not None:
            out.put(f"stated.discount_to_average_close_{n}d", value, _q((hit, sentence)))
            if price:
                out.put(f"market.average_close_{n}d", _price_value(price.group("p")), _q((hit, sentence)))
        elif (
            re.search(
                r"clos(?:ing|e)\s+price|last\s+close|closing\s+price|last\s+traded\s+price",
                ref,
                re.IGNORECASE,
            )
            and not average
        ):
            out.put("stated.discount_to_last_close", value, _q((hit, sentence)))
            if price:
                out.put("market.last_close", _price_value(price.group("p")), _q((hit, sentence)))
            if day:
                out.notes.append((f"the last close is that of {day.group('d')}", _q((hit, sentence))))
        else:
            out.notes.append(
                (
                    f"a {hit.group('kind')} of {hit.group('v')} to a reference not recognised; not imported",
                    _q((hit, sentence)),
                )
            )
    if not any(k.startswith("stated.discount_to_") for k in out.values):
        out.missing["stated.discount_to_last_close"] = (
            '"a discount of approximately 8.63% to the closing price of ..."'
        )


def _proceeds(doc: _Text, out: Extracted) -> None:
    quote_currency = r"(?:US\$|USD\s?|RMB\s?|HK\$|S\$|A\$)"
    for kind in ("gross", "net"):
        hit = doc.first(
            rf"{kind}\s+proceeds\b[^.;]*?(?:of|be|are|is|to|amount\s+to|approximately|about|around)\s+(?:up\s+to\s+)?(?P<a>{APPROX}{AMOUNT})(?:\s+\((?:equivalent\s+to\s+)?(?P<q>{APPROX}{quote_currency}\s?(?:{NUM})(?:\s?(?:million|billion|m|bn))?)\))?"
        )
        if kind == "gross" and not hit:
            hit = doc.first(
                rf"(?:to\s+raise|aggregate\s+consideration\s+of)\s+(?:up\s+to\s+)?(?P<a>{APPROX}{AMOUNT})(?:\s+\((?:before\s+costs|equivalent\s+to\s+(?P<q>{APPROX}{quote_currency}\s?(?:{NUM})(?:\s?(?:million|billion|m|bn))?))\))?"
            )
        if hit:
            out.put(f"stated.{kind}_proceeds", hit[0].group("a"), _q(hit))
            if hit[0].groupdict().get("q"):
                out.put(f"stated.{kind}_proceeds_quote", hit[0].group("q"), _q(hit))
        else:
            out.missing[f"stated.{kind}_proceeds"] = (
                f'"The {kind} proceeds from the Placing will be approximately HK$3,150 million"'
            )
    hit = doc.first(
        rf"net\s+(?:placing\s+|subscription\s+|issue\s+)?price\s+(?:per\s+(?:Placing\s+|Subscription\s+)?Share\s+)?[^.]*?(?P<p>{APPROX}{PRICE})"
    )
    if hit:
        out.put("stated.net_price_per_share", hit[0].group("p"), _q(hit))
    hit = doc.first(
        rf"(?:cash\s+fee|commission|placing\s+commission|placement\s+fee)\s+(?:equal\s+to|of)\s+(?P<c>{PCT})\s+of\s+the\s+(?:gross|aggregate)"
    )
    if hit:
        out.put("costs.commission_rate", hit[0].group("c").replace(" ", ""), _q(hit))
    _uses(doc, out)


def _uses(doc: _Text, out: Extracted) -> None:
    item = rf"\((?:[ivx]+|[a-h]|\d)\)\s*(?P<s>{APPROX}{PCT})(?:\s+of\s+the\s+(?:net\s+|gross\s+)?proceeds)?(?:\s+\([^)]*\))?,?\s+(?:(?:will\s+be|is\s+intended\s+to\s+be|to\s+be)\s+used\s+)?(?:for|to|towards)\s+(?P<name>.+?)(?=;|,?\s+and\s+\((?:[ivx]+|[a-h]|\d)\)|\.$|$)"
    for sentence in doc.sentences:
        items = list(re.finditer(item, sentence, re.IGNORECASE))
        if len(items) >= 2:
            for hit in items:
                name = hit.group("name").strip().rstrip(".;, ")
                name = re.sub(r"\s+and$", "", name)
                out.uses.append((name[:200], hit.group("s"), sentence))
            basis = re.search(r"\b(net|gross)\s+proceeds", sentence, re.IGNORECASE)
            out.uses_basis = basis.group(1).lower() if basis else None
            return
    whole = doc.first(
        r"(?:use|used|apply|applied)\s+(?:the\s+)?(?:full|entire|all(?:\s+of)?\s+the)\s+(?P<b>net|gross)\s+proceeds[^.]*?\bfor\s+(?P<name>[^.;]+)"
    )
    if whole:
        out.uses.append((whole[0].group("name").strip()[:200], "100%", whole[1]))
        out.uses_basis = whole[0].group("b").lower()
        return
    out.missing["proceeds.uses"] = (
        '"(i) approximately 40% for ...; (ii) ...", "the full net proceeds ... for ..."'
    )


_CN_NUMBERS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "二十": 20,
    "三十": 30,
}
_CN_DATE = r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"
_CN_UNITS = {"百萬": " million", "百万": " million", "億": "00 million", "亿": "00 million"}


def _cn_date(hit: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(hit.group("y")), int(hit.group("m")), int(hit.group("d")))
    except ValueError:
        return None


def _cn_count(text: str) -> int:
    return int(text) if text.isdigit() else _CN_NUMBERS[text]


def _chinese(doc: _Text, out: Extracted) -> None:  # noqa: PLR0912 - one branch a field
    """The Chinese-language form of an HKEX placing announcement (traditional or simplified)."""
    if not re.search(r"[\u4e00-\u9fff]", doc.all):
        return
    first = doc.first
    if hit := first(r"股份代[號号]:\s*(?P<code>\d{1,5})"):
        out.put("issuer.stock_code", hit[0].group("code"), _q(hit))
        out.put("issuer.exchange", "HKEX", _q(hit))
    if hit := first(rf"配售[價价](?:為|为)?每股(?:配售)?股份\s*(?P<p>{NUM})\s*港元"):
        out.put("placing.price", Decimal(hit[0].group("p").replace(",", "")), _q(hit))
        out.put("issuer.currency", "HKD", _q(hit))
    if hit := first(rf"(?P<n>{NUM})\s*股新(?P<cls>H|[A-Z][類类])?股份\(「(?:配售|認購|认购)股份」\)"):
        out.put("placing.new_shares", _whole(hit[0].group("n")), _q(hit))
        if hit[0].group("cls"):
            out.put("issuer.share_class", hit[0].group("cls")[0], _q(hit))
    if hit := first(r"配售"):
        out.put("placing.kind", "top-up" if first(r"先舊後新|先旧后新") else "placing", _q(hit))
    if hit := first(r"(?P<m>一般|特別|特别)授[權权]"):
        out.put("placing.mandate", "general" if hit[0].group("m") == "一般" else "specific", _q(hit))
    if hit := first(r"竭盡所能|竭尽所能|全數包銷|全数包销"):
        best = hit[0].group(0).startswith("竭")
        out.put("placing.underwriting", "best efforts" if best else "fully underwritten", _q(hit))
    if hit := first(r"不少於(?P<n>\d+|[一二三四五六七八九十]+)名(?:獨立)?承配人"):
        out.put("placing.min_placees", _cn_count(hit[0].group("n")), _q(hit))
    if hit := first(rf"於{_CN_DATE}[^,。]*?,?\s*本公司[^。]*?訂立"):
        out.put("placing.agreement_date", _cn_date(hit[0]), _q(hit))
    for paragraph in doc.paragraphs:
        if found := re.fullmatch(rf"香港,\s*{_CN_DATE}", paragraph):
            out.put("placing.announcement_date", _cn_date(found), paragraph)
    approx = "約 = approximately"
    if hit := first(rf"現有已發行股本約\s*(?P<v>{NUM})%"):
        out.put("stated.percent_of_existing", f"approximately {hit[0].group('v')}%", _q(hit), approx)
    if hit := first(rf"擴大後[^。]*?已發行股本約\s*(?P<v>{NUM})%"):
        out.put("stated.percent_of_enlarged", f"approximately {hit[0].group('v')}%", _q(hit), approx)
    reference = (
        rf"(?:最後(?P<n>\d+|[一二三四五六七八九十]+)個(?:連續)?交易日[^;。]*?)?(?P<avg>平均)?"
        rf"收市[價价]每股(?:約)?(?P<p>{NUM})港元折[讓让]約(?P<v>{NUM})%"
    )
    for ref, sentence in doc.every(reference):
        value = f"approximately {ref.group('v')}%"
        price = Decimal(ref.group("p").replace(",", ""))
        if ref.group("avg") and ref.group("n"):
            n = _cn_count(ref.group("n"))
            out.put(f"stated.discount_to_average_close_{n}d", value, _q((ref, sentence)), approx)
            out.put(f"market.average_close_{n}d", price, _q((ref, sentence)))
        elif not ref.group("avg"):
            out.put("stated.discount_to_last_close", value, _q((ref, sentence)), approx)
            out.put("market.last_close", price, _q((ref, sentence)))
    for kind, word in (("gross", "總額|总额"), ("net", "淨額|净额")):
        proceeds = rf"所得款項(?:{word})[^。]*?約(?:為|为)?\s*(?P<a>{NUM})\s*(?P<u>百萬|百万|億|亿)?港元"
        if hit := first(proceeds):
            unit = _CN_UNITS.get(hit[0].group("u") or "", "")
            out.put(f"stated.{kind}_proceeds", f"approximately HK${hit[0].group('a')}{unit}", _q(hit), approx)


_STEPS: tuple[_Step, ...] = (
    _issuer,
    _shares_and_price,
    _currency,
    _structure,
    _capital,
    _references,
    _proceeds,
    _chinese,
)


# --- the deal file ---------------------------------------------------------------------

_ORDER = {
    "issuer": ("name", "stock_code", "exchange", "currency", "share_class"),
    "placing": (
        "kind",
        "mandate",
        "underwriting",
        "agents",
        "min_placees",
        "independent_placees",
        "offering",
        "new_shares",
        "price",
        "prefunded_warrants",
        "prefunded_price",
        "shares_outstanding",
        "capacity",
        "mandate_limit",
        "agreement_date",
        "announcement_date",
        "completion_date",
        "long_stop_date",
        "lock_up_days",
        "vendor_lock_up_days",
    ),
}


def deal_toml(found: Extracted) -> str:  # noqa: PLR0912 - one branch a section
    """The deal file's text: each value under the sentence it came from, each field not found named."""
    lines = [
        f"# Imported by xl-placement import from {_comment(Path(found.source).name or 'an announcement')}.",
        "# Each value is as the announcement states it; the comment above it quotes the sentence it",
        "# came from. Fields looked for and not found are listed as comments: add them if you know them",
        '# (xl-placement check says "not given" for each). Nothing here was derived or guessed.',
    ]
    for section in ("issuer", "placing"):
        lines += ["", f"[{section}]"]
        for key in _ORDER[section]:
            lines += _entry(found, f"{section}.{key}", key)
        lines += _extra(found, section)
    for name, shares, capacity, quote in found.tranches:
        lines += ["", "[[placing.tranches]]", *_quote(quote)]
        lines += [f"name = {_toml(name)}", f"shares = {_toml(shares)}", f"capacity = {_toml(capacity)}"]
    market = [k for k in found.values if k.startswith("market.")]
    lines += ["", "[market]"]
    for path in market:
        lines += _entry(found, path, path.split(".", 1)[1])
    if not market:
        lines.append("# not found: reference prices (last close, averages, VWAP)")
    if "costs.commission_rate" in found.values:
        lines += ["", "[costs]", *_entry(found, "costs.commission_rate", "commission_rate")]
        lines.append("# other costs are not stated: add costs.other_costs if you know them")
    if found.uses:
        lines += ["", "[proceeds]"]
        if found.uses_basis:
            lines.append(f"basis = {_toml(found.uses_basis)}")
        for name, share, quote in found.uses:
            lines += [
                "",
                "[[proceeds.uses]]",
                *_quote(quote),
                f"name = {_toml(name)}",
                f"share = {_toml(_share(share))}",
            ]
    elif "proceeds.uses" in found.missing:
        lines += ["", f"# not found: proceeds.uses (looked for {_comment(found.missing['proceeds.uses'])})"]
    stated = [k for k in found.values if k.startswith("stated.")]
    lines += ["", "[stated]"]
    costs_given = "costs.commission_rate" in found.values
    for path in stated:
        key = path.split(".", 1)[1]
        if key.startswith("net_") and not costs_given:
            lines.append("# no costs are stated, so check compares this with net proceeds equal to gross")
        lines += _entry(found, path, key)
    for path, looked in found.missing.items():
        if path.startswith("stated."):
            lines.append(f"# not found: {path} (looked for {_comment(looked)})")
    if found.notes:
        lines += ["", "# Stated but not imported:"]
        for note, quote in found.notes:
            lines.append(f"# - {_comment(note)}")
            lines += [f"#   {line[2:]}" for line in _quote(quote)]
    return "\n".join(lines) + "\n"


def _share(text: str) -> str:
    figure = re.search(NUM, text)
    return f"{figure.group(0)}%" if figure else text


def _entry(found: Extracted, path: str, key: str) -> list[str]:
    value = found.values.get(path)
    if value is None:
        looked = found.missing.get(path)
        return [f"# not found: {path} (looked for {_comment(looked)})"] if looked else []
    lines = _quote(value.quote)
    if value.note:
        lines.append(f"# ({_comment(value.note)})")
    return [*lines, f"{key} = {_toml(value.value)}"]


def _extra(found: Extracted, section: str) -> list[str]:
    return [
        f"# not found: {path} (looked for {_comment(looked)})"
        for path, looked in found.missing.items()
        if path.startswith(f"{section}.") and path.split(".", 1)[1] not in _ORDER[section]
    ]


def _comment(text: object) -> str:
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", str(text))


def _quote(sentence: str) -> list[str]:
    text = _comment(sentence).strip()
    if len(text) > QUOTE_CHARS:
        text = text[: QUOTE_CHARS - 3].rstrip() + "..."
    words = text.split(" ")
    lines: list[str] = []
    current = '# "'
    for word in words:
        if len(current) + len(word) > 100 and current.strip() not in ('# "', "#"):
            lines.append(current.rstrip())
            current = "#  "
        current += word + " "
    lines.append(current.rstrip() + '"')
    return lines


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:_}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


@dataclass(frozen=True)
class Imported:
    """An imported deal file: its text, what was found and what ``check`` will say about its validity."""

    text: str
    extracted: Extracted
    problems: tuple[str, ...]


@in_context
def import_announcement(path: str | Path) -> Imported:
    """Read an announcement and make the deal file's text (nothing is written).

    Raises:
        AnnouncementError: the file cannot be read.
    """
    text = read_text(path)
    found = extract(text, str(path))
    toml = deal_toml(found)
    problems: tuple[str, ...] = ()
    try:
        deal_from_mapping(parse_text(toml, "toml", str(path)), str(path))
    except DealError as exc:
        problems = tuple(str(p) for p in exc.problems)
    return Imported(toml, found, problems)
