from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from articles.importers import PARSERS, ArticleImportError, parse_file
from articles.models import Article, Author, Category

DEFAULT_CATEGORY_NAME = "Imported"
DEFAULT_CATEGORY_SLUG = "imported"
SLUG_MAX_LENGTH = 200  # Article.slug


class Command(BaseCommand):
    help = (
        "Import a text (.txt), Markdown (.md) or HTML (.html) file as a draft article and print the path of "
        "its admin page. In .txt files the first line is the title, short lines followed by a paragraph become "
        "section headings, and the source site's labels, calls to action and disclaimer are left out. "
        f"Without --category the draft goes into the “{DEFAULT_CATEGORY_NAME}” category, created if needed, "
        "so that editors find imports in one place."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=f"The file to import ({', '.join(sorted(PARSERS))}), in UTF-8.")
        parser.add_argument(
            "--category",
            metavar="SLUG",
            help=f"The slug of an existing category. Default: “{DEFAULT_CATEGORY_NAME}”.",
        )
        parser.add_argument(
            "--author",
            metavar="SLUG",
            dest="authors",
            action="append",
            default=[],
            help="The slug of an existing author; repeat the option for several authors.",
        )
        parser.add_argument(
            "--slug", help="The article's slug. Default: made from the title, with -2, -3… added if it is taken."
        )

    def handle(self, *args, **options):
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            parsed = parse_file(path)
        except ArticleImportError as error:
            raise CommandError(str(error)) from error

        with transaction.atomic():
            authors = self.get_authors(options["authors"])
            article = Article(
                title=parsed.title,
                slug=self.get_slug(options["slug"], parsed.title),
                standfirst=parsed.standfirst,
                body=parsed.body,
                category=self.get_category(options["category"]),
                status=Article.Status.DRAFT,
            )
            try:
                article.full_clean()
            except ValidationError as error:
                raise CommandError(self.describe(error)) from error
            article.save()
            article.authors.set(authors)

        if not options["authors"]:
            self.stderr.write("No --author given: add the authors in the admin before publishing.")
        self.stdout.write(reverse("admin:articles_article_change", args=[article.pk]))

    def get_slug(self, requested, title):
        if requested:
            # An explicit slug is the editor's choice: silently changing it would be a surprise.
            if Article.objects.filter(slug=requested).exists():
                raise CommandError(f"The slug {requested!r} is already used by another article.")
            return requested
        base = slugify(title)[:SLUG_MAX_LENGTH].strip("-") or "article"
        slug, n = base, 2
        while Article.objects.filter(slug=slug).exists():
            suffix = f"-{n}"
            slug, n = f"{base[: SLUG_MAX_LENGTH - len(suffix)].rstrip('-')}{suffix}", n + 1
        return slug

    def get_category(self, slug):
        if slug:
            try:
                return Category.objects.get(slug=slug)
            except Category.DoesNotExist:
                raise CommandError(f"No category with the slug {slug!r}.") from None
        existing = Category.objects.filter(Q(slug=DEFAULT_CATEGORY_SLUG) | Q(name=DEFAULT_CATEGORY_NAME)).first()
        return existing or Category.objects.create(name=DEFAULT_CATEGORY_NAME, slug=DEFAULT_CATEGORY_SLUG)

    def get_authors(self, slugs):
        authors = list(Author.objects.filter(slug__in=slugs))
        if missing := sorted(set(slugs) - {author.slug for author in authors}):
            raise CommandError(f"No author with the slug {', '.join(map(repr, missing))}.")
        return authors

    def describe(self, error):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
