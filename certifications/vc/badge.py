"""A badge image per program (PNG, drawn with Pillow), optionally with a signed
credential baked in: Open Badges 3.0 "Baking", an iTXt chunk with the keyword
`openbadgecredential` holding the credential JSON, uncompressed."""

import io
import json
from functools import lru_cache

from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

SIZE = 256
BAKED_KEYWORD = "openbadgecredential"


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has one fixed-size default font
        return ImageFont.load_default()


@lru_cache(maxsize=32)
def _drawn(code, level):
    colour = {1: "#0d6efd", 2: "#6f42c1", 3: "#198754"}.get(level, "#0d6efd")
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=colour, outline="#ffffff", width=6)
    draw.ellipse((28, 28, SIZE - 28, SIZE - 28), outline="#ffffff", width=2)
    font = _font(44 if len(code) <= 5 else 32)
    draw.text((SIZE / 2, SIZE / 2), code, fill="#ffffff", font=font, anchor="mm")
    return image


def badge_png(program, *, credential_document=None):
    image = _drawn(program.code, program.level)
    info = PngInfo()
    info.add_text("Title", f"{program.name} ({program.code})")
    if credential_document is not None:
        info.add_itxt(BAKED_KEYWORD, json.dumps(credential_document, ensure_ascii=False))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def baked_credential(png_bytes):
    """The credential baked into a PNG, or None."""
    text = baked_credential_text(png_bytes)
    return json.loads(text) if text else None


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BakedBadgeError(ValueError):
    """The file starts like a PNG but its chunks cannot be read."""


def baked_credential_text(png_bytes):
    """The text of the `openbadgecredential` iTXt chunk of a PNG, or None when it has
    none. The chunks are walked by their lengths and no pixel is decoded, so an image of
    any size costs only a pass over the bytes."""
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(png_bytes):
        length = int.from_bytes(png_bytes[position : position + 4], "big")
        kind = png_bytes[position + 4 : position + 8]
        data = png_bytes[position + 8 : position + 8 + length]
        if len(data) < length:
            raise BakedBadgeError(gettext("The badge image is cut short."))
        if kind == b"iTXt":
            keyword, _, rest = data.partition(b"\0")
            if keyword == BAKED_KEYWORD.encode() and len(rest) >= 2:
                if rest[0] != 0:
                    raise BakedBadgeError(
                        gettext("The baked credential is compressed; it must not be.")
                    )
                _language, _, rest = rest[2:].partition(b"\0")
                _translated, _, text = rest.partition(b"\0")
                try:
                    return text.decode("utf-8")
                except UnicodeDecodeError:
                    raise BakedBadgeError(
                        gettext("The baked credential is not UTF-8 text.")
                    ) from None
        if kind == b"IEND":
            return None
        position += 12 + length
    return None
