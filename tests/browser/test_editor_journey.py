import pytest
from playwright.sync_api import expect

from articles.models import Article, EditorImage
from tests.conftest import make_author, make_category

pytestmark = pytest.mark.browser

CKEDITOR_READY = "() => window.CKEDITOR && CKEDITOR.instances.id_body && CKEDITOR.instances.id_body.status === 'ready'"


def open_add_article(page):
    page.get_by_role("rowheader", name="Articles", exact=True).get_by_role("link").click()
    page.get_by_role("link", name="Add article").click()
    expect(page.get_by_role("heading", name="Add article")).to_be_visible()
    # Fails when CKEditor's scripts do not load: the body would stay a plain textarea.
    page.wait_for_function(CKEDITOR_READY)
    expect(page.locator("#cke_id_body .cke_wysiwyg_frame")).to_be_visible()


def pick_author(page, *, search, name):
    """Choose an author in the admin's autocomplete (select2) field by typing part of the name."""
    page.locator(".field-authors .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially(search)
    page.locator(".select2-results__option", has_text=name).click()
    expect(page.locator(".field-authors .select2-selection__choice")).to_contain_text(name)


def publish_new_article(page):
    page.get_by_role("button", name="Publish", exact=True).last.click()
    expect(page.locator(".messagelist .success, .messagelist .error, .errornote").first).to_be_visible()
    assert not page.locator(".errornote, .messagelist .error").count(), page.locator(".errorlist li, .messagelist .error").all_inner_texts()
    expect(page.locator(".messagelist .success").first).to_contain_text("Published.")
    expect(page.locator(".messagelist .success").last).to_contain_text("was added")


def choose_format(page, name):
    """Pick a paragraph format from the toolbar's Format combo, as an editor does."""
    page.locator("#cke_id_body .cke_combo__format .cke_combo_button").click()
    page.frame_locator("iframe.cke_panel_frame >> visible=true").get_by_title(name, exact=True).click()


def test_editor_writes_and_publishes_an_article_that_readers_then_find(live_server, new_page, editor, log_in):
    category = make_category(name="Orthopaedics")
    make_author(name="Ana Petrova", credentials="MD")
    editor_page = new_page()
    log_in(editor_page, editor)
    open_add_article(editor_page)

    editor_page.locator("#id_title").press_sequentially("Knee replacement abroad: what it costs")
    expect(editor_page.locator("#id_slug")).to_have_value("knee-replacement-abroad-what-it-costs")
    editor_page.locator("#id_standfirst").fill("Prices, recovery times and the questions to ask a clinic.")

    body = editor_page.frame_locator("#cke_id_body .cke_wysiwyg_frame").locator("body")
    body.click()
    choose_format(editor_page, "Heading 2")
    editor_page.keyboard.type("Costs at a glance")
    editor_page.keyboard.press("Enter")
    editor_page.keyboard.type("A new knee costs far less in some countries.")
    editor_page.keyboard.press("Enter")
    choose_format(editor_page, "Heading 2")
    editor_page.keyboard.type("Recovery")
    editor_page.keyboard.press("Enter")
    editor_page.keyboard.type("Plan two weeks before flying home.")
    expect(body.locator("h2")).to_have_text(["Costs at a glance", "Recovery"])

    editor_page.locator("#id_category").select_option(label="Orthopaedics")
    pick_author(editor_page, search="Petr", name="Ana Petrova")
    # The admin's date shortcuts, as editors use them to set a time.
    publication_time = editor_page.locator(".field-published_at")
    publication_time.get_by_role("link", name="Today").click()
    publication_time.get_by_role("link", name="Now").click()
    expect(editor_page.locator("#id_published_at_1")).not_to_have_value("")
    publish_new_article(editor_page)

    article = Article.objects.get()
    assert (article.slug, article.category, article.is_published()) == (
        "knee-replacement-abroad-what-it-costs",
        category,
        True,
    )
    assert [author.name for author in article.authors.all()] == ["Ana Petrova"]

    reader_page = new_page()
    reader_page.goto(f"{live_server.url}/")
    reader_page.get_by_role("link", name="Knee replacement abroad: what it costs").click()

    expect(reader_page).to_have_url(f"{live_server.url}/articles/knee-replacement-abroad-what-it-costs/")
    expect(reader_page.locator("h1")).to_have_text("Knee replacement abroad: what it costs")
    expect(reader_page.locator(".article-body h2")).to_have_text(["Costs at a glance", "Recovery"])
    expect(reader_page.locator(".article-body p").first).to_have_text("A new knee costs far less in some countries.")
    toc = reader_page.get_by_role("navigation", name="In this article")
    expect(toc.get_by_role("link")).to_have_text(["Costs at a glance", "Recovery"])
    anchor = toc.get_by_role("link", name="Recovery").get_attribute("href")
    expect(reader_page.locator(f".article-body h2{anchor}")).to_have_text("Recovery")


def test_editor_publishes_without_a_time_and_the_article_goes_live_at_once(live_server, new_page, editor, log_in):
    make_category(name="Dentistry")
    make_author(name="Ana Petrova")
    page = new_page()
    log_in(page, editor)
    open_add_article(page)

    page.locator("#id_title").press_sequentially("Dental implants in Hungary")
    page.locator("#id_standfirst").fill("What a course of treatment involves.")
    page.locator("#id_category").select_option(label="Dentistry")
    pick_author(page, search="Ana", name="Ana Petrova")
    publish_new_article(page)

    assert Article.objects.get().is_published()


# A small PNG drawn on a canvas, as a browser would send it.
PNG_BLOB = """
const canvas = Object.assign(document.createElement("canvas"), {width: 24, height: 16})
const context = canvas.getContext("2d")
context.fillStyle = "teal"
context.fillRect(0, 0, 24, 16)
const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"))
"""

# The request static/articles/editor-upload.js makes CKEditor send: the page's CSRF token in X-CSRFToken.
UPLOAD_WITH_FETCH = f"""
async ({{url, withToken}}) => {{
  {PNG_BLOB}
  const form = new FormData()
  form.append("upload", blob, "teal.png")
  const token = document.querySelector("input[name=csrfmiddlewaretoken]").value
  const headers = withToken ? {{"X-CSRFToken": token}} : {{}}
  const response = await fetch(url, {{method: "POST", body: form, headers, credentials: "same-origin"}})
  return {{status: response.status, json: withToken ? await response.json() : null}}
}}
"""

# CKEditor's own upload path (filetools' FileLoader, used by its image upload and paste); it resolves to the
# loader's final state, so a failed upload shows its message.
UPLOAD_THROUGH_CKEDITOR = f"""
async () => {{
  {PNG_BLOB}
  const editor = CKEDITOR.instances.id_body
  const loader = editor.uploadRepository.create(blob, "teal.png")
  return await new Promise((resolve) => {{
    loader.on("update", () => {{
      if (["uploaded", "error", "abort"].includes(loader.status)) {{
        resolve({{status: loader.status, url: loader.url, message: loader.message}})
      }}
    }})
    loader.upload(editor.config.uploadUrl)
  }})
}}
"""


def assert_one_uploaded_png(url, editor):
    assert url.startswith("/media/editor/") and url.endswith(".png"), url
    image = EditorImage.objects.get()
    assert (image.width, image.height, image.uploaded_by, image.original_name) == (24, 16, editor, "teal.png")


def test_upload_from_the_editor_page_needs_and_accepts_its_csrf_token(live_server, new_page, editor, log_in):
    page = new_page()
    log_in(page, editor)
    open_add_article(page)

    without_token = page.evaluate(UPLOAD_WITH_FETCH, {"url": "/editor/upload/", "withToken": False})
    with_token = page.evaluate(UPLOAD_WITH_FETCH, {"url": "/editor/upload/", "withToken": True})

    assert without_token["status"] == 403
    assert (with_token["status"], with_token["json"]["uploaded"]) == (200, 1)
    assert_one_uploaded_png(with_token["json"]["url"], editor)


def test_ckeditor_uploads_an_image_with_the_csrf_token(live_server, new_page, editor, log_in):
    page = new_page()
    log_in(page, editor)
    open_add_article(page)

    result = page.evaluate(UPLOAD_THROUGH_CKEDITOR)

    assert result["status"] == "uploaded", result
    assert_one_uploaded_png(result["url"], editor)
