"""magazine/links.py: reverse() remembered per URLconf and script prefix."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from magazine.links import cached_reverse


def test_the_same_address_as_reverse():
    assert cached_reverse("articles:home") == reverse("articles:home") == "/"
    assert cached_reverse("articles:detail", slug="knee-surgery") == reverse("articles:detail", kwargs={"slug": "knee-surgery"})


def test_an_address_follows_the_script_prefix():
    assert cached_reverse("articles:category", slug="dental") == "/category/dental/"
    set_script_prefix("/magazine/")
    try:
        assert cached_reverse("articles:category", slug="dental") == "/magazine/category/dental/"
    finally:
        set_script_prefix("/")
    assert cached_reverse("articles:category", slug="dental") == "/category/dental/"


def test_an_address_follows_the_urlconf(settings):
    with pytest.raises(NoReverseMatch):
        cached_reverse("bench-ceiling")
    settings.ROOT_URLCONF = "bench.urls"  # the site's URLs and one more
    assert cached_reverse("bench-ceiling") == "/bench/ceiling/"
