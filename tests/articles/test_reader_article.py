"""The article page as readers get it: citations, typography, author box, related cards and share links."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from markupsafe import Markup

from articles.citations import link_citations
from articles.models import Reference
from articles.sanitize import add_heading_anchors, clean_html
from articles.typography import smarten
from tests.conftest import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db


def article_with_references(body, count=3, **fields):
    article = make_article(body=body, **fields)
    for position in range(1, count + 1):
        Reference.objects.create(article=article, position=position, citation=f"Citation number {position}")
    return article


# Citations


def test_a_citation_links_to_its_reference_which_links_back():
    html, cited = link_citations("<p>Trials were small [2].</p>", 3)
    assert html == (
        '<p>Trials were small <sup class="citation">[<a href="#ref-2" id="cite-2-1">'
        '<span class="visually-hidden">reference </span>2</a>]</sup>.</p>'
    )
    assert cited == {2: ["cite-2-1"]}


def test_lists_and_ranges_of_citations_link_each_reference_and_count_each_place():
    html, cited = link_citations("<p>One [1, 3]. Two [1–3]. Three [2-3].</p>", 3)
    assert html.count('href="#ref-1"') == 2 and html.count('href="#ref-2"') == 2 and html.count('href="#ref-3"') == 3
    assert cited == {1: ["cite-1-1", "cite-1-2"], 3: ["cite-3-1", "cite-3-2", "cite-3-3"], 2: ["cite-2-1", "cite-2-2"]}
    assert len(set(re.findall(r'id="(cite-[^"]+)"', html))) == 7  # every place its own id


@pytest.mark.parametrize(
    "body",
    [
        "<p>Reference [4] does not exist.</p>",
        "<p>Zero [0] is no reference.</p>",
        "<p>A list [x] or [1a] or [].</p>",
        '<p>A link <a href="https://example.org">[1]</a> holds no second link.</p>',
        "<p><code>array[1]</code></p>",
        "<pre>matrix[2]</pre>",
        "<p>Range [1-30] is too long.</p>",
    ],
)
def test_brackets_that_are_not_citations_of_the_list_stay_as_typed(body):
    html, cited = link_citations(body, 3)
    assert html == body and cited == {}


def test_a_citation_typed_as_superscript_gets_no_second_superscript():
    html, _ = link_citations("<p>Shown<sup>[1]</sup></p>", 1)
    assert "<sup><sup" not in html and html.startswith('<p>Shown<sup>[<a href="#ref-1"')


def test_the_sanitiser_keeps_what_editors_type_for_citations():
    stored = clean_html('<p>Evidence [1] and <sup>[2]</sup> <a href="#ref-1">see</a></p>')
    assert "[1]" in stored and "<sup>[2]</sup>" in stored and 'href="#ref-1"' in stored


def test_a_heading_never_takes_the_id_of_a_reference_or_citation():
    html = add_heading_anchors("<h2>Ref 1</h2><h2>Cite 2 1</h2>")
    assert 'id="section-ref-1"' in html and 'id="section-cite-2-1"' in html


def test_article_page_links_citations_and_references_both_ways(client):
    article = article_with_references("<p>Small trials [1]. Regulators warn [2, 3]. Again [1].</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    for number in (1, 2, 3):
        assert f'<li id="ref-{number}">' in html
        assert f'href="#ref-{number}"' in html
    assert 'id="cite-1-1"' in html and 'id="cite-1-2"' in html
    references = html.split('id="references-heading"')[1].split("</section>")[0]
    assert 'href="#cite-1-1"' in references and 'href="#cite-1-2"' in references and 'href="#cite-3-1"' in references
    assert "Back to citation 2 of reference 1 in the text" in references
    assert "Back to the citation in the text" in references  # a reference cited once
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_a_citation_of_a_missing_reference_is_left_as_text_on_the_page(client):
    article = article_with_references("<p>Claimed [7].</p>", count=2)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Claimed [7]." in html and 'href="#ref-7"' not in html


# Typography


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ('He said "yes"', "He said “yes”"),
        ("it's the patient's choice", "it’s the patient’s choice"),
        ("'single' quotes", "‘single’ quotes"),
        ("in the '90s", "in the ’90s"),
        ("costs -- and risks", "costs – and risks"),
        ("costs - and risks", "costs – and risks"),
        ("wait---no", "wait—no"),
        ("and so on...", "and so on…"),
        ("a well-known 2020-2021 trial", "a well-known 2020-2021 trial"),
        ("see https://example.org/a--b's \"x\"", "see https://example.org/a--b's “x”"),
        ("write to a--b@example.org", "write to a--b@example.org"),
    ],
)
def test_smarten_typesets_quotes_and_dashes(typed, shown):
    assert smarten(typed) == shown


def test_smarten_escapes_plain_text():
    assert smarten('<b> "bold" & co') == "&lt;b&gt; “bold” &amp; co"


def test_smarten_never_touches_tags_attributes_or_code():
    html = Markup(
        '<p>"<em>Quoted</em>" and <a href="/a--b?q=\'x\'" title="it\'s">it\'s</a></p>'
        '<pre>x -- "y"</pre><p><code>a = "b"</code> -- done</p><img src="/m/a--b.jpg" alt="a \'b\'">'
    )
    assert smarten(html) == (
        '<p>“<em>Quoted</em>” and <a href="/a--b?q=\'x\'" title="it\'s">it’s</a></p>'
        '<pre>x -- "y"</pre><p><code>a = "b"</code> – done</p><img src="/m/a--b.jpg" alt="a \'b\'">'
    )


def test_quotes_do_not_run_from_one_paragraph_into_the_next():
    assert smarten(Markup('<p>word"</p><p>"next</p>')) == "<p>word”</p><p>“next</p>"


def test_article_page_is_typeset_but_its_addresses_and_data_are_not(client):
    article = make_article(
        title='The "miracle" cure -- what trials say',
        standfirst="It's not what clinics claim...",
        body='<p>"Stem cells" aren\'t a cure -- yet. <a href="https://example.org/a--b">link</a></p>',
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "The “miracle” cure – what trials say</h1>" in html
    assert "It’s not what clinics claim…" in html
    assert "<p>“Stem cells” aren’t a cure – yet." in html and 'href="https://example.org/a--b"' in html
    # What machines read stays as typed.
    assert '"headline":"The \\"miracle\\" cure -- what trials say"' in html


# Author box, related cards, share links


def test_author_box_shows_each_author_and_the_reviewer_with_photo_credentials_role_and_bio(client):
    writer = make_author(
        name="Sam Writer",
        credentials="Health journalist",
        role="Senior health writer",
        bio="Sam covers costs of care.",
        profile_url="https://orcid.org/0000-0002-1825-0097",
    )
    reviewer = make_author(name="Dr Ana Ruiz", credentials="MD, neurologist", bio="A neurologist.")
    article = make_article(authors=[writer], medical_reviewer=reviewer, last_reviewed=timezone.localdate())
    html = client.get(article.get_absolute_url()).content.decode()
    box = html.split('<section class="author-box"')[1].split("</section>")[0]
    assert "About the authors" in box
    assert f'<a href="{writer.get_absolute_url()}">Sam Writer</a>, <span class="credentials">Health journalist</span>' in box
    assert "Senior health writer" in box and "Sam covers costs of care." in box
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in box
    assert "Dr Ana Ruiz" in box and "Medical reviewer" in box and "A neurologist." in box
    assert '"jobTitle":"Senior health writer"' in html and '"sameAs":"https://orcid.org/0000-0002-1825-0097"' in html


def test_author_box_of_a_single_author_who_has_a_photo(client):
    from django.core.files.base import ContentFile

    from tests.articles.test_renditions import image_bytes

    writer = make_author(name="Sam Writer")
    writer.photo.save("sam.jpg", ContentFile(image_bytes(width=400, height=400)), save=True)
    html = client.get(make_article(authors=[writer]).get_absolute_url()).content.decode()
    box = html.split('<section class="author-box"')[1].split("</section>")[0]
    assert "About the author<" in box
    assert 'class="author-box-photo"' in box and 'loading="lazy"' in box and 'alt=""' in box


def test_related_articles_are_cards_with_their_image_section_and_date(client, django_assert_max_num_queries):
    category = make_category(name="Cardiology")
    tag = make_tag(name="Stroke")
    older = [make_article(category=category, title=f"Related {n}", tags=[tag]) for n in range(4)]
    article = make_article(category=category, tags=[tag])
    client.get(article.get_absolute_url())  # site data cached
    with django_assert_max_num_queries(9):
        html = client.get(article.get_absolute_url() + "?fresh=1").content.decode()
    related = html.split('<aside class="related"')[1].split("</aside>")[0]
    assert related.count('<article class="card">') == 3
    assert '<h3 class="card-title">' in related and ">Cardiology</a>" in related and "<time datetime=" in related
    # The three most recent (make_article dates each article an hour before the previous one).
    assert all(item.title in related for item in older[:3]) and older[3].title not in related


def test_share_links_are_plain_links_with_the_address_encoded(client):
    article = make_article(title="Knee & hip: costs?")
    html = client.get(article.get_absolute_url()).content.decode()
    share = html.split('<section class="share"')[1].split("</section>")[0]
    links = dict(re.findall(r'<a href="([^"]+)" rel="noopener">([\w-]+)', share))
    assert set(links.values()) == {"E-mail", "X", "Facebook", "LinkedIn", "WhatsApp"}
    address = f"http://testserver{article.get_absolute_url()}"
    for link in links:
        link = link.replace("&amp;", "&")
        values = [value for values in parse_qs(urlsplit(link).query).values() for value in values]
        assert any(address in value for value in values), link
        assert address not in urlsplit(link).query  # encoded, not raw
    assert "<script" not in share and "<iframe" not in share


def test_author_page_shows_the_role_and_the_professional_profile(client):
    author = make_author(name="Dr Ana Ruiz", role="Medical reviewer", profile_url="https://orcid.org/0000-0001-2345-6789")
    make_article(authors=[author])
    html = client.get(author.get_absolute_url()).content.decode()
    assert '<p class="author-role">Medical reviewer</p>' in html
    assert '<a href="https://orcid.org/0000-0001-2345-6789" rel="noopener me">Professional profile</a>' in html
