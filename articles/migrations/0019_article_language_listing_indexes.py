from django.db import migrations

# The lists of published articles are lists of one language (ArticleQuerySet.in_language): their covering
# indexes (migration 0008) now lead with the language, so that a deep page of a German list still skips only
# German index entries, read from the index alone (PostgreSQL). SQLite has no covering indexes.
CREATE = [
    "CREATE INDEX IF NOT EXISTS article_language_listing_idx ON articles_article"
    " (language, status, published_at DESC, id DESC) INCLUDE (expires_at)",
    "CREATE INDEX IF NOT EXISTS article_language_category_listing_idx ON articles_article"
    " (category_id, language, status, published_at DESC, id DESC) INCLUDE (expires_at)",
    "DROP INDEX IF EXISTS article_category_listing_idx",
    "DROP INDEX IF EXISTS article_listing_idx",
]
DROP = [
    "CREATE INDEX IF NOT EXISTS article_listing_idx ON articles_article"
    " (status, published_at DESC, id DESC) INCLUDE (expires_at)",
    "CREATE INDEX IF NOT EXISTS article_category_listing_idx ON articles_article"
    " (category_id, status, published_at DESC, id DESC) INCLUDE (expires_at)",
    "DROP INDEX IF EXISTS article_language_category_listing_idx",
    "DROP INDEX IF EXISTS article_language_listing_idx",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_translated_texts")]

    operations = [migrations.RunPython(run(CREATE), run(DROP), elidable=False)]
