from django.db import migrations

# PostgreSQL keeps each article's search vectors itself, in generated columns, so that a search reads them
# instead of parsing every matching body again. The model does not declare them (they are never loaded with
# an article): articles/search.py reaches them through ``StoredVector``.
HEADING = (
    "setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(standfirst, '')), 'B')"
)
DOCUMENT = f"{HEADING} || setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')"

FORWARD = [
    # Replaced by the index on the stored document.
    "DROP INDEX IF EXISTS article_search_idx",
    # One statement, so that the table is rewritten once.
    f"ALTER TABLE articles_article"
    f" ADD COLUMN search_heading tsvector GENERATED ALWAYS AS ({HEADING}) STORED,"
    f" ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX article_search_heading_idx ON articles_article USING gin (search_heading)",
    "CREATE INDEX article_search_document_idx ON articles_article USING gin (search_document)",
    # Statistics on the new columns at once: the planner needs them to choose between the indexes.
    "ANALYZE articles_article",
]
BACKWARD = [
    "ALTER TABLE articles_article DROP COLUMN search_document, DROP COLUMN search_heading",
    "CREATE INDEX IF NOT EXISTS article_search_idx ON articles_article USING gin (("
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(standfirst, '')), 'B'))"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')))",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_editorial_workflow")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
