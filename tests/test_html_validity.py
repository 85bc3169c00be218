"""The W3C Nu HTML checker (vnu.jar, from the vnu-jar npm package) finds no error on the demo's public pages."""

import json
import shutil
import subprocess

import pytest
from django.utils import translation

from articles.models import Article
from tests.validators import MISSING, VNU_JAR, demo_pages

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("java") is None, reason="the HTML checker needs Java"),
    pytest.mark.skipif(not VNU_JAR.is_file(), reason=f"vnu.jar {MISSING}"),
]


def html_errors(documents, tmp_path):
    """The checker's errors in ``documents`` ({name: HTML}), one line each; one run of Java for them all."""
    files = {}
    for number, (name, content) in enumerate(documents.items()):
        path = tmp_path / f"{number:02d}.html"
        path.write_bytes(content)
        files[str(path)] = name
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}, line {m.get('lastLine')}: {m['message']}"
        f" [{m.get('extract', '').strip()}]"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    return errors


def test_the_public_pages_of_the_demo_have_no_html_error(client, tmp_path):
    documents = {}
    for name, url in demo_pages().items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not found" else 200), name
        documents[name] = response.content
    errors = html_errors(documents, tmp_path)
    assert not errors, "\n".join(errors)


def test_the_quote_form_with_errors_has_no_html_error(client, tmp_path):
    demo_pages()
    response = client.post("/quote/", {})  # sent empty: every required field in error
    assert response.status_code == 200 and b"errorlist" in response.content
    errors = html_errors({"quote form with errors": response.content}, tmp_path)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_translated_pages_have_no_html_error(client, tmp_path, language):
    pages = demo_pages()
    documents = {}
    # The demo's translation of its stroke article, and the other pages at their address in the language.
    translated = Article.objects.published().get(translation_of__slug="stem-cell-therapy-after-stroke", language=language)
    paths = {name: f"/{language}{pages[name]}" for name in ("home", "search results", "quote form", "not found")}
    paths["article"] = translated.get_absolute_url()
    assert paths["article"].startswith(f"/{language}/")
    with translation.override(language):
        for name, path in paths.items():
            documents[name] = client.get(path).content
        documents["quote form with errors"] = client.post(f"/{language}/quote/", {}).content
    assert f'<html lang="{language}"'.encode() in documents["home"]
    errors = html_errors(documents, tmp_path)
    assert not errors, "\n".join(errors)
