"""
Search relevance: queries a reader would type and the articles each should find first, scored as the mean
reciprocal rank (MRR: 1 when a relevant article comes first for every query, 0.5 when second, 0 when none is
in the first RANKS_READ results). The queries include words typed in part, misspelt words and synonyms.

An article is relevant to a query when its title is about what the query asks (a pattern over the title):
the demo articles are, and so are generated articles on the same subject among the benchmark's 100,000.

    python bench/relevance.py          the table and the MRR, in Markdown, over the database of the settings

bench/run.sh runs it over the benchmark's database; tests/articles/test_search_relevance.py over the demo
content alone.
"""

import os
import re
import sys
from pathlib import Path

# (query, what the title of a relevant article says (a regular expression), what the query tests)
CASES = [
    ("stem cell stroke", r"stem cell.*stroke", "words"),
    ("stemm cel strok", r"stem cell.*stroke", "misspelt"),
    ("rehabilitat after strok", r"stroke", "typed in part"),
    ("brain attack stem cells", r"stem cell.*stroke", "synonym"),
    ("knee replacment abroad", r"knee replacement", "misspelt"),
    ("knee arthroplasty costs", r"knee replacement", "synonym"),
    ("dental implant quote", r"dental implant", "words"),
    ("tooth implants quote", r"dental implant", "synonym"),
    ("heart bypass abroad", r"heart bypass", "words"),
    ("coronary artery bypass abroad", r"heart bypass", "synonym"),
    ("hart bypas", r"heart bypass", "misspelt"),
    ("clinic accreditation", r"accredit", "words"),
    ("accreditat clinic", r"accredit", "typed in part"),
    ("recovery time travel after surgery", r"recovery|after surgery", "words"),
    ("how long to stay after surgery", r"how long to stay|after surgery", "words"),
    ("planing recovry time", r"planning recovery|recovery time", "misspelt"),
]
# A result further down than this counts as not found.
RANKS_READ = 10


def ranks(cases=CASES):
    """(query, pattern, kind, rank of the first relevant result or None, title of the first result) for each case."""
    from articles.models import Article
    from articles.search import search_articles

    found = []
    for query, pattern, kind in cases:
        ids = search_articles(query).ids[:RANKS_READ]
        titles = Article.objects.in_bulk(ids)
        relevant = re.compile(pattern, re.IGNORECASE)
        rank = next((n for n, pk in enumerate(ids, 1) if relevant.search(titles[pk].title)), None)
        found.append((query, pattern, kind, rank, titles[ids[0]].title if ids else ""))
    return found


def mean_reciprocal_rank(found):
    return sum(1 / case[3] for case in found if case[3]) / len(found) if found else 0.0


def report(found):
    lines = ["| query | tests | relevant titles | rank | first result |", "| --- | --- | --- | ---: | --- |"]
    for query, pattern, kind, rank, first in found:
        lines.append(f"| {query} | {kind} | `{pattern}` | {rank or f'not in the first {RANKS_READ}'} | {first} |")
    lines.append(f"\nMean reciprocal rank over {len(found)} queries: **{mean_reciprocal_rank(found):.2f}**")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    print(report(ranks()))
