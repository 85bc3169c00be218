"""
Re-encoding an uploaded image from its pixels alone, for every image the site keeps: the editors' images
(articles/images.py) and the medical records patients attach (quotes/records.py).

What comes out is the first frame, turned upright as its EXIF orientation says, written afresh: no EXIF (GPS
positions, camera, time), XMP, comments, colour profile, nor any bytes that followed the image data (such as
HTML in a polyglot). Each caller decides which uploads it accepts and in which format and mode it keeps them.
"""

import io

from PIL import ImageOps


def reencoded(image, image_format, *, mode=None, max_side=None, **save_options):
    """The bytes of ``image`` (an open Pillow image) re-encoded as ``image_format``, in ``mode`` if given, scaled
    down to fit ``max_side`` if given. Raises what Pillow raises on a damaged image (OSError, ValueError...)."""
    image.seek(0)  # the first frame of an animation
    image.load()
    image = ImageOps.exif_transpose(image)
    if mode and image.mode != mode:
        image = image.convert(mode)
    if max_side:
        image.thumbnail((max_side, max_side))
    output = io.BytesIO()
    # Pillow writes EXIF, XMP and comments only when asked to; a PNG would carry the profile over unless told not to.
    image.save(output, image_format, icc_profile=None, **save_options)
    return output.getvalue()
