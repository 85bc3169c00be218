import hashlib
import random
import secrets
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from articles.demo import content
from articles.demo.generator import ArticleText
from articles.models import (
    Article,
    Author,
    Category,
    Reference,
    Tag,
    add_months,
    content_fingerprint,
    reading_minutes,
)
from articles.sanitize import add_heading_anchors, clean_html
from articles.search import refresh_words
from magazine.pagecache import content_changed

YEARS_BACK = 5
# Shares of the articles that are not live: drafts, in review, scheduled.
DRAFT_SHARE, REVIEW_SHARE, SCHEDULED_SHARE = 0.015, 0.01, 0.015
# Articles of other categories need no review to go live; some have one all the same.
REVIEWED_SHARE = 0.4


@contextmanager
def explicit_timestamps():
    """Let bulk_create store the created_at and updated_at given, not the time of the insert."""
    fields = [Article._meta.get_field("created_at"), Article._meta.get_field("updated_at")]
    saved = [(field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, (auto_now, auto_now_add) in zip(fields, saved):
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Command(BaseCommand):
    help = (
        "Create N realistic articles quickly with bulk inserts, for benchmarks: about 600 to 850 words each "
        "in several sections, published over the last five years, with a few drafts and scheduled articles. "
        "Uses the existing categories, authors and tags (creates the demo ones when there are none). "
        "Running it again adds N more."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many articles to create.")
        parser.add_argument("--batch", type=int, default=2000, help="Articles per insert and transaction (2000).")
        parser.add_argument("--seed", type=int, help="Seed of the random text, for repeatable content.")
        parser.add_argument(
            "--jobs",
            type=int,
            default=2,
            help="Batches inserted at the same time on PostgreSQL, each on its own connection (2). "
            "Always 1 on other databases and inside a transaction.",
        )

    def handle(self, *args, count, batch, seed, jobs, **options):
        if count < 0 or batch < 1 or jobs < 1:
            raise CommandError("The count must be 0 or more, the batch size and the jobs at least 1.")
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            # Other connections would not see this transaction's rows (tests), and SQLite has one writer.
            jobs = 1
        self.started = time.monotonic()
        self.count, self.done = count, 0
        self.totals = {"published": 0, "scheduled": 0, "not published": 0}
        self.catalogue()
        # Slugs end in a number above every existing article id, so that runs never clash.
        self.next_number = (Article.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.now = timezone.now()
        batches = self.batches(random.Random(seed), count, batch)  # nosec B311  # demo text, not secrets
        with explicit_timestamps():
            if jobs == 1:
                for articles, *related in batches:
                    self.insert(articles, *related)
                    self.progress(articles)
            else:
                self.insert_concurrently(batches, jobs)
        if self.done:
            # bulk_create saves no article one by one: the words of the new titles are kept for corrections here.
            refresh_words()
        if self.done and connection.vendor == "postgresql":
            self.analyze()
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {self.done:,} articles ({self.totals['published']:,} live, "
                f"{self.totals['scheduled']:,} scheduled, {self.totals['not published']:,} drafts or in review) "
                f"in {elapsed:.1f} s ({rate:,.0f} articles/s)."
            )
        )

    def insert_concurrently(self, batches, jobs):
        # Most of the time goes to PostgreSQL indexing the text for search: with several connections it uses
        # several cores, while this process builds the next batches (psycopg2 releases the GIL while it waits).
        def insert(articles, *related):
            try:
                self.insert(articles, *related)
            finally:
                connections.close_all()  # this thread's connection
            return articles

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            pending = set()
            for built in batches:
                if len(pending) >= jobs:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        self.progress(future.result())
                pending.add(pool.submit(insert, *built))
            for future in wait(pending).done:
                self.progress(future.result())

    def progress(self, articles):
        for article in articles:
            self.totals[self.kind(article)] += 1
        self.done += len(articles)
        self.stdout.write(f"{self.done:,}/{self.count:,} articles ({time.monotonic() - self.started:.1f} s)")

    def batches(self, rng, count, batch):
        text = ArticleText(rng)
        for start in range(0, count, batch):
            yield self.build(rng, text, min(batch, count - start))

    def catalogue(self):
        if not Category.objects.exists():
            fields = ("name", "slug", "description", "position", "is_medical")
            for data in content.CATEGORIES:
                Category.objects.create(**{key: data[key] for key in fields if key in data})
        if not Tag.objects.exists():
            Tag.objects.bulk_create(Tag(slug=slug, name=name) for slug, name in content.TAGS.items())
        if not Author.objects.exists():
            Author.objects.bulk_create(
                Author(**{key: data[key] for key in ("name", "slug", "credentials", "bio")}) for data in content.AUTHORS
            )
        self.categories = {
            slug: (pk, is_medical, interval)
            for slug, pk, is_medical, interval in Category.objects.values_list(
                "slug", "pk", "is_medical", "review_interval_months"
            )
        }
        self.tags = dict(Tag.objects.values_list("slug", "pk"))
        authors = list(Author.objects.values_list("pk", "credentials"))
        self.reviewers = [pk for pk, credentials in authors if credentials.startswith(("MD", "Dr"))]
        self.writers = [pk for pk, credentials in authors if pk not in self.reviewers] or [pk for pk, _ in authors]

    def build(self, rng, text, size):
        articles, tag_ids, author_ids, references = [], [], [], []
        categories = list(self.categories.values())
        tag_pool = list(self.tags.values())
        for _ in range(size):
            data = text.article()
            number, self.next_number = self.next_number, self.next_number + 1
            category_id, is_medical, interval = self.categories.get(data["category"]) or rng.choice(categories)
            article = Article(
                title=data["title"],
                slug=f"{slugify(data['title'])[:180]}-{number}",
                standfirst=data["standfirst"],
                body=data["body"],
                reading_minutes=reading_minutes(data["body"]),
                category_id=category_id,
                **self.dates_and_status(rng),
            )
            if article.status == Article.Status.PUBLISHED and self.reviewers:
                if is_medical:
                    # Medical articles go live only signed off by a reviewer (Article.save() holds them back).
                    self.review(rng, article, interval)
                    signed_off = datetime.combine(article.last_reviewed, datetime.min.time(), dt_timezone.utc)
                    article.signed_off_at, article.signed_off_content = signed_off, self.fingerprint(article)
                elif rng.random() < REVIEWED_SHARE:
                    self.review(rng, article, interval)
            articles.append(article)
            tags = [self.tags[slug] for slug in data["tags"] if slug in self.tags]
            if not tags and tag_pool:
                tags = rng.sample(tag_pool, min(len(tag_pool), 2))
            tag_ids.append(tags)
            author_ids.append(rng.sample(self.writers, 1 if rng.random() < 0.8 or len(self.writers) < 2 else 2))
            references.append(data["references"])
        # bulk_create skips Article.save(): the bodies must already be what save() would store.
        sample = articles[0]
        if (
            add_heading_anchors(clean_html(sample.body)) != sample.body
            or (sample.signed_off_content and sample.signed_off_content != content_fingerprint(sample.title, sample.body))
            or sample.reading_minutes != reading_minutes(sample.body)
        ):
            raise CommandError(
                "A generated article is not what Article.save() would store (sanitised body, sign-off "
                "fingerprint, reading time): fix articles/demo/generator.py or this command."
            )
        return articles, tag_ids, author_ids, references

    def review(self, rng, article, interval):
        """The latest medical review: before publication, or again since, as re-reviews fall due."""
        today = self.now.date()
        first = (min(article.published_at, self.now) - timedelta(days=2)).date()
        since = today - timedelta(days=int(rng.uniform(0, (interval + 1) * 30.5)))  # a few are overdue
        article.medical_reviewer_id = rng.choice(self.reviewers)
        article.last_reviewed = max(first, since)
        article.review_due = add_months(article.last_reviewed, interval)

    @staticmethod
    def fingerprint(article):
        # articles.models.content_fingerprint sanitises the body first; these bodies are already sanitised
        # (checked in build()), and sanitising each would make the run a third slower.
        return hashlib.sha256(f"{article.title}\x00{article.body}".encode()).hexdigest()

    def dates_and_status(self, rng):
        now, roll = self.now, rng.random()
        if roll < DRAFT_SHARE + REVIEW_SHARE:
            created = now - timedelta(days=rng.uniform(0, 60))
            status = Article.Status.DRAFT if roll < DRAFT_SHARE else Article.Status.IN_REVIEW
            return {
                "status": status, "published_at": None, "created_at": created, "updated_at": created,
                "content_updated_at": created,
            }  # fmt: skip
        if roll < DRAFT_SHARE + REVIEW_SHARE + SCHEDULED_SHARE:
            published = now + timedelta(hours=rng.uniform(1, 60 * 24))
            created = now - timedelta(days=rng.uniform(0, 30))
        else:
            published = now - timedelta(seconds=rng.uniform(3600, YEARS_BACK * 365 * 86400))
            created = published - timedelta(days=rng.uniform(1, 20))
        # Most articles were last edited when published; some were updated since.
        updated = min(published, now)
        if published < now and rng.random() < 0.1:
            updated = published + (now - published) * rng.random()
        return {
            "status": Article.Status.PUBLISHED,
            "published_at": published,
            "created_at": created,
            "updated_at": updated,
            "content_updated_at": updated,
        }

    def kind(self, article):
        if article.status != Article.Status.PUBLISHED:
            return "not published"
        return "published" if article.published_at <= self.now else "scheduled"

    def insert(self, articles, tags, authors, references):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Generated content: losing the last batch in a crash is harmless, waiting on each flush is not.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            self.avoid_slug_clashes(articles)
            Article.objects.bulk_create(articles)
            Article.tags.through.objects.bulk_create(
                Article.tags.through(article_id=article.pk, tag_id=tag_id)
                for article, ids in zip(articles, tags)
                for tag_id in ids
            )
            Article.authors.through.objects.bulk_create(
                Article.authors.through(article_id=article.pk, author_id=author_id)
                for article, ids in zip(articles, authors)
                for author_id in ids
            )
            Reference.objects.bulk_create(
                Reference(article_id=article.pk, position=position, citation=citation)
                for article, citations in zip(articles, references)
                for position, citation in enumerate(citations, start=1)
            )
            content_changed()  # bulk inserts send no model signals

    def analyze(self):
        # Fresh statistics, or the planner keeps the estimates of the empty table until autovacuum runs, and
        # picks plans that take seconds. With those of the stored search vectors (migration 0006), from which
        # it tells a broad query from a narrow one; not those of the long text columns, which no query needs.
        columns = [field.column for field in Article._meta.concrete_fields if field.name not in {"body", "standfirst"}]
        columns += ["search_heading", "search_document"]
        tables = [Article.tags.through._meta.db_table, Article.authors.through._meta.db_table, Reference._meta.db_table]
        quote = connection.ops.quote_name
        # VACUUM too, outside a transaction: it marks the new rows visible to all, which lets lists read
        # their ids from the listing indexes alone (migration 0008) at once.
        analyze = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            listed = ", ".join(quote(column) for column in columns)
            cursor.execute(f"{analyze} {quote(Article._meta.db_table)} ({listed})")
            for table in tables:
                cursor.execute(f"ANALYZE {quote(table)}")

    def avoid_slug_clashes(self, articles):
        # Only possible when the newest articles were deleted after an earlier run.
        slugs = [article.slug for article in articles]
        taken = set(Article.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        for article in articles:
            if article.slug in taken:
                article.slug = f"{article.slug[:190]}-{secrets.token_hex(4)}"
