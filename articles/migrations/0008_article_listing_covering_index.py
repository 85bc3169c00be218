from django.db import migrations

# Lists of published articles, newest first, read their ids from these indexes alone (PostgreSQL: an
# index-only scan), so that a deep page (?page=5000) skips index entries, not table rows: the archive and
# home page, and a category's page. SQLite has no covering indexes; the model's own indexes serve it.
CREATE = [
    "CREATE INDEX IF NOT EXISTS article_listing_idx ON articles_article"
    " (status, published_at DESC, id DESC) INCLUDE (expires_at)",
    "CREATE INDEX IF NOT EXISTS article_category_listing_idx ON articles_article"
    " (category_id, status, published_at DESC, id DESC) INCLUDE (expires_at)",
]
DROP = ["DROP INDEX IF EXISTS article_category_listing_idx", "DROP INDEX IF EXISTS article_listing_idx"]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_article_featured_index")]

    operations = [migrations.RunPython(run(CREATE), run(DROP), elidable=False)]
