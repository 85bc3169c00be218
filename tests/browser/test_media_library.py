"""The media library's focal point, set by clicking on the image (static/articles/focal-point.js)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import EditorImage
from tests.articles.test_uploads import image_bytes

pytestmark = pytest.mark.browser


def test_an_editor_sets_the_focal_point_by_clicking_on_the_image(live_server, new_page, log_in, editor):
    image = EditorImage(original_name="clinic.jpg")
    image.image.save("clinic.jpg", ContentFile(image_bytes(width=1200, height=800), name="clinic.jpg"), save=True)
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, editor)
    page.goto(live_server.url + reverse("admin:articles_editorimage_change", args=[image.pk]))
    picture = page.locator(".focal-point-picker img")
    marker = page.locator(".focal-point-marker")
    expect(marker).to_be_visible()  # at the centre, where the point starts
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    assert abs(float(page.locator("#id_focal_x").input_value()) - 0.25) < 0.01
    assert abs(float(page.locator("#id_focal_y").input_value()) - 0.75) < 0.01
    marker_box = marker.bounding_box()
    assert abs(marker_box["x"] + marker_box["width"] / 2 - (box["x"] + box["width"] * 0.25)) < 3
    # The arrow keys move it too, a hundredth at a time.
    page.locator(".focal-point-picker").press("ArrowRight")
    x = float(page.locator("#id_focal_x").input_value())
    page.get_by_label("Alt text").fill("The clinic's entrance")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    image.refresh_from_db()
    assert (image.focal_x, image.alt_text) == (x, "The clinic's entrance")
    assert abs(image.focal_x - 0.26) < 0.011 and abs(image.focal_y - 0.75) < 0.01
