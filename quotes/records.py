"""
The medical records patients attach: checked by their content, not their name, then rewritten so that what
staff open holds nothing active. The original upload is not kept (SECURITY.md, "Medical records").

- A PDF is opened with pikepdf (qpdf) and saved anew without JavaScript, automatic actions (``/OpenAction``,
  ``/AA`` of the document, its pages, annotations and form fields), actions that reach outside the document
  (launch, submit-form, import-data, remote go-to, web links), embedded files, multimedia and XFA forms. Pages,
  text, images, bookmarks and plain form fields stay as they were. A PDF that cannot be opened, that needs a
  password, or that has more than ``QUOTE_RECORD_MAX_PAGES`` pages is refused.
- A JPEG or PNG is re-encoded from its pixels (magazine/images.py): upright, in the same format, without EXIF
  (GPS positions), XMP, comments or colour profile.
"""

import io
import logging

import pikepdf
import pikepdf.sanitize
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from magazine.images import reencoded

PDF_MAGIC = b"%PDF-"
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
# The modes each format keeps as they are (a 16-bit greyscale scan stays 16-bit); others become RGB(A).
KEPT_MODES = {"JPEG": {"L", "RGB"}, "PNG": {"1", "L", "LA", "I;16", "RGB", "RGBA"}}
SAVE_OPTIONS = {"JPEG": {"quality": 92, "optimize": True}, "PNG": {"optimize": True}}

# Active content pikepdf's sanitizer removes (its curated, documented operations): JavaScript wherever an
# action can hold it, actions that reach the network or the file system, embedded files, multimedia.
PDF_SANITIZER = (
    pikepdf.sanitize.Sanitizer()
    .remove_javascript()
    .remove_external_access()
    .remove_attachments()
    .remove_multimedia()
    .remove_collection()
)
AUTOMATIC_ACTIONS = (pikepdf.Name.OpenAction, pikepdf.Name.AA)

logger = logging.getLogger(__name__)


def record_type(upload):
    """The MIME type of an acceptable record, or ValidationError."""
    if upload.size > settings.QUOTE_RECORD_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; each file may be at most %(limit)s."),
            code="too_large",
            params={"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(settings.QUOTE_RECORD_MAX_BYTES)},
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        return "application/pdf"
    try:
        with Image.open(upload) as image:
            image_format = image.format
            if image.width * image.height > settings.IMAGE_UPLOAD_MAX_PIXELS:
                raise ValidationError(_("“%(name)s” is too large an image."), code="too_many_pixels", params={"name": upload.name})
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        image_format = None
    finally:
        upload.seek(0)
    if image_format in IMAGE_TYPES:
        return IMAGE_TYPES[image_format]
    raise ValidationError(
        _("“%(name)s” is not a PDF, JPEG or PNG file."), code="bad_type", params={"name": upload.name}
    )


def clean_record(upload):
    """
    ``(file, content_type)``: the copy of ``upload`` to store, with the patient's file name, or ValidationError.
    """
    content_type = record_type(upload)
    upload.seek(0)
    if content_type == "application/pdf":
        content = sanitized_pdf(upload)
    else:
        content = reencoded_image(upload)
    return ContentFile(content, name=upload.name), content_type


def sanitized_pdf(upload):
    try:
        pdf = pikepdf.Pdf.open(io.BytesIO(upload.read()))
    except pikepdf.PasswordError:
        raise ValidationError(
            _(
                "“%(name)s” is protected by a password. Please attach a copy without one (most PDF readers can save "
                "or print it to a new PDF), or send it to our team by another way."
            ),
            code="pdf_password",
            params={"name": upload.name},
        )
    except Exception as error:  # qpdf refuses a damaged file in many ways
        raise unreadable_pdf(upload, error)
    with pdf:
        try:
            pages = len(pdf.pages)
        except Exception as error:
            raise unreadable_pdf(upload, error)
        if pages > settings.QUOTE_RECORD_MAX_PAGES:
            raise ValidationError(
                _(
                    "“%(name)s” has %(pages)s pages; a file may have at most %(limit)s. Please attach the pages that "
                    "matter, or split it into several files."
                ),
                code="too_many_pages",
                params={"name": upload.name, "pages": pages, "limit": settings.QUOTE_RECORD_MAX_PAGES},
            )
        try:
            remove_active_content(pdf)
            output = io.BytesIO()
            # Compressed streams are copied as they are, never inflated: a compressed bomb stays a few bytes here.
            # A file that only restricted printing or copying (opened without a password) is saved unencrypted.
            pdf.save(output, stream_decode_level=pikepdf.StreamDecodeLevel.none, encryption=False)
        except Exception as error:
            raise unreadable_pdf(upload, error)
    return output.getvalue()


def remove_active_content(pdf):
    """Everything in ``pdf`` that a reader could run or open by itself, removed in place."""
    PDF_SANITIZER.apply(pdf)
    # Automatic actions of any kind, not only those of the kinds removed above: opening a record, turning its
    # pages or moving over a field should do nothing but show it.
    holders = [pdf.Root, *(page.obj for page in pdf.pages)]
    for page in pdf.pages:
        annotations = page.obj.get(pikepdf.Name.Annots)
        if isinstance(annotations, pikepdf.Array):
            holders.extend(annotation for annotation in annotations if isinstance(annotation, pikepdf.Dictionary))
    holders.extend(form_fields(pdf))
    for holder in holders:
        for key in AUTOMATIC_ACTIONS:
            if key in holder:
                del holder[key]
    # XFA forms carry their own scripts, and a reader that finds no XFA must not be told to render one.
    acroform = pdf.Root.get(pikepdf.Name.AcroForm)
    if isinstance(acroform, pikepdf.Dictionary) and pikepdf.Name.XFA in acroform:
        del acroform[pikepdf.Name.XFA]
    if pikepdf.Name.NeedsRendering in pdf.Root:
        del pdf.Root[pikepdf.Name.NeedsRendering]
    names = pdf.Root.get(pikepdf.Name.Names)
    if isinstance(names, pikepdf.Dictionary) and pikepdf.Name.AlternatePresentations in names:
        del names[pikepdf.Name.AlternatePresentations]  # slide shows, which may run scripts


def form_fields(pdf):
    """Every node of the form's field tree, also fields that no page shows."""
    acroform = pdf.Root.get(pikepdf.Name.AcroForm)
    fields = acroform.get(pikepdf.Name.Fields) if isinstance(acroform, pikepdf.Dictionary) else None
    stack, seen = list(fields) if isinstance(fields, pikepdf.Array) else [], set()
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or (node.is_indirect and node.objgen in seen):
            continue
        if node.is_indirect:
            seen.add(node.objgen)
        yield node
        kids = node.get(pikepdf.Name.Kids)
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)


def unreadable_pdf(upload, error):
    # The error's class only: qpdf's messages may quote the file's contents.
    logger.info("Refused a PDF record that could not be read or cleaned (%s)", type(error).__name__)
    return ValidationError(
        _("“%(name)s” is damaged or is not a PDF we can read. Please attach another copy, or a JPEG or PNG scan."),
        code="pdf_unreadable",
        params={"name": upload.name},
    )


def reencoded_image(upload):
    try:
        with Image.open(upload) as image:
            image_format = image.format
            if image.mode in KEPT_MODES[image_format]:
                mode = image.mode
            else:
                mode = "RGBA" if image.has_transparency_data else "RGB"
                mode = "RGB" if image_format == "JPEG" else mode
            return reencoded(image, image_format, mode=mode, **SAVE_OPTIONS[image_format])
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("“%(name)s” is a damaged image that cannot be read. Please attach another copy."),
            code="damaged_image",
            params={"name": upload.name},
        )
