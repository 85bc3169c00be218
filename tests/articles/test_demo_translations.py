import re

import pytest
from django.urls.converters import SlugConverter
from django.utils.html import strip_tags

from articles.citations import CITATION_RE
from articles.demo import content
from articles.demo.translations import TRANSLATIONS, translation_body
from articles.models import Article, Author, Category, Page, SiteBlock, Tag
from articles.sanitize import clean_html
from editing.checks import GOOD, blocking_problems, empty_links, heading_problems, parse_body, seo_findings
from quotes.models import Treatment

LANGUAGES = ("de", "ar")
SECTIONS = ("articles", "categories", "tags", "site_blocks", "pages", "treatments")
ARTICLE_FIELDS = {
    "source", "slug", "title", "standfirst", "seo_title", "seo_description", "body_file", "translator", "hero_alt",
    "hero_caption",
}  # fmt: skip
REQUIRED_ARTICLES = {
    "stem-cell-therapy-after-stroke", "knee-replacement-abroad-costs-and-recovery",
    "how-to-read-a-clinics-accreditation",
}  # fmt: skip
ENGLISH_ARTICLES = {article["slug"]: article for article in content.ARTICLES}
ENGLISH_BLOCKS = {block["kind"]: block for block in content.SITE_BLOCKS}
ENGLISH_PAGES = {page["slug"]: page for page in content.PAGES}
ENGLISH_TREATMENTS = {treatment["slug"]: treatment["name"] for treatment in content.TREATMENTS}
ENGLISH_CATEGORIES = {category["slug"]: category for category in content.CATEGORIES}

ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
LATIN_LETTER = re.compile(r"[A-Za-zÀ-ɏ]")
# A Latin comma, semicolon or question mark straight after an Arabic word: Arabic takes ، ؛ ؟
LATIN_PUNCTUATION_IN_ARABIC = re.compile(r"[\u0600-\u06ff][\u064b-\u0652]*\s*[,;?]")
# Common German function words: any real German sentence of six words or more has two of them.
GERMAN_WORDS = {
    "und", "oder", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einen", "nicht", "sie", "ist",
    "sind", "wird", "mit", "für", "von", "nach", "bei", "auf", "im", "zu", "zur", "wie", "was", "wer", "ihr", "ihre",
    "ihnen", "auch", "sich",
}  # fmt: skip
INFORMAL_GERMAN = re.compile(r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines)\b", re.IGNORECASE)
ENGLISH_WORDS = re.compile(r"\b(the|you|your|with|this)\b", re.IGNORECASE)


def max_length(model, field):
    return model._meta.get_field(field).max_length


def articles(language):
    return TRANSLATIONS[language]["articles"]


def every_article():
    return [(language, entry) for language in LANGUAGES for entry in articles(language)]


def article_params():
    return [pytest.param(language, entry, id=f"{language}-{entry['source']}") for language, entry in every_article()]


def skeleton(body):
    """The body's elements in document order: its headings, paragraphs, lists, tables, quotes, images."""
    return [element.tag for element in parse_body(body).iter() if isinstance(element.tag, str)][1:]


def texts(language):
    """Every sentence or name written for the language, with where it comes from."""
    translation = TRANSLATIONS[language]
    for entry in translation["articles"]:
        for field in ("title", "standfirst", "seo_title", "seo_description", "hero_alt", "hero_caption"):
            yield f"{entry['source']}.{field}", entry[field]
        yield f"{entry['source']}.body", strip_tags(translation_body(entry["body_file"]))
    for slug, category in translation["categories"].items():
        yield f"category {slug}.name", category["name"]
        yield f"category {slug}.description", category["description"]
    for slug, name in translation["tags"].items():
        yield f"tag {slug}", name
    for kind, block in translation["site_blocks"].items():
        for field, value in block.items():
            yield f"site block {kind}.{field}", strip_tags(value)
    for slug, page in translation["pages"].items():
        for field, value in page.items():
            yield f"page {slug}.{field}", strip_tags(value)
    for slug, name in translation["treatments"].items():
        yield f"treatment {slug}", name


def sentences(language):
    return [(where, text) for where, text in texts(language) if len(text.split()) >= 6]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_every_section(language):
    assert set(TRANSLATIONS) == set(LANGUAGES)
    assert set(TRANSLATIONS[language]) == set(SECTIONS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_three_required_articles_and_a_fourth_are_translated(language):
    sources = [entry["source"] for entry in articles(language)]

    assert REQUIRED_ARTICLES <= set(sources)
    assert len(sources) >= 4
    assert len(sources) == len(set(sources)), "an article is translated twice"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_article_entry_has_the_fields_and_a_source_in_the_english_demo(language):
    for entry in articles(language):
        assert set(entry) == ARTICLE_FIELDS, entry["source"]
        assert entry["source"] in ENGLISH_ARTICLES
        assert all(value.strip() for value in entry.values()), entry["source"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_category_tag_page_and_treatment_of_the_english_demo_is_translated(language):
    translation = TRANSLATIONS[language]

    assert set(translation["categories"]) == set(ENGLISH_CATEGORIES)
    assert set(translation["tags"]) == set(content.TAGS)
    assert set(translation["pages"]) == set(ENGLISH_PAGES)
    assert set(translation["treatments"]) == set(ENGLISH_TREATMENTS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_site_block_is_translated_with_each_field_its_english_block_has(language):
    blocks = TRANSLATIONS[language]["site_blocks"]

    assert set(blocks) == set(ENGLISH_BLOCKS) == set(SiteBlock.Kind.values)
    for kind, block in blocks.items():
        written = {field for field in ("title", "body", "link_text") if ENGLISH_BLOCKS[kind].get(field)}
        assert set(block) == written, kind
    assert blocks["quote_cta"]["link_text"] and blocks["disclaimer"]["body"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_categories_and_pages_have_their_required_fields(language):
    translation = TRANSLATIONS[language]

    for slug, category in translation["categories"].items():
        assert set(category) == {"name", "description"}, slug
    for slug, page in translation["pages"].items():
        assert set(page) == {"title", "summary", "body"}, slug


@pytest.mark.parametrize(("language", "entry"), article_params())
def test_body_file_exists_is_named_after_the_slug_and_is_not_empty(language, entry):
    assert entry["body_file"] == f"{language}/{entry['slug']}.html"
    assert (content.BODIES_DIR / entry["body_file"]).is_file()
    assert len(strip_tags(translation_body(entry["body_file"])).split()) >= 300


@pytest.mark.parametrize(("language", "entry"), article_params())
def test_body_survives_the_sanitiser_unchanged_and_passes_the_blocking_checks(language, entry):
    body = translation_body(entry["body_file"])

    assert clean_html(body) == body.strip()
    assert blocking_problems(body) == []
    assert empty_links(parse_body(body)) == []


@pytest.mark.parametrize(("language", "entry"), article_params())
def test_body_keeps_the_english_structure_and_citation_markers(language, entry):
    body, english = translation_body(entry["body_file"]), content.article_body(entry["source"])

    assert skeleton(body) == skeleton(english)
    assert [marker.replace(" ", "") for marker in CITATION_RE.findall(body)] == [
        marker.replace(" ", "") for marker in CITATION_RE.findall(english)
    ]
    assert heading_problems(parse_body(body)) == []


@pytest.mark.parametrize(("language", "entry"), article_params())
def test_images_keep_their_addresses_and_have_translated_alt_text(language, entry):
    body, english = parse_body(translation_body(entry["body_file"])), parse_body(content.article_body(entry["source"]))
    images = [(img.get("src"), img.get("alt")) for img in body.iter("img")]
    english_images = [(img.get("src"), img.get("alt")) for img in english.iter("img")]

    assert [src for src, _ in images] == [src for src, _ in english_images]
    for (_, alt), (_, english_alt) in zip(images, english_images):
        assert alt and alt.strip() and alt != english_alt


@pytest.mark.parametrize(("language", "entry"), article_params())
def test_search_engine_title_and_description_pass_the_content_checks(language, entry):
    findings = seo_findings(
        title=entry["title"],
        seo_title=entry["seo_title"],
        standfirst=entry["standfirst"],
        seo_description=entry["seo_description"],
    )

    assert [finding.message for finding in findings if finding.level != GOOD] == []


@pytest.mark.parametrize(("language", "entry"), article_params())
def test_article_fields_fit_the_model(language, entry):
    for field in ("title", "standfirst", "slug", "seo_title", "seo_description", "hero_alt", "hero_caption"):
        assert len(entry[field]) <= max_length(Article, field), field
    assert len(entry["translator"]) <= max_length(Author, "name")


@pytest.mark.parametrize("language", LANGUAGES)
def test_names_and_titles_fit_their_models(language):
    translation = TRANSLATIONS[language]

    for category in translation["categories"].values():
        assert len(category["name"]) <= max_length(Category, "name")
    for name in translation["tags"].values():
        assert len(name) <= max_length(Tag, "name")
    for name in translation["treatments"].values():
        assert len(name) <= max_length(Treatment, "name")
    for page in translation["pages"].values():
        assert len(page["title"]) <= max_length(Page, "title")
        assert len(page["summary"]) <= max_length(Page, "summary")
    for block in translation["site_blocks"].values():
        assert len(block.get("title", "")) <= max_length(SiteBlock, "title")
        assert len(block.get("link_text", "")) <= max_length(SiteBlock, "link_text")


@pytest.mark.parametrize("language", LANGUAGES)
def test_names_are_unique_within_the_language(language):
    translation = TRANSLATIONS[language]

    for names in (
        [category["name"] for category in translation["categories"].values()],
        list(translation["tags"].values()),
        list(translation["treatments"].values()),
        [page["title"] for page in translation["pages"].values()],
    ):
        assert len(names) == len(set(names)), names


def test_slugs_are_ascii_valid_in_addresses_and_unique_across_all_articles():
    slugs = [entry["slug"] for _, entry in every_article()]

    for slug in slugs:
        assert slug.isascii() and re.fullmatch(SlugConverter.regex, slug), slug
        assert slug == slug.lower() and not slug.startswith("-") and "--" not in slug, slug
    assert len(set(slugs)) == len(slugs)
    assert not set(slugs) & set(ENGLISH_ARTICLES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_page_and_site_block_html_loses_nothing_to_the_sanitiser_and_keeps_the_english_sections(language):
    translation = TRANSLATIONS[language]
    written = [(ENGLISH_PAGES[slug]["body"], page["body"]) for slug, page in translation["pages"].items()]
    written += [(ENGLISH_BLOCKS[kind]["body"], block["body"]) for kind, block in translation["site_blocks"].items()]

    for english, body in written:
        cleaned = clean_html(body)
        assert skeleton(cleaned) == skeleton(body) == skeleton(english)
        assert strip_tags(cleaned) == strip_tags(body)


@pytest.mark.parametrize("language", LANGUAGES)
def test_links_in_pages_keep_the_english_addresses(language):
    for slug, page in TRANSLATIONS[language]["pages"].items():
        hrefs = [link.get("href") for link in parse_body(page["body"]).iter("a")]
        assert hrefs == [link.get("href") for link in parse_body(ENGLISH_PAGES[slug]["body"]).iter("a")], slug


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_is_left_in_english(language):
    english = {f"tag {slug}": name for slug, name in content.TAGS.items()}
    english |= {f"treatment {slug}": name for slug, name in ENGLISH_TREATMENTS.items()}
    english |= {f"category {slug}.name": category["name"] for slug, category in ENGLISH_CATEGORIES.items()}
    english |= {f"page {slug}.title": page["title"] for slug, page in ENGLISH_PAGES.items()}
    english |= {f"site block {kind}.title": block["title"] for kind, block in ENGLISH_BLOCKS.items()}
    english |= {f"site block {kind}.link_text": block.get("link_text") for kind, block in ENGLISH_BLOCKS.items()}

    for where, text in texts(language):
        assert text != english.get(where), where
    for where, text in sentences(language):
        assert not ENGLISH_WORDS.search(text), (where, ENGLISH_WORDS.search(text).group())


def test_arabic_is_written_in_arabic_script_with_arabic_punctuation():
    for where, text in texts("ar"):
        arabic, latin = len(ARABIC_LETTER.findall(text)), len(LATIN_LETTER.findall(text))
        assert arabic >= 4 * latin, where
        assert not LATIN_PUNCTUATION_IN_ARABIC.search(text), (where, LATIN_PUNCTUATION_IN_ARABIC.search(text).group())
    for entry in articles("ar"):
        assert ARABIC_LETTER.search(entry["translator"])
    body = " ".join(strip_tags(translation_body(entry["body_file"])) for entry in articles("ar"))
    assert {"،", "؟", "؛"} <= set(body)


def test_german_is_german_and_addresses_readers_as_sie():
    for where, text in sentences("de"):
        words = set(re.findall(r"\w+", text.lower()))
        assert len(words & GERMAN_WORDS) >= 2, where
        assert not ARABIC_LETTER.search(text), where
        assert not INFORMAL_GERMAN.search(text), (where, INFORMAL_GERMAN.search(text).group())
    body = " ".join(strip_tags(translation_body(entry["body_file"])) for entry in articles("de"))
    assert re.search(r"\bSie\b", body) and re.search(r"[äöüß]", body)
