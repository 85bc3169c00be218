from collections import Counter
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.demo import content, images, translated
from articles.models import Article, Author, Category, Page, Reference, SiteBlock, Tag, content_fingerprint
from clinics import demo as clinics_demo
from magazine.pagecache import content_changed
from quotes.models import Destination, Treatment


def _missing(field_file):
    # Also redraw a picture whose file is gone, e.g. after the media folder was emptied.
    return not field_file or not field_file.storage.exists(field_file.name)


class Command(BaseCommand):
    help = (
        "Load the demo categories, authors, articles and site blocks, and their translations. Only what is missing "
        "is created: running it again duplicates nothing and keeps what editors have changed since."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        self.created = Counter()
        self.present = Counter()
        self.images = 0
        categories = self.load_categories()
        tags = self.load_tags()
        authors = self.load_authors()
        self.load_articles(categories, tags, authors)
        self.load_site_blocks()
        self.load_pages()
        self.load_treatments()
        # German and Arabic versions of what is above, when the project has them (articles/demo/translated.py).
        translated.load(translated.available(), self.count)
        clinics_demo.load(self.count)

        labels = ("categories", "tags", "authors", "articles", "site blocks", "pages", "treatments", "destinations")
        translations = ("article", "category", "tag", "site block", "page", "treatment")
        # The translations' lines only when there are translations to load.
        translated_labels = [f"{name} translations" for name in translations]
        translated_labels = [label for label in translated_labels if self.created[label] or self.present[label]]
        for label in (*labels, *translated_labels, "clinics", "destination pages"):
            created, present = self.created[label], self.present[label]
            self.stdout.write(f"{label.capitalize()}: {created} created, {present} already present.")
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded ({self.images} images generated)."))

    def count(self, label, created):
        (self.created if created else self.present)[label] += 1

    def load_categories(self):
        categories = {}
        for data in content.CATEGORIES:
            category, created = Category.objects.get_or_create(
                slug=data["slug"],
                defaults={
                    "name": data["name"],
                    "description": data["description"],
                    "position": data["position"],
                    "is_medical": data.get("is_medical", True),
                },
            )
            self.count("categories", created)
            categories[category.slug] = category
        return categories

    def load_tags(self):
        tags = {}
        for slug, name in content.TAGS.items():
            tags[slug], created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
            self.count("tags", created)
        return tags

    def load_authors(self):
        authors = {}
        for data in content.AUTHORS:
            author, created = Author.objects.get_or_create(
                slug=data["slug"],
                defaults={
                    "name": data["name"],
                    "credentials": data["credentials"],
                    "role": data["role"],
                    "bio": data["bio"],
                },
            )
            self.count("authors", created)
            if not author.role:
                # Completes an author loaded before authors had a role; a role an editor wrote stays.
                Author.objects.filter(pk=author.pk).update(role=data["role"])
                content_changed()
            if _missing(author.photo):
                photo = images.portrait(name=author.name, colour=data["colour"])
                author.photo.save(f"{author.slug}.jpg", ContentFile(photo), save=True)
                self.images += 1
            authors[author.slug] = author
        return authors

    def load_articles(self, categories, tags, authors):
        now = timezone.now()
        for data in content.ARTICLES:
            category = categories[data["category"]]
            fields = {
                "title": data["title"],
                "standfirst": data["standfirst"],
                "body": content.article_body(data["slug"]),
                "category": category,
                "hero_alt": data["hero_alt"],
                "hero_caption": data["hero_caption"],
                "hero_credit": content.ILLUSTRATION_CREDIT,
            }
            # Created once: a re-run must not move publication dates or undo what editors have changed since.
            published_at = None if data["days_ago"] is None else now - timedelta(days=data["days_ago"])
            reviewer = authors[content.REVIEWER] if data["reviewed"] else None
            state = {
                "status": data["status"],
                "published_at": published_at,
                "featured": data["featured"],
                "medical_reviewer": reviewer,
                # Reviewed shortly before publication, and never in the future for a scheduled article.
                "last_reviewed": timezone.localdate(min(published_at, now) - timedelta(days=2)) if reviewer else None,
                # The demo reviewer signed off these versions (the review gate lets them go live).
                "signed_off_at": now if reviewer else None,
                "signed_off_content": content_fingerprint(fields["title"], fields["body"]) if reviewer else "",
            }
            article, created = Article.objects.get_or_create(slug=data["slug"], defaults=fields | state)
            self.count("articles", created)
            if created:
                # Loaded now, but last edited when it was published: no misleading "Updated today".
                article.tags.set([tags[slug] for slug in data["tags"]])
                article.authors.set([authors[slug] for slug in data["authors"]])
                Reference.objects.bulk_create(
                    Reference(article=article, position=position, **reference)
                    for position, reference in enumerate(data["references"], start=1)
                )
                # Kept on the instance too: saving its hero image below stores them again.
                article.content_updated_at = last_edited = min(published_at or now, now)
                article.reader_content = article.reader_content_fingerprint()
                Article.objects.filter(pk=article.pk).update(
                    updated_at=last_edited, content_updated_at=last_edited, reader_content=article.reader_content
                )
                content_changed()  # an update() sends no model signal
            if _missing(article.hero_image):
                palette = content.PALETTES[category.slug]
                picture = images.hero_image(palette=palette, motif=data["motif"], seed=article.slug)
                article.hero_image.save(f"{article.slug}.jpg", ContentFile(picture), save=True)
                self.images += 1

    def load_site_blocks(self):
        for data in content.SITE_BLOCKS:
            # Only created when missing: once the block exists, its wording belongs to the editors.
            _, created = SiteBlock.objects.get_or_create(kind=data["kind"], defaults=data)
            self.count("site blocks", created)

    def load_pages(self):
        for data in content.PAGES:
            _, created = Page.objects.get_or_create(slug=data["slug"], defaults=data)
            self.count("pages", created)

    def load_treatments(self):
        for position, data in enumerate(content.TREATMENTS):
            _, created = Treatment.objects.get_or_create(
                slug=data["slug"],
                defaults={
                    "name": data["name"],
                    "description": data["description"],
                    "is_experimental": data["is_experimental"],
                    "related_article": Article.objects.filter(slug=data["article"]).first(),
                    "position": position,
                },
            )
            self.count("treatments", created)
        for position, name in enumerate(content.DESTINATIONS):
            _, created = Destination.objects.get_or_create(name=name, defaults={"position": position})
            self.count("destinations", created)
