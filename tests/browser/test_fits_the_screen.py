"""
The admin pages that editors, medical reviewers and triage staff use fit the screen: no sideways scrolling at
1366 x 768 and at 1024 x 768 in Chromium (static/css/admin.css and the lists' columns).
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from articles.models import EditorImage, Reference
from tests.articles.test_uploads import image_bytes
from tests.conftest import make_article
from tests.quotes.test_admin import make_request
from tests.quotes.test_quotes import make_quote

pytestmark = pytest.mark.browser

SCREENS = [(1366, 768), (1024, 768)]
WIDTHS = "[document.documentElement.scrollWidth, window.innerWidth]"
# Boxes that scroll sideways by themselves (a list's results, a tabular inline) and hide columns doing so.
CUT_OFF = """[...document.querySelectorAll('#changelist-form .results, .inline-group .tabular')]
  .filter((box) => box.scrollWidth > box.clientWidth + 1)
  .map((box) => `${box.className || box.tagName} ${box.scrollWidth} px in ${box.clientWidth}`)"""


@pytest.fixture
def pages(db):
    """Each page, by the groups whose staff use it (the superuser uses them all)."""
    article = make_article(
        title="Hip replacement abroad: what the first six weeks of recovery look like, week by week",
        body="<h2>Recovery</h2><p>" + "Walking with crutches for the first fortnight. " * 40 + "</p>",
        hero_alt="A physiotherapist helps a patient walk",
    )
    article.hero_image.save("hero.jpg", ContentFile(image_bytes(width=1600, height=900)), save=True)
    for position in range(3):
        Reference.objects.create(
            article=article,
            position=position,
            citation="Smith J, Jones A, Brown K, et al. Early mobilisation after total hip arthroplasty: a "
            "randomised controlled trial of rehabilitation protocols. Journal of Bone and Joint Surgery. 2023.",
            url="https://pubmed.ncbi.nlm.nih.gov/12345678/",
            doi="10.1302/0301-620X.105B1.BJJ-2022-0612.R1",
            pmid="12345678",
        )
    image = EditorImage.objects.get()
    quote_request = make_request(
        name="Maria Fernanda Example-Longname",
        email="maria.fernanda.example-longname@example.org",
        condition_summary="Severe osteoarthritis of the right hip " * 10,
    )
    quote = make_quote(quote_request)
    everyone, editors, articles = {"editor", "reviewer", "triage"}, {"editor"}, {"editor", "reviewer"}
    triage = {"triage"}
    return [
        (reverse("admin:index"), everyone),
        (reverse("admin:articles_article_changelist"), articles),
        (reverse("admin:articles_article_add"), editors),
        (reverse("admin:articles_article_change", args=[article.pk]), articles),
        (reverse("admin:articles_editorimage_changelist"), editors),
        (reverse("admin:articles_editorimage_change", args=[image.pk]), editors),
        (reverse("admin:quotes_quoterequest_changelist"), triage),
        (reverse("admin:quotes_quoterequest_change", args=[quote_request.pk]), triage),
        (reverse("admin:quotes_quote_change", args=[quote.pk]), triage),
    ]


@pytest.mark.parametrize("who", ["editor", "reviewer", "triage", "superuser"])
def test_admin_pages_fit_the_screen(live_server, new_page, log_in, request, pages, who):
    user = request.getfixturevalue(who)
    page = new_page()
    log_in(page, user)
    too_wide = []
    for width, height in SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        for path, users in pages:
            if who != "superuser" and who not in users:
                continue
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            page.wait_for_load_state("load")
            scroll_width, inner_width = page.evaluate(WIDTHS)
            if scroll_width > inner_width:
                too_wide.append(f"{path} at {width} px: {scroll_width} px wide")
            too_wide += [f"{path} at {width} px: columns cut off, {box}" for box in page.evaluate(CUT_OFF)]
    assert not too_wide, "\n".join(too_wide)
