import pytest

from tests.live_site import live_site

PUBLISH_AN_ARTICLE = """
from django.utils import timezone
from articles.models import Article, Author, Category
category = Category.objects.create(name="Travel", slug="travel", is_medical=False)
article = Article.objects.create(
    title="Planning a knee replacement abroad", slug="knee-replacement-abroad", standfirst="What to ask.",
    body="<h2>Costs</h2><p>Some words.</p>", category=category, status=Article.Status.PUBLISHED,
    published_at=timezone.now(),
)
article.authors.set([Author.objects.create(name="Sam Writer", slug="sam-writer")])
print(article.get_absolute_url())
"""


@pytest.mark.processes
def test_a_fresh_production_install_shows_the_disclaimer_and_the_quote_call_to_action(tmp_path):
    # Migrated, never given the demo content: what any production install starts from.
    with live_site(tmp_path, workers=1) as site:
        path = site.manage("shell", "--no-imports", "-c", PUBLISH_AN_ARTICLE).stdout.strip()

        status, headers, html = site.get(path)

    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert 'id="disclaimer-heading">Medical disclaimer</h2>' in html
    assert 'href="/quote/?article=knee-replacement-abroad">Get a free quote</a>' in html
