"""
The words of a search or of a synonym entry: letters and digits only, so that no input can break a search
(articles/search.py). Imports nothing of the app, so that models and search both use it.
"""

import re

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
# Letters and digits: no operator, quote or underscore (which PostgreSQL's parser would split) reaches a query.
TERM_RE = re.compile(r"[^\W_]+", re.UNICODE)


def search_terms(query):
    """Words of the query, without operators or punctuation, so no input can break the search."""
    return [term.lower() for term in TERM_RE.findall((query or "")[:MAX_QUERY_LENGTH])][:MAX_TERMS]


def synonym_phrases(text):
    """The phrases of a synonym entry ("heart attack, myocardial infarction"), each as its words."""
    phrases = []
    for part in (text or "").split(","):
        words = tuple(search_terms(part))
        if words and words not in phrases:
            phrases.append(words)
    return phrases
