import pytest

from articles.models import Article, SlugRedirect
from editing.checks import (
    BLOCKING,
    GOOD,
    INFO,
    WARNING,
    ReferenceValues,
    blocking_problems,
    empty_links,
    flesch_reading_ease,
    heading_problems,
    images_without_alt,
    internal_article_slugs,
    parse_body,
    reference_problems,
    run_checks,
    seo_findings,
    syllables,
    text_blocks,
    visible_article_slugs,
)
from tests.conftest import make_article

HOSTS = {"magazine.example", "127.0.0.1:8000"}


def by_code(findings):
    return {finding.code: finding for finding in findings}


# Alt text


def test_images_without_alt_lists_missing_empty_and_blank_alt_but_not_described_images():
    root = parse_body(
        '<p><img src="/a.jpg"><img src="/b.jpg" alt=""><img src="/c.jpg" alt="   "><img src="/d.jpg" alt="An X-ray"></p>'
    )
    assert images_without_alt(root) == ["/a.jpg", "/b.jpg", "/c.jpg"]


def test_blocking_problems_name_the_number_of_images_and_how_to_fix_them():
    problems = blocking_problems('<figure><img src="/a.jpg"></figure><p><img src="/b.jpg" alt="">text</p>')
    assert len(problems) == 1
    assert "2 image(s)" in problems[0] and "Alternative Text" in problems[0]


def test_blocking_problems_are_none_for_described_images_or_no_images():
    assert blocking_problems('<p><img src="/a.jpg" alt="A surgeon"></p>') == []
    assert blocking_problems("<p>No images.</p>") == []
    assert blocking_problems("") == []


def test_an_image_without_alt_is_a_blocking_finding():
    findings = by_code(run_checks(title="A title long enough to pass", body='<p><img src="/x.png"></p>'))
    assert findings["alt_text"].level == BLOCKING
    assert findings["alt_text"].items == ("/x.png",)


# Headings


def test_h1_in_the_body_is_reported():
    problems = heading_problems(parse_body("<h1>Big</h1><h2>Section</h2>"))
    assert len(problems) == 1 and "“Big” is a Heading 1" in problems[0]


def test_h3_before_any_h2_is_reported():
    problems = heading_problems(parse_body("<h3>Too deep</h3><h2>Section</h2><h3>Fine</h3>"))
    assert problems == ["“Too deep” is a Heading 3 before any Heading 2: start sections with Heading 2."]


def test_skipped_level_is_reported():
    problems = heading_problems(parse_body("<h2>Section</h2><h4>Skipped</h4>"))
    assert problems == ["“Skipped” is a Heading 4 right after a Heading 2: a level is skipped."]


def test_headings_in_order_give_no_problem():
    assert heading_problems(parse_body("<h2>A</h2><h3>A.1</h3><h4>A.1.a</h4><h2>B</h2><h3>B.1</h3>")) == []
    assert by_code(run_checks(body="<h2>A</h2><p>x</p>"))["headings"].level == GOOD


# Links


def test_empty_links_without_text_or_address_are_reported():
    root = parse_body('<p><a href="https://x.example/"></a><a>No address</a><a href="#">Hash</a><a href="/ok/">Fine</a></p>')
    problems = empty_links(root)
    assert len(problems) == 3
    assert "https://x.example/ has no text" in problems[0]
    assert "“No address” leads nowhere" in problems[1]
    assert "“Hash” leads nowhere" in problems[2]


def test_a_link_around_a_described_image_is_not_empty():
    assert empty_links(parse_body('<a href="/x/"><img src="/i.png" alt="Clinic entrance"></a>')) == []


def test_internal_article_slugs_read_relative_and_own_host_links_only():
    root = parse_body(
        '<a href="/articles/knee/">a</a><a href="https://magazine.example/articles/hip/?utm=1#top">b</a>'
        '<a href="https://other.example/articles/elbow/">c</a><a href="/category/ortho/">d</a>'
        '<a href="mailto:x@example.org">e</a><a href="articles/relative/">f</a>'
    )
    assert internal_article_slugs(root, HOSTS) == {"knee": "/articles/knee/", "hip": "https://magazine.example/articles/hip/?utm=1#top"}


@pytest.mark.django_db
def test_links_to_unpublished_articles_are_reported_with_published_ones_and_redirects_left_out():
    live = make_article(slug="live")
    make_article(slug="draft", status=Article.Status.DRAFT)
    moved = make_article(slug="new-address")
    SlugRedirect.objects.create(old_slug="old-address", article=moved)
    body = (
        '<p><a href="/articles/live/">Live</a> <a href="/articles/draft/">Draft</a> '
        '<a href="/articles/old-address/">Old</a> <a href="/articles/missing/">Missing</a></p>'
    )
    finding = by_code(run_checks(body=body, visible_slugs=visible_article_slugs))["unpublished_links"]
    assert finding.level == WARNING
    assert finding.items == ("/articles/draft/", "/articles/missing/")
    assert live.is_published()


@pytest.mark.django_db
def test_a_scheduled_article_counts_as_unpublished():
    from datetime import timedelta

    from django.utils import timezone

    make_article(slug="soon", published_at=timezone.now() + timedelta(days=1))
    assert visible_article_slugs({"soon"}) == set()


@pytest.mark.django_db
def test_visible_article_slugs_runs_two_queries_whatever_the_number_of_links(django_assert_num_queries):
    for n in range(5):
        make_article(slug=f"a-{n}")
    with django_assert_num_queries(2):
        assert visible_article_slugs({f"a-{n}" for n in range(5)} | {"x"}) == {f"a-{n}" for n in range(5)}


# References


def test_doi_and_pubmed_urls_without_their_identifier_are_reported_with_the_identifier_to_fill_in():
    problems = reference_problems(
        [
            ReferenceValues(1, "https://doi.org/10.1161/STROKEAHA.120.029"),
            ReferenceValues(2, "https://pubmed.ncbi.nlm.nih.gov/12345678/"),
            ReferenceValues(3, "https://www.ncbi.nlm.nih.gov/pubmed/555"),
            ReferenceValues(4, "https://dx.doi.org/10.1000/xyz", doi="10.1000/xyz"),
            ReferenceValues(5, "https://pubmed.ncbi.nlm.nih.gov/42/", pmid="42"),
            ReferenceValues(6, "https://www.cochranelibrary.com/"),
            ReferenceValues(7, ""),
        ]
    )
    assert problems == [
        "Reference 1 links to doi.org: fill in its DOI (10.1161/STROKEAHA.120.029).",
        "Reference 2 links to PubMed: fill in its PMID (12345678).",
        "Reference 3 links to PubMed: fill in its PMID (555).",
    ]


# Search engines


def test_seo_title_longer_than_search_results_show_is_a_warning():
    findings = by_code(seo_findings(title="x" * 61, seo_title="", standfirst="s" * 100, seo_description=""))
    assert findings["seo_title"].level == WARNING and "61 characters" in findings["seo_title"].message
    assert "title (no SEO title)" in findings["seo_title"].message


def test_the_seo_title_replaces_the_title_when_given():
    findings = by_code(seo_findings(title="x" * 90, seo_title="A clear SEO title for searchers", standfirst="s" * 100, seo_description=""))
    assert findings["seo_title"].level == GOOD


def test_too_short_titles_and_descriptions_are_warnings():
    findings = by_code(seo_findings(title="Short", seo_title="", standfirst="", seo_description="Too short."))
    assert findings["seo_title"].level == WARNING
    assert findings["seo_description"].level == WARNING and "10 characters" in findings["seo_description"].message


def test_a_standfirst_longer_than_160_is_cut_for_search_engines():
    findings = by_code(seo_findings(title="A title of a fine length", seo_title="", standfirst="w" * 200, seo_description=""))
    assert findings["seo_description"].level == WARNING and "cut after 160" in findings["seo_description"].message


def test_a_description_of_a_good_length_passes():
    findings = by_code(seo_findings(title="A title of a fine length", seo_title="", standfirst="", seo_description="d" * 120))
    assert findings["seo_description"].level == GOOD


# Readability


@pytest.mark.parametrize(
    "word, count",
    [("the", 1), ("cat", 1), ("stroke", 1), ("table", 2), ("therapy", 3), ("hospital", 3), ("recovery", 4), ("treated", 2), ("nurses", 2), ("boxes", 2), ("stroked", 1), ("tables", 2), ("rehabilitation", 6), ("patients’", 2), ("", 0)],
)
def test_syllables_are_estimated_from_vowel_groups(word, count):
    assert syllables(word) == count


def test_flesch_reading_ease_of_simple_and_hard_text():
    easy, words, sentences = flesch_reading_ease(["The cat sat on the mat. The dog ran to the cat."])
    assert (words, sentences) == (12, 2)
    assert easy > 90
    hard, _, _ = flesch_reading_ease(
        ["Cerebrovascular rehabilitation necessitates multidisciplinary interventional methodologies incorporating pharmacological optimisation."]
    )
    assert hard < 0


def test_each_block_ends_a_sentence_even_without_a_full_stop():
    root = parse_body("<h2>Costs abroad</h2><p>Prices vary a lot</p><ul><li>One item</li><li>Two items</li></ul>")
    assert text_blocks(root) == ["Costs abroad", "Prices vary a lot", "One item", "Two items"]
    _, words, sentences = flesch_reading_ease(text_blocks(root))
    assert (words, sentences) == (10, 4)


def test_readability_of_a_short_body_is_not_scored():
    finding = by_code(run_checks(body="<p>Only a few words here.</p>"))["readability"]
    assert finding.level == INFO and "too little text" in finding.message


def test_difficult_text_is_a_warning_with_advice_and_plain_text_passes():
    hard = "<p>" + " ".join(["Interventional cardiology necessitates comprehensive multidisciplinary evaluation."] * 8) + "</p>"
    finding = by_code(run_checks(body=hard))["readability"]
    assert finding.level == WARNING and "Shorter sentences" in finding.message
    plain = "<p>" + " ".join(["The nurse will call you the day after you get home."] * 6) + "</p>"
    assert by_code(run_checks(body=plain))["readability"].level == GOOD


def test_a_body_that_is_not_html_or_empty_is_checked_without_error():
    assert images_without_alt(parse_body("")) == []
    assert images_without_alt(parse_body("plain text <<< >>")) == []
    assert by_code(run_checks(body="   "))["alt_text"].level == GOOD
