"""
Turn a .txt, .md or .html file into the parts of an article: title, body HTML and standfirst.

Nothing here touches the database; the ``import_article`` command saves the result, and
``Article.save()`` sanitises the body, so the HTML built here never needs to be trusted.
"""

import html
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
from django.utils.html import strip_tags

from .sanitize import clean_html

STANDFIRST_MAX_LENGTH = 400  # Article.standfirst
TITLE_MAX_LENGTH = 200  # Article.title

# Lines that are the name of the site the text was copied from (logo text, breadcrumbs),
# never part of the article. Compared with the whole line, ignoring case.
SITE_LABELS = [
    "Medical Tourism",
    "Medical Tourism Magazine",
]

# Paragraphs that are the source site's own chrome. The magazine renders its own medical
# disclaimer, free-quote call to action and certification promo (SiteBlock) around every
# article, so copies pasted in with the text would show twice and go stale.
# Each pattern is matched against one whole paragraph.
PROMOTIONAL_PATTERNS = [
    re.compile(r"^disclaimer\s*:", re.IGNORECASE),
    re.compile(r"\bfree quote\b", re.IGNORECASE),
    # "... please visit" with the link lost when the page was copied as text.
    re.compile(r"\bplease visit\W*$", re.IGNORECASE),
    re.compile(r"^to (?:find|learn) out more\b.*\bplease visit\b", re.IGNORECASE),
    re.compile(r"\bcertified medical tourism professional\b", re.IGNORECASE),
]
# A line ending in an arrow is a link button ("Read more →"): chrome, and a paragraph of its own
# even when the next paragraph follows without a blank line.
LINK_BUTTON_RE = re.compile(r"[→»›]\s*$")

# A heading in plain text: a short line that does not end like a sentence, followed by a paragraph.
HEADING_MAX_LENGTH = 100
SENTENCE_END = tuple(".!?:;,…")
# Lines of a paragraph shorter than this are taken as hard-wrapped and joined; longer lines
# without blank lines between them are one paragraph each.
WRAP_WIDTH = 100
BULLET_RE = re.compile(r"^(?:[-*•–])\s+")


class ArticleImportError(ValueError):
    pass


@dataclass
class ParsedArticle:
    title: str
    body: str
    standfirst: str


def parse_file(path):
    path = Path(path)
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        raise ArticleImportError(
            f"Unsupported file type {path.suffix or '(none)'!r}: use one of {', '.join(sorted(PARSERS))}."
        )
    try:
        # utf-8-sig: files saved by Windows editors start with a byte order mark.
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleImportError(f"{path.name} is not UTF-8 text ({error.reason} at byte {error.start}).") from error
    if not text.strip():
        raise ArticleImportError(f"{path.name} is empty.")
    parsed = parser(text, fallback_title=path.stem.replace("-", " ").replace("_", " ").capitalize())
    if not strip_tags(parsed.body).strip():
        raise ArticleImportError(f"{path.name} has a title but no article text.")
    if len(parsed.title) > TITLE_MAX_LENGTH:
        raise ArticleImportError(
            f"The title found is {len(parsed.title)} characters long (at most {TITLE_MAX_LENGTH}): "
            f"{parsed.title[:80]}…"
        )
    return parsed


# Plain text


def parse_text(text, *, fallback_title=""):
    paragraphs = [p for p in _text_paragraphs(text) if not is_promotional(_joined(p))]
    if not paragraphs:
        raise ArticleImportError("No article text found: every line is site chrome.")
    title, paragraphs = _joined(paragraphs[0]), paragraphs[1:]

    blocks = []
    for index, lines in enumerate(paragraphs):
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        if _looks_like_heading(lines) and following is not None and not _looks_like_heading(following):
            blocks.append(f"<h2>{html.escape(lines[0], quote=False)}</h2>")
        elif all(BULLET_RE.match(line) for line in lines):
            items = "".join(f"<li>{html.escape(BULLET_RE.sub('', line), quote=False)}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append(f"<p>{html.escape(_joined(lines), quote=False)}</p>")
    standfirst, body = split_standfirst("\n".join(blocks))
    return ParsedArticle(title=title or fallback_title, body=body, standfirst=standfirst)


def _text_paragraphs(text):
    """Yield each paragraph as its list of lines, without site labels."""
    labels = {_normalise(label) for label in SITE_LABELS}
    current = []
    for raw_line in text.splitlines():
        line = " ".join(raw_line.split())
        if _normalise(line) in labels:
            line = ""
        if line:
            current.append(line)
        if current and (not line or LINK_BUTTON_RE.search(line)):
            yield from _split_unwrapped(current)
            current = []
    if current:
        yield from _split_unwrapped(current)


def _split_unwrapped(lines):
    if all(BULLET_RE.match(line) for line in lines) or all(len(line) <= WRAP_WIDTH for line in lines[:-1]):
        yield lines
    else:
        yield from ([line] for line in lines)


def _looks_like_heading(lines):
    line = lines[0]
    return (
        len(lines) == 1
        and len(line) <= HEADING_MAX_LENGTH
        and not line.endswith(SENTENCE_END)
        and not BULLET_RE.match(line)
        and (line[0].isupper() or line[0].isdigit())
    )


def _joined(lines):
    return " ".join(lines)


def _normalise(line):
    return " ".join(line.split()).casefold()


def is_promotional(paragraph):
    return bool(LINK_BUTTON_RE.search(paragraph)) or any(
        pattern.search(paragraph) for pattern in PROMOTIONAL_PATTERNS
    )


# Markdown and HTML

TITLE_TAG_RE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
HEAD_RE = re.compile(r"<head\b.*?</head\s*>", re.IGNORECASE | re.DOTALL)
BODY_RE = re.compile(r"<body\b[^>]*>(.*?)(?:</body\s*>|$)", re.IGNORECASE | re.DOTALL)
H1_RE = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
LEADING_HEADING_RE = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
HEADING_TAG_RE = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
PARAGRAPH_RE = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.IGNORECASE | re.DOTALL)


def parse_markdown(text, *, fallback_title=""):
    rendered = markdown.markdown(text, extensions=["extra", "sane_lists"])
    return _from_html_body(rendered, document_title="", fallback_title=fallback_title)


def parse_html(text, *, fallback_title=""):
    title_tag = TITLE_TAG_RE.search(text)
    document_title = _text_of(title_tag.group(1)) if title_tag else ""
    body = TITLE_TAG_RE.sub("", HEAD_RE.sub("", text))
    body_tag = BODY_RE.search(body)
    if body_tag:
        body = body_tag.group(1)
    return _from_html_body(body, document_title=document_title, fallback_title=fallback_title)


def _from_html_body(body, *, document_title, fallback_title):
    """Take the title out of the body and make its top-level sections <h2>."""
    # The article's own <h1> beats the <title>, which usually carries the site name too.
    if h1 := H1_RE.search(body):
        title = _text_of(h1.group(1))
        body = body[: h1.start()] + body[h1.end() :]
    elif document_title:
        title = document_title
    elif leading := LEADING_HEADING_RE.match(body):
        title = _text_of(leading.group(2))
        body = body[leading.end() :]
    else:
        title = ""
    standfirst, body = split_standfirst(_demote_headings(body).strip())
    return ParsedArticle(title=title or fallback_title, body=body, standfirst=standfirst)


def _demote_headings(body):
    # The page's <h1> is the article title and the sanitiser drops <h1> tags, so sections
    # written as <h1> move down one level (and the rest with them) to keep their order.
    if not H1_RE.search(body):
        return body
    return HEADING_TAG_RE.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", body)


def _text_of(fragment):
    # Sanitised first, so the text of a <script> never becomes part of a title or standfirst.
    return " ".join(html.unescape(strip_tags(clean_html(fragment))).split())


def standfirst_from_html(body):
    """The first paragraph as plain text, cut at a word boundary to fit the standfirst."""
    first = PARAGRAPH_RE.search(body)
    text = _text_of(first.group(1) if first else body)
    return truncate_at_word(text, STANDFIRST_MAX_LENGTH)


def split_standfirst(body):
    """
    The standfirst, and the body without its opening paragraph when that paragraph
    became the whole standfirst (the page shows the standfirst above the body).
    """
    standfirst = standfirst_from_html(body)
    first = PARAGRAPH_RE.search(body)
    rest = body[first.end() :].strip() if first else ""
    if first and not body[: first.start()].strip() and _text_of(first.group(1)) == standfirst and PARAGRAPH_RE.search(rest):
        body = rest
    return standfirst, body


def truncate_at_word(text, limit):
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]  # room for the ellipsis
    if not text[limit - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


PARSERS = {
    ".txt": parse_text,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".html": parse_html,
    ".htm": parse_html,
}
