"""
The editors' report of translations: the published originals with no translation into a language yet, and
the translations whose source changed what readers read after the translation was last changed or signed off
(``ArticleQuerySet.outdated_translations``). Each list is counted and shown one page long, so the report costs
the same few queries at any size of the archive.
"""

from django.conf import settings

from .models import Article

REPORT_ROWS = 50


def translation_report():
    missing = []
    for language, name in settings.LANGUAGES:
        articles = Article.objects.missing_translation(language).select_related("category")
        articles = articles.order_by("-published_at", "-pk")
        missing.append(
            {"language": language, "name": name, "count": articles.count(), "articles": articles[:REPORT_ROWS]}
        )
    outdated = (
        Article.objects.outdated_translations()
        .select_related("translation_of")
        .order_by("-translation_of__content_updated_at", "-pk")
    )
    return {
        "missing": missing,
        "outdated": outdated[:REPORT_ROWS],
        "outdated_count": outdated.count(),
        "rows": REPORT_ROWS,
    }
