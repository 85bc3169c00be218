"""Plain-text helpers of the public pages."""

import re

SPACES_RE = re.compile(r"\s+")
# What is left hanging at the end of a cut: a comma, a dash, an opening bracket or quote.
TRAILING_RE = re.compile(r"[\s,;:(\[{“‘\"'–—-]+$")

DESCRIPTION_LENGTH = 160


def cut_at_word(text, limit=DESCRIPTION_LENGTH):
    """``text`` on one line, at most ``limit`` characters; a longer one is cut after its last whole word, with "…"."""
    text = SPACES_RE.sub(" ", text or "").strip()
    if len(text) <= limit:
        return text
    head = text[: limit - 1]  # room for the ellipsis
    if not text[limit - 1].isspace() and not head[-1].isspace() and " " in head:
        head = head.rsplit(" ", 1)[0]  # the last word would be cut: leave it out
    return TRAILING_RE.sub("", head) + "…"
