"""The site blocks every site gets from its migrations (articles/migrations/0010_default_site_blocks.py)."""

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from articles.models import SiteBlock
from articles.sanitize import clean_html
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
migration = importlib.import_module("articles.migrations.0010_default_site_blocks")


def run_the_migration():
    migration.create_default_blocks(apps, SimpleNamespace(connection=connection))


def test_migrations_alone_create_the_disclaimer_and_the_quote_call_to_action():
    # The test database is made by the migrations, with no demo content.
    blocks = {block.kind: block for block in SiteBlock.objects.all()}

    assert set(blocks) == {SiteBlock.Kind.DISCLAIMER, SiteBlock.Kind.QUOTE_CTA}
    assert all(block.is_active for block in blocks.values())
    assert blocks["quote_cta"].link_url == "/quote/" and blocks["quote_cta"].link_text == "Get a free quote"
    for block in blocks.values():
        block.full_clean()
        assert clean_html(block.body) == block.body  # stored as SiteBlock.save() would store it


def test_an_article_page_of_a_fresh_site_shows_the_disclaimer_and_the_quote_call_to_action(client):
    article = make_article(slug="knee-replacement-abroad")

    html = client.get(article.get_absolute_url()).content.decode()

    assert 'id="disclaimer-heading">Medical disclaimer</h2>' in html
    assert "They are not medical advice" in html
    assert 'id="quote-cta-heading">Considering treatment abroad?</h2>' in html
    assert 'href="/quote/?article=knee-replacement-abroad">Get a free quote</a>' in html


def test_editing_a_default_block_changes_the_article_page(client):
    article = make_article()
    block = SiteBlock.objects.get(kind=SiteBlock.Kind.DISCLAIMER)
    block.title, block.body = "Before you decide", "<p>Ask your own doctor first.</p>"
    block.save()

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Before you decide" in html and "Ask your own doctor first." in html
    assert "They are not medical advice" not in html


def test_the_migration_keeps_an_existing_blocks_wording_and_creates_only_missing_kinds():
    SiteBlock.objects.filter(kind=SiteBlock.Kind.DISCLAIMER).update(title="Our editors' words", body="<p>Kept.</p>")
    SiteBlock.objects.filter(kind=SiteBlock.Kind.QUOTE_CTA).delete()

    run_the_migration()

    disclaimer = SiteBlock.objects.get(kind=SiteBlock.Kind.DISCLAIMER)
    assert (disclaimer.title, disclaimer.body) == ("Our editors' words", "<p>Kept.</p>")
    assert SiteBlock.objects.get(kind=SiteBlock.Kind.QUOTE_CTA).title == "Considering treatment abroad?"
    assert SiteBlock.objects.count() == 2


def test_the_demo_content_completes_a_migrated_site_and_says_what_it_found():
    out = io.StringIO()

    call_command("load_demo_content", stdout=out)

    assert "Site blocks: 1 created, 2 already present." in out.getvalue()
    assert set(SiteBlock.objects.values_list("kind", flat=True)) == {"disclaimer", "quote_cta", "promo"}
