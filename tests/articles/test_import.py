import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.importers import parse_text, truncate_at_word
from articles.models import Article, Author, Category

# The shared folder sits beside the repository root, wherever the repository is cloned.
SHARED_CONTENT = Path(__file__).resolve().parents[2] / ".." / "shared" / "content"
SEED_ARTICLE = SHARED_CONTENT / "stroke-stem-cell-therapy.txt"
SEED_TITLE = "Revolutionizing Stroke Recovery: Stem Cell Therapy for Rehabilitation"
SEED_HEADINGS = [
    "Understanding Stroke and Its Impact",
    "Stem Cells: A Glimpse into their Potential",
    "The Role of Stem Cell Therapy in Stroke Rehabilitation",
    "The Future of Stroke Rehabilitation",
]
SEED_CHROME = [
    "Medical Tourism",
    "To find out more about stem cell treatment options",
    "free quote",
    "please visit",
    "Certified Medical Tourism Professional",
    "→",
    "Disclaimer",
]


def make_category(*, name="Neurology", slug="neurology"):
    return Category.objects.create(name=name, slug=slug)


def make_author(*, name="Ana Silva", slug="ana-silva"):
    return Author.objects.create(name=name, slug=slug)


def import_article(path, *args):
    """Run the command and return the new article and what it printed."""
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_article", str(path), *args, stdout=stdout, stderr=stderr)
    article = Article.objects.latest("pk")
    return article, stdout.getvalue()


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def h2_texts(body):
    return re.findall(r"<h2[^>]*>(.*?)</h2>", body)


@pytest.fixture
def seed_article(db):
    if not SEED_ARTICLE.is_file():
        pytest.skip("../shared/content is absent: the seed article test needs the shared folder beside the repository")
    article, _ = import_article(SEED_ARTICLE)
    return article


# The seed article


def test_seed_article_imports_as_an_unpublished_draft_with_its_title(seed_article):
    assert seed_article.title == SEED_TITLE
    assert seed_article.status == Article.Status.DRAFT
    assert seed_article.published_at is None
    assert not Article.objects.published().filter(pk=seed_article.pk).exists()


def test_seed_article_sections_become_h2_headings_in_order(seed_article):
    assert h2_texts(seed_article.body) == SEED_HEADINGS
    assert [text for _, text in seed_article.table_of_contents] == SEED_HEADINGS


def test_seed_article_paragraphs_become_p_elements(seed_article):
    paragraphs = re.findall(r"<p>(.*?)</p>", seed_article.body)
    assert len(paragraphs) == 11
    assert paragraphs[0].startswith("The landscape of stroke rehabilitation is undergoing a dramatic transformation.")
    assert paragraphs[-1].startswith("Stroke rehabilitation is on the precipice of a revolution")
    assert "A stroke occurs when blood supply to part of the brain is interrupted" in seed_article.body


def test_seed_article_body_leaves_out_site_labels_calls_to_action_and_disclaimer(seed_article):
    for chrome in SEED_CHROME:
        assert chrome not in seed_article.body
    assert SEED_TITLE not in seed_article.body


def test_seed_article_standfirst_is_the_first_paragraph_cut_at_a_word_boundary(seed_article):
    assert len(seed_article.standfirst) <= 400
    assert seed_article.standfirst.endswith("revolutionizing stroke rehabilitation and the…")
    assert seed_article.standfirst.startswith("The landscape of stroke rehabilitation")


# Plain text heuristics beyond the seed article


def test_text_import_joins_hard_wrapped_lines_and_drops_promotional_lines():
    parsed = parse_text(
        "Medical Tourism\n\nA Title\n\nFirst line of a paragraph\nwrapped at a short width.\n\n"
        "Read more →\nDisclaimer: not medical advice.\n"
    )
    assert parsed.title == "A Title"
    assert parsed.body == "<p>First line of a paragraph wrapped at a short width.</p>"


def test_text_import_makes_a_short_line_a_heading_only_when_a_paragraph_follows():
    parsed = parse_text("Title\n\nIntro paragraph.\n\nA Heading\n\nText.\n\nNot a heading\n\nAnother one\n")
    assert h2_texts(parsed.body) == ["A Heading"]
    assert "<p>Not a heading</p>" in parsed.body


def test_standfirst_truncation_keeps_whole_words_within_the_limit():
    assert truncate_at_word("one two three", 400) == "one two three"
    assert truncate_at_word("alpha beta gamma", 12) == "alpha beta…"


# Markdown and HTML


@pytest.mark.django_db
def test_markdown_import_takes_the_h1_as_title_and_makes_sections_h2_and_h3(tmp_path):
    path = write(
        tmp_path,
        "guide.md",
        "# Recovery Guide\n\nIntro **text**.\n\n## First section\n\nBody.\n\n### Detail\n\n"
        "More <script>alert('x')</script> text.\n",
    )
    article, _ = import_article(path)
    assert article.title == "Recovery Guide"
    assert '<h2 id="first-section">First section</h2>' in article.body
    assert "<h3>Detail</h3>" in article.body
    assert "script" not in article.body and "alert" not in article.body
    assert article.standfirst == "Intro text."
    assert "Intro" not in article.body  # the opening paragraph became the standfirst, shown above the body


@pytest.mark.django_db
def test_markdown_import_demotes_h1_sections_below_the_title(tmp_path):
    path = write(tmp_path, "notes.md", "# Title\n\nIntro.\n\n# Section\n\nText.\n\n## Sub\n\nMore.\n")
    article, _ = import_article(path)
    assert article.title == "Title"
    assert h2_texts(article.body) == ["Section"]
    assert "<h3>Sub</h3>" in article.body


@pytest.mark.django_db
def test_html_import_takes_the_h1_as_title_and_removes_scripts_and_event_handlers(tmp_path):
    path = write(
        tmp_path,
        "page.html",
        "<html><head><title>Page | Some Site</title><script>steal()</script></head><body>"
        "<h1>Rehab After Stroke</h1><p>Intro &amp; overview.</p>"
        '<h2>Therapy</h2><p>Text <img src="/x.png" alt="x" onerror="steal()"></p>'
        "<script>steal()</script></body></html>",
    )
    article, _ = import_article(path)
    assert article.title == "Rehab After Stroke"
    assert "steal" not in article.body and "onerror" not in article.body and "script" not in article.body
    assert "Some Site" not in article.body
    assert h2_texts(article.body) == ["Therapy"]
    assert article.standfirst == "Intro & overview."


@pytest.mark.django_db
def test_html_import_takes_the_title_element_when_there_is_no_h1(tmp_path):
    path = write(tmp_path, "page.html", "<title>Sleep and Stroke</title><p>Body text.</p>")
    article, _ = import_article(path)
    assert article.title == "Sleep and Stroke"
    assert article.body == "<p>Body text.</p>"


# The command


@pytest.mark.django_db
def test_import_prints_the_admin_change_path_of_the_draft(tmp_path):
    path = write(tmp_path, "a.txt", "Title\n\nA paragraph.\n")
    article, output = import_article(path)
    assert output.strip() == reverse("admin:articles_article_change", args=[article.pk])
    assert article.status == Article.Status.DRAFT


@pytest.mark.django_db
def test_import_without_category_uses_the_imported_category(tmp_path):
    path = write(tmp_path, "a.txt", "Title\n\nA paragraph.\n")
    article, _ = import_article(path)
    import_article(path)
    assert article.category.slug == "imported"
    assert Category.objects.filter(slug="imported").count() == 1


@pytest.mark.django_db
def test_import_puts_the_article_in_the_given_category(tmp_path):
    category = make_category()
    article, _ = import_article(write(tmp_path, "a.txt", "Title\n\nA paragraph.\n"), "--category", "neurology")
    assert article.category == category


@pytest.mark.django_db
def test_import_links_every_given_author(tmp_path):
    first, second = make_author(), make_author(name="Ben Okafor", slug="ben-okafor")
    path = write(tmp_path, "a.txt", "Title\n\nA paragraph.\n")
    article, _ = import_article(path, "--author", "ana-silva", "--author", "ben-okafor")
    assert set(article.authors.all()) == {first, second}


@pytest.mark.django_db
def test_importing_the_same_title_twice_gives_unique_slugs(tmp_path):
    path = write(tmp_path, "a.txt", "Stroke Recovery\n\nA paragraph.\n")
    first, _ = import_article(path)
    second, _ = import_article(path)
    third, _ = import_article(path)
    assert [first.slug, second.slug, third.slug] == ["stroke-recovery", "stroke-recovery-2", "stroke-recovery-3"]


@pytest.mark.django_db
def test_import_uses_the_given_slug(tmp_path):
    article, _ = import_article(write(tmp_path, "a.txt", "Title\n\nA paragraph.\n"), "--slug", "my-slug")
    assert article.slug == "my-slug"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("a.pdf", "Title\n\nText.\n", [], "Unsupported file type '.pdf'"),
        ("a.txt", "Titre\n\nCaf\xe9 cr\xe8me.\n".encode("latin-1"), [], "a.txt is not UTF-8 text"),
        ("a.txt", "", [], "a.txt is empty"),
        ("a.txt", "  \n\n \n", [], "a.txt is empty"),
        ("a.txt", "Medical Tourism\n\nDisclaimer: nothing else.\n", [], "No article text found"),
        ("a.txt", "Title\n\nText.\n", ["--category", "nope"], "No category with the slug 'nope'"),
        ("a.txt", "Title\n\nText.\n", ["--author", "nobody"], "No author with the slug 'nobody'"),
    ],
    ids=["bad-extension", "not-utf8", "empty", "blank", "only-chrome", "unknown-category", "unknown-author"],
)
def test_import_refuses_bad_input_with_a_clear_error_and_writes_nothing(tmp_path, name, content, args, message):
    path = write(tmp_path, name, content)
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("import_article", str(path), *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not Article.objects.exists()
    assert not Category.objects.filter(slug="imported").exists()


@pytest.mark.django_db
def test_import_of_a_missing_file_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_article", str(tmp_path / "absent.txt"), stdout=io.StringIO())


@pytest.mark.django_db
def test_import_refuses_a_slug_already_in_use(tmp_path):
    path = write(tmp_path, "a.txt", "Title\n\nA paragraph.\n")
    import_article(path, "--slug", "taken")
    with pytest.raises(CommandError, match="already used"):
        call_command("import_article", str(path), "--slug", "taken", stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.count() == 1
