"""The benchmark's relevance queries (bench/relevance.py) over the demo content: each finds a relevant article first."""

import io

import pytest
from django.core.management import call_command

from bench.relevance import CASES, mean_reciprocal_rank, ranks, report

pytestmark = pytest.mark.django_db


def test_every_relevance_query_finds_a_relevant_demo_article_first(media_root, django_capture_on_commit_callbacks):
    # Saved and committed as the loader does it outside tests: the titles' words are kept for corrections.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_content", stdout=io.StringIO())
    found = ranks()
    assert [case[3] for case in found] == [1] * len(CASES), report(found)
    assert mean_reciprocal_rank(found) == 1.0


def test_the_score_counts_a_relevant_article_found_second_as_one_half():
    assert mean_reciprocal_rank([("q", "p", "k", 2, "t"), ("q", "p", "k", None, "")]) == 0.25
