"""The public pages of the demo, as the HTML checker and axe see them (tests/test_html_validity.py and
tests/browser/test_accessibility.py)."""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

VALIDATORS = Path(settings.BASE_DIR) / ".ci" / "validators" / "node_modules"
VNU_JAR = VALIDATORS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = VALIDATORS / "axe-core" / "axe.min.js"
MISSING = "not installed: run `bash .ci/install-validators` (`make test-browser` does)"


def demo_pages():
    """Load the demo content; {name: path} of every kind of public page (GET)."""
    from articles.models import Article, Author, Category, Page, Tag

    call_command("load_demo_content", stdout=io.StringIO())
    article = Article.objects.published().get(slug="stem-cell-therapy-after-stroke")
    tag = Tag.objects.filter(articles__in=Article.objects.published()).first()
    author = Author.objects.filter(articles__in=Article.objects.published()).first()
    pages = {
        "home": "/",
        "archive": "/articles/",
        "article": article.get_absolute_url(),
        "category": Category.objects.first().get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "author": author.get_absolute_url(),
        "search results": "/search/?q=stem+cell",
        "search without results": "/search/?q=zzzzqqq",
        "quote form": "/quote/",
        "not found": "/articles/no-such-article/",
    }
    for page in Page.objects.all():
        pages[f"page {page.slug}"] = page.get_absolute_url()
    return pages
