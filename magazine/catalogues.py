"""
The interface's translation catalogues (``locale/<language>/LC_MESSAGES/django.po``), with Babel alone, so that no
GNU gettext is needed: ``make messages`` extracts the strings of the code, the public pages and the readers' and
patients' e-mails (``babel.cfg``) and updates the catalogues; ``make compilemessages`` compiles them to the
``.mo`` files Django reads, which are committed (tests/test_translations.py checks that they are up to date).
"""

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir, extract_python
from django.utils.translation.template import templatize

BASE_DIR = Path(__file__).resolve().parent.parent
MAPPING = BASE_DIR / "babel.cfg"


def extract_django(fileobj, keywords, comment_tags, options):
    """Babel's extractor for a Django template (``{% translate %}``, ``{% blocktranslate %}``): the template as
    Django's ``makemessages`` sees it (``templatize``, which writes the strings as ``gettext()`` calls), read by
    Babel's extractor of Python code."""
    source = templatize(fileobj.read().decode(options.get("encoding", "utf-8")))
    yield from extract_python(io.BytesIO(source.encode("utf-8")), keywords, comment_tags, options)


def source_messages():
    """``{(context, msgid)}`` of every string marked in the sources, as ``make messages`` extracts them."""
    from babel.messages.frontend import parse_mapping_cfg

    with MAPPING.open() as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    found = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        BASE_DIR, method_map, options_map, keywords=KEYWORDS
    ):
        found.add((context, message[0] if isinstance(message, (list, tuple)) else message))
    return found


# Django's names of the translation functions, for Babel's extractor of Python code (as `make messages` passes).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
