import os

from django.db import migrations


def enter_images_in_the_library(apps, schema_editor):
    """The heroes of existing articles enter the library, and every article's images are recorded as used."""
    from articles.library import body_images  # a pure function of the HTML

    Article = apps.get_model("articles", "Article")
    EditorImage = apps.get_model("articles", "EditorImage")
    ImageUse = apps.get_model("articles", "ImageUse")
    library = {image.image.name: image for image in EditorImage.objects.all()}
    uses = []
    for article in Article.objects.only("pk", "body", "hero_image", "hero_alt", "hero_width", "hero_height").iterator():
        in_body = body_images(article.body)
        hero = article.hero_image.name or ""
        if hero and hero not in library and article.hero_width and article.hero_height:
            library[hero] = EditorImage.objects.create(
                image=hero,
                width=article.hero_width,
                height=article.hero_height,
                original_name=os.path.basename(hero)[:255],
                alt_text=article.hero_alt[:250],
            )
        for name, alt in in_body.items():
            image = library.get(name)
            if image is not None:
                uses.append(ImageUse(image=image, article=article, role="body"))
                if alt and not image.alt_text:
                    image.alt_text = alt[:250]
                    image.save(update_fields=["alt_text"])
        if hero in library:
            uses.append(ImageUse(image=library[hero], article=article, role="hero"))
    ImageUse.objects.bulk_create(uses, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_media_library")]

    operations = [migrations.RunPython(enter_images_in_the_library, migrations.RunPython.noop)]
