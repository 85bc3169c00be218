"""
Numbered citations: editors type a reference's number in square brackets in the body, ``[2]``, ``[1, 3]`` or
``[2–4]``, and the page shows it as a superscript link to that reference, which links back to each place it is
cited. Numbers are those of the article's reference list (1 is the first reference shown); a bracket naming a
number the list does not have is left as it was typed, and so is one inside a link, ``<code>`` or ``<pre>``.

Done when the page is rendered, not when the body is saved: the numbers follow the reference list as it is
now, and the stored body (which the medical review signs off) stays what the editor typed.
"""

import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .typography import TAG_NAME_RE, TOKEN_RE

CITATION_RE = re.compile(r"\[(\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*)\]")
NUMBER_RE = re.compile(r"(\d{1,3})(?:\s*[\u2013-]\s*(\d{1,3}))?")
# A citation inside these is text: a link cannot hold another, code is literal.
LITERAL_TAGS = {"a", "code", "pre", "kbd", "samp"}
MAX_RANGE = 20


def reference_anchor(number):
    return f"ref-{number}"


def citation_anchor(number, occurrence):
    return f"cite-{number}-{occurrence}"


def _numbers(inside, count):
    """The reference numbers of a bracket's content, or None when it is not a citation of this list."""
    numbers = []
    for part in inside.split(","):
        match = NUMBER_RE.fullmatch(part.strip())
        if not match:
            return None
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if not 1 <= first <= last <= count or last - first >= MAX_RANGE:
            return None
        numbers.extend(n for n in range(first, last + 1) if n not in numbers)
    return numbers


def link_citations(body, count):
    """
    ``(html, cited)``: the sanitised ``body`` with its citations of references 1 to ``count`` linked, and
    ``cited``, {reference number: [the ids of the places it is cited, in order]}, for the links back.
    """
    cited = {}
    if not count or "[" not in body:
        return mark_safe(body), cited  # nosec B308 B703  # the body is sanitised (nh3) on save
    out = []
    literal = 0
    superscript = 0

    def link(match):
        numbers = _numbers(match.group(1), count)
        if numbers is None:
            return match.group(0)
        links = []
        for number in numbers:
            places = cited.setdefault(number, [])
            places.append(citation_anchor(number, len(places) + 1))
            links.append((reference_anchor(number), places[-1], number))
        html = format_html(
            '[{}]',
            format_html_join(
                ", ", '<a href="#{}" id="{}"><span class="visually-hidden">reference </span>{}</a>', links
            ),
        )
        # Typed as superscript in the editor already: not a second one.
        return html if superscript else format_html('<sup class="citation">{}</sup>', html)

    for index, token in enumerate(TOKEN_RE.split(body)):
        if index % 2:
            match = TAG_NAME_RE.match(token)
            if match:
                closing, name = match.group(1), match.group(2).lower()
                step = -1 if closing else 1
                if name in LITERAL_TAGS:
                    literal = max(0, literal + step)
                elif name == "sup":
                    superscript = max(0, superscript + step)
            out.append(token)
        elif literal or "[" not in token:
            out.append(token)
        else:
            out.append(CITATION_RE.sub(link, token))
    return mark_safe("".join(out)), cited  # nosec B308 B703  # sanitised body; the links' values are numbers
