"""
The demo's translations (``articles/demo/translations.py``, when the project has it: ``TRANSLATIONS``, per
language, translations of the demo's articles, categories, tags, site blocks, pages and treatments), loaded by
``load_demo_content`` after the English content they translate.

Translated articles are articles of their own, in their language, published and signed off by the demo's
medical reviewer like the English ones (the review gate holds for them too). As for the English content, only
what is missing is written: an article already loaded, or a text an editor has written in that language, stays.
"""

import hashlib
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify
from modeltranslation.utils import build_localized_fieldname

from articles.models import Article, Author, Category, Page, Reference, SiteBlock, Tag, content_fingerprint
from magazine.pagecache import content_changed
from quotes.models import Treatment

from . import content


def available():
    """The project's demo translations, or none."""
    try:
        from .translations import TRANSLATIONS
    except ImportError:
        return {}
    return TRANSLATIONS


def load(translations, count, *, bodies_dir=content.BODIES_DIR):
    """Load ``translations`` (TRANSLATIONS' format); ``count(label, created)`` is told of each item."""
    for language, parts in translations.items():
        for data in parts.get("articles", []):
            _load_article(language, data, count, bodies_dir)
        for slug, texts in parts.get("categories", {}).items():
            _fill(Category.objects.filter(slug=slug).first(), language, texts, "category translations", count)
        for slug, name in parts.get("tags", {}).items():
            _fill(Tag.objects.filter(slug=slug).first(), language, {"name": name}, "tag translations", count)
        for key, texts in parts.get("site_blocks", {}).items():
            block = SiteBlock.objects.filter(kind=key).first()
            texts = texts if isinstance(texts, dict) else {"body": texts}
            _fill(block, language, texts, "site block translations", count)
        for slug, texts in parts.get("pages", {}).items():
            _fill(Page.objects.filter(slug=slug).first(), language, texts, "page translations", count)
        for key, name in parts.get("treatments", {}).items():
            treatment = Treatment.objects.filter(slug=key).first() or Treatment.objects.filter(name_en_gb=key).first()
            _fill(treatment, language, {"name": name}, "treatment translations", count)


def _fill(obj, language, texts, label, count):
    """Write ``texts`` ({field: text}) in ``language`` where ``obj`` has none yet in it."""
    if obj is None:
        return
    missing = {
        build_localized_fieldname(field, language): text
        for field, text in texts.items()
        if not getattr(obj, build_localized_fieldname(field, language))
    }
    for name, text in missing.items():
        setattr(obj, name, text)
    if missing:
        obj.save()
    count(label, bool(missing))


def _load_article(language, data, count, bodies_dir):
    source = Article.objects.filter(slug=data["source"], translation_of=None).select_related("category").first()
    if source is None:
        return
    if source.translations.filter(language=language).exclude(slug=data["slug"]).exists():
        count("article translations", False)  # an editor made this translation already
        return
    now = timezone.now()
    body = (bodies_dir / data["body_file"]).read_text(encoding="utf-8")
    translator = None
    if data.get("translator"):
        # A name in another script has no Latin slug: one is made of its digest.
        slug = slugify(data["translator"]) or "translator-" + hashlib.sha256(data["translator"].encode()).hexdigest()[:10]
        translator, _ = Author.objects.get_or_create(slug=slug, defaults={"name": data["translator"], "role": "Translator"})
    reviewer = source.medical_reviewer
    fields = {
        "title": data["title"],
        "standfirst": data["standfirst"],
        "seo_title": data.get("seo_title", ""),
        "seo_description": data.get("seo_description", ""),
        "body": body,
        "language": language,
        "translation_of": source,
        "translator": translator,
        "category": source.category,
        "hero_image": source.hero_image.name,
        "hero_alt": data.get("hero_alt", source.hero_alt),
        "hero_caption": data.get("hero_caption", source.hero_caption),
        "hero_credit": source.hero_credit,
        # As its source: published (or scheduled) when it is, and signed off by the demo's medical reviewer.
        "status": source.status,
        "published_at": source.published_at,
        "medical_reviewer": reviewer,
        "last_reviewed": source.last_reviewed,
        "signed_off_at": now if reviewer else None,
        "signed_off_content": content_fingerprint(data["title"], body) if reviewer else "",
    }
    article, created = Article.objects.get_or_create(slug=data["slug"], defaults=fields)
    count("article translations", created)
    if not created:
        return
    article.tags.set(source.tags.all())
    article.authors.set(source.authors.all())
    Reference.objects.bulk_create(
        Reference(article=article, **{name: getattr(ref, name) for name in ("position", "citation", "url", "doi", "pmid")})
        for ref in source.references.all()
    )
    # Last edited when it was published, as the English demo: no "Updated today", and not outdated.
    last_edited = min(article.published_at or now, now) + timedelta(seconds=1)
    Article.objects.filter(pk=article.pk).update(
        updated_at=last_edited, content_updated_at=last_edited, reader_content=article.reader_content_fingerprint()
    )
    content_changed()  # an update() sends no model signal
