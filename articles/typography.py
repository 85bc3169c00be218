"""
Typography of the public pages: curly quotes, dashes and ellipses in what editors typed, as SmartyPants does.

Only text is changed: never a tag, an attribute (a URL, an alt text), nor the text of ``<code>``, ``<pre>``,
``<kbd>``, ``<samp>``, ``<script>`` or ``<style>``, nor a bare address written in the text (``https://…``).
"""

import html
import re

from markupsafe import Markup, escape

# A tag, a comment or a declaration; the text between them is what is typeset.
TOKEN_RE = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
TAG_NAME_RE = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
# Their text is literal: code, or not text at all.
VERBATIM_TAGS = {"code", "pre", "kbd", "samp", "var", "script", "style", "textarea"}
# Quotes do not run across these: a new block starts after any of them.
BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "br", "hr",
    "section", "article", "aside", "header", "footer", "nav",
}  # fmt: skip
# Addresses and e-mail addresses written in the text stay as they were typed.
ADDRESS_RE = re.compile(r"(\b(?:https?://|www\.)\S+|\S+@\S+\.\w+)")
# After these a quote opens; after anything else it closes (or is an apostrophe).
OPENS_AFTER = set(" \t\n\r\xa0([{<\u2014\u2013-/\u201c\u2018")


DASH_RE = re.compile(r"(?<=\s)-(?=\s)")


def _dashes(text):
    if "-" not in text and "." not in text:
        return text
    text = text.replace("---", "\u2014").replace("--", "\u2013")
    text = DASH_RE.sub("\u2013", text)  # a hyphen between spaces is a dash
    text = text.replace("...", "\u2026").replace(". . .", "\u2026")
    return text


QUOTE_RE = re.compile(r"[\"']")
DECADE_RE = re.compile(r"\d\ds")


def _quotes(text, before):
    """Curly quotes for the straight ones of ``text``, ``before`` being the character that precedes it."""
    if '"' not in text and "'" not in text:
        return text
    out = []
    start = 0
    # The character before each quote as typeset: the quote before it, once curled, if it is one.
    last_index, last_char = -1, before
    for match in QUOTE_RE.finditer(text):
        i = match.start()
        previous = last_char if i - 1 == last_index else (text[i - 1] if i else before)
        if text[i] == '"':
            char = "\u201c" if previous in OPENS_AFTER else "\u201d"
        else:
            following = text[i + 1 : i + 4]
            if previous in OPENS_AFTER and DECADE_RE.match(following):
                char = "\u2019"  # the '90s
            elif previous in OPENS_AFTER and following[:1] not in ("", " "):
                char = "\u2018"
            else:
                char = "\u2019"  # closing quote or apostrophe: it's
        out.append(text[start:i])
        out.append(char)
        start = i + 1
        last_index, last_char = i, char
    out.append(text[start:])
    return "".join(out)


def _typeset(text, before):
    if "://" not in text and "www." not in text and "@" not in text:  # no address: the whole text is typeset
        return _quotes(_dashes(text), before)
    pieces = ADDRESS_RE.split(text)
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:  # an address
            out.append(piece)
        else:
            piece = _quotes(_dashes(piece), out[-1][-1] if out and out[-1] else before)
            out.append(piece)
    return "".join(out)


def smarten_html(value):
    """``value``, HTML, typeset. Its markup is kept as it is; text is re-escaped (``&``, ``<`` and ``>``)."""
    out = []
    verbatim = 0
    before = " "
    for index, token in enumerate(TOKEN_RE.split(value)):
        if index % 2:  # a tag
            match = TAG_NAME_RE.match(token)
            if match:
                closing, name = match.group(1), match.group(2).lower()
                if name in VERBATIM_TAGS and not token.rstrip().endswith("/>"):
                    verbatim = max(0, verbatim - 1) if closing else verbatim + 1
                if name in BLOCK_TAGS:
                    before = " "
            out.append(token)
        elif not token:
            continue
        elif verbatim:
            out.append(token)
        else:
            text = _typeset(html.unescape(token), before)
            before = text[-1]
            out.append(str(escape(text)).replace("&#39;", "'").replace("&#34;", '"'))
    return "".join(out)


def smarten(value):
    """The Jinja2 filter ``|smarten``: HTML (a string marked safe) is typeset as HTML, plain text escaped first."""
    if value is None:
        return Markup("")
    if not hasattr(value, "__html__"):
        value = escape(str(value))
    return Markup(smarten_html(str(value)))  # nosec B704  # text re-escaped, markup kept as it was
