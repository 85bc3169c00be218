"""Placeholder pictures for the demo content, drawn with Pillow so that no image files live in the repository."""

import io
import random

from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont

HERO_SIZE = (1600, 900)
PORTRAIT_SIZE = 400


def _jpeg(image):
    output = io.BytesIO()
    image.save(output, "JPEG", quality=80, optimize=True, progressive=True)
    return output.getvalue()


def hero_image(*, palette, motif, seed):
    """A diagonal two-colour gradient with translucent shapes, as JPEG bytes.

    Drawn at half size and scaled up: it is four times faster and the softness suits the picture.
    """
    width, height = HERO_SIZE[0] // 2, HERO_SIZE[1] // 2
    start, end = (ImageColor.getrgb(colour) for colour in palette)
    # Rotate a square larger than the picture and crop its middle, so that no blank corners show.
    # A gradient loses nothing by being computed small and scaled up.
    small_width, small_height = width // 4, height // 4
    side = small_width + small_height
    mask = Image.linear_gradient("L").resize((side, side)).rotate(-35, resample=Image.Resampling.BILINEAR)
    left, top = (side - small_width) // 2, (side - small_height) // 2
    mask = mask.crop((left, top, left + small_width, top + small_height)).resize((width, height))
    image = Image.composite(Image.new("RGB", (width, height), end), Image.new("RGB", (width, height), start), mask)

    # Seeded by the slug so that the same article always gets the same picture.
    rng = random.Random(seed)  # nosec B311  # shapes of demo pictures, repeatable on purpose: no secret
    overlay = Image.new("RGBA", (width, height))
    draw = ImageDraw.Draw(overlay)
    if motif == "circles":
        for _ in range(14):
            radius = rng.randint(20, 120)
            x, y = rng.randint(0, width), rng.randint(0, height)
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(255, 255, 255, rng.randint(25, 60)))
    elif motif == "rings":
        x, y = rng.randint(width // 4, width * 3 // 4), rng.randint(height // 3, height * 2 // 3)
        for radius in range(40, 700, 55):
            box = (x - radius, y - radius, x + radius, y + radius)
            draw.ellipse(box, outline=(255, 255, 255, max(15, 90 - radius // 8)), width=rng.randint(6, 14))
    else:  # bands
        for _ in range(6):
            offset, band = rng.randint(-height, width), rng.randint(30, 110)
            points = [(offset, height), (offset + band, height), (offset + band + height, 0), (offset + height, 0)]
            draw.polygon(points, fill=(255, 255, 255, rng.randint(20, 50)))
    overlay = overlay.filter(ImageFilter.BoxBlur(2))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    return _jpeg(image.resize(HERO_SIZE, Image.Resampling.BICUBIC))


def portrait(*, name, colour):
    """Initials in a light circle on a coloured square, as JPEG bytes."""
    size = PORTRAIT_SIZE
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, size - 40, size - 40), fill=(255, 255, 255))
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = ImageFont.load_default(size=140)
    draw.text((size / 2, size / 2), initials, fill=colour, font=font, anchor="mm")
    return _jpeg(image)
