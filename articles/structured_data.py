"""schema.org JSON-LD for article pages: what search engines read to judge a medical page."""

from django.conf import settings

from magazine.links import cached_reverse

from .templatetags.magazine import iso_datetime


def _person(author, site):
    person = {"@type": "Person", "name": author.name, "url": site + author.get_absolute_url()}
    if author.credentials:
        person["hasCredential"] = {"@type": "EducationalOccupationalCredential", "name": author.credentials}
    if author.role:
        person["jobTitle"] = author.role
    if author.profile_url:
        person["sameAs"] = author.profile_url
    return person


def _citation(reference):
    work = {"@type": "CreativeWork", "name": reference.citation}
    url = reference.url or reference.doi_url or reference.pmid_url
    if url:
        work["url"] = url
    return work


def _work(article, site):
    url = site + article.get_absolute_url()
    return {"@type": "CreativeWork", "name": article.title, "url": url, "inLanguage": article.language}


def article_json_ld(article, request, relations, versions=()):
    """
    The page's schema.org data; ``relations`` holds the lists of the article's authors, tags and references,
    ``versions`` its published versions in other languages (its source, or its translations).
    """
    # The site's own addresses: reversed paths, already URIs, after the request's scheme and host.
    site = request.build_absolute_uri("/")[:-1]
    url = site + article.get_absolute_url()
    # A page reviewed by a clinician is a medical page; other pieces are plain articles.
    medical = bool(article.medical_reviewer_id)
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage" if medical else "Article",
        "headline": article.title[:110],
        "name": article.title,
        "description": article.meta_description,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": article.language,
        "datePublished": iso_datetime(article.published_at) or None,
        "dateModified": iso_datetime(article.modified_at),
        "author": [_person(author, site) for author in relations["authors"]],
        "publisher": {
            "@type": "Organization",
            "name": settings.MAGAZINE_NAME,
            "url": site + cached_reverse("articles:home"),
        },
        # The category's page holds the article: a property of every CreativeWork, where ``articleSection`` is
        # one of Article's only (a MedicalWebPage is a WebPage, not an Article).
        "isPartOf": {
            "@type": "CollectionPage",
            "name": article.category.name,
            "url": site + article.category.get_absolute_url(),
        },
        "articleSection": None if medical else article.category.name,
        "keywords": [tag.name for tag in relations["tags"]],
        "citation": [_citation(reference) for reference in relations["references"]],
        # A translation names its source; an original, its translations.
        "translationOfWork": next(
            (_work(version, site) for version in versions if version.pk == article.translation_of_id), None
        ),
        "workTranslation": [
            _work(version, site) for version in versions if article.translation_of_id is None
        ],
    }
    if article.hero_image:
        data["image"] = {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(article.hero_image.url),
            "width": article.hero_width,
            "height": article.hero_height,
            "caption": article.hero_alt,
        }
    if article.translator_id:
        data["translator"] = _person(article.translator, site)
    if article.medical_reviewer_id:
        data["reviewedBy"] = _person(article.medical_reviewer, site)
        data["lastReviewed"] = article.last_reviewed.isoformat()
    return {key: value for key, value in data.items() if value not in (None, [], "")}
