"""
The media library: every image an article shows from our own storage (the editor's uploads and the heroes), its
alt text, its focal point, and where it is used.

Where an image is used is recorded when an article is saved (``record_image_uses``, after each save of an article:
``ArticlesConfig.ready()`` connects ``record_saved_image_uses``),
so the library lists any number of images with their articles in a fixed number of queries instead of searching
every body for every image.
"""

import os

from .models import EditorImage, ImageUse
from .templatetags.images import IMG_RE, _attributes, _media_name


def body_images(body):
    """``{storage name: alt text}`` of the images of ``body`` (sanitised HTML) served from our media storage."""
    found = {}
    for match in IMG_RE.finditer(body or ""):
        attrs = _attributes(match.group(1))
        name = _media_name(attrs.get("src", ""))
        if name:
            alt = (attrs.get("alt") or "").strip()
            found[name] = found.get(name) or alt
    return found


def record_saved_image_uses(sender, instance, raw=False, update_fields=None, **kwargs):
    """After a save of an article that may change its images (in the same transaction), record where they are used."""
    if not raw and (update_fields is None or {"body", "hero_image", "hero_alt"} & set(update_fields)):
        record_image_uses(instance)


def record_image_uses(article):
    """
    Record which library images ``article`` shows (its hero, its body's images), enter its hero in the library
    when it is not there yet, and keep alt text written in the article for an image of the library that has none.
    """
    in_body = body_images(article.body)
    hero = article.hero_image.name or ""
    names = [*in_body, *([hero] if hero else [])]
    if not names:
        # An article without images: one query, which forgets the uses of images it no longer shows.
        ImageUse.objects.filter(article=article).delete()
        return
    library = {image.image.name: image for image in EditorImage.objects.filter(image__in=names)}
    if hero and hero not in library and article.hero_width and article.hero_height:
        library[hero] = EditorImage.objects.create(
            image=hero,
            width=article.hero_width,
            height=article.hero_height,
            original_name=os.path.basename(hero)[:255],
            alt_text=article.hero_alt[:250],
        )
    alts = {**in_body, **({hero: article.hero_alt} if hero else {})}
    for name, image in library.items():
        alt = (alts.get(name) or "").strip()[:250]
        if alt and not image.alt_text:
            EditorImage.objects.filter(pk=image.pk, alt_text="").update(alt_text=alt)
    wanted = {(library[name].pk, ImageUse.Role.BODY) for name in in_body if name in library}
    if hero in library:
        wanted.add((library[hero].pk, ImageUse.Role.HERO))
    recorded = set(ImageUse.objects.filter(article=article).values_list("image_id", "role"))
    for image_id, role in recorded - wanted:
        ImageUse.objects.filter(article=article, image_id=image_id, role=role).delete()
    ImageUse.objects.bulk_create(
        [ImageUse(article=article, image_id=image_id, role=role) for image_id, role in wanted - recorded],
        ignore_conflicts=True,  # a concurrent save of the same article recorded it first
    )

