"""What an evidence file must be, read to its end: a PDF, PNG or JPEG that is whole, an
image small enough to open, and no web page hiding in it.

The first bytes name the type (filetype). Then:
- a PDF ends as the format requires: `startxref`, the offset of its cross-reference
  table (or stream), `%%EOF`; and the offset points at one;
- an image opens within Pillow's decompression-bomb limit (Image.MAX_IMAGE_PIXELS, about
  89 megapixels: a bigger one would take gigabytes to display), and reads to its end: a
  PNG chunk by chunk with their checksums, a JPEG decoded at an eighth of its size;
- no file carries HTML markup anywhere: a PDF/HTML polyglot is a web page to any program
  that sniffs it.
"""

import re
import warnings

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image

PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
# The trailer: "startxref", the table's offset, "%%EOF", then at most line ends or
# padding. Read in the last KB, where every conforming writer puts it.
PDF_TRAILER = re.compile(rb"startxref\s+(\d+)\s*%%EOF[\s\x00]*\Z")
PDF_TAIL_BYTES = 1024
PDF_XREF = re.compile(rb"\s*(?:xref|\d+\s+\d+\s+obj)")
# Elements that make a browser treat the bytes as a page: each is long enough (with the
# character after it) that compressed image or PDF data holds one by chance in far
# fewer than one file in a thousand.
MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|script[\s>/]|iframe[\s>/]"
    rb"|svg[\s>/]|object[\s>/]|embed[\s>/]|meta\s+http-equiv)",
    re.IGNORECASE,
)
PILLOW_FORMATS = {"png": "PNG", "jpg": "JPEG"}

WRONG_TYPE = _("Evidence must be a PDF, PNG or JPEG file (its content is checked).")
DAMAGED_PDF = _(
    "The PDF is damaged or incomplete: it does not end as a PDF must. Save or print it to "
    "PDF again and upload that."
)
DAMAGED_IMAGE = _(
    "The image is damaged or incomplete: it could not be read to its end. Export it again "
    "as PNG or JPEG and upload that."
)
MARKUP_FOUND = _(
    "The file also holds web page code (HTML), which evidence may not carry. Save or print "
    "it to PDF again, or upload a PNG or JPEG."
)


def refuse(message):
    raise ValidationError({"evidence": message})


def checked_extension(file):
    """The extension matching `file`'s content ("pdf", "png", "jpg"), after reading it
    all; ValidationError with the evidence field's message otherwise. The file's size is
    already known to be within EVIDENCE_MAX_BYTES."""
    file.seek(0)
    data = file.read()
    file.seek(0)
    kind = filetype.guess(data[:8192])
    extension = settings.EVIDENCE_CONTENT_TYPES.get(kind.mime) if kind else None
    if extension is None:
        refuse(WRONG_TYPE)
    if MARKUP.search(data):
        refuse(MARKUP_FOUND)
    if extension == "pdf":
        check_pdf(data)
    else:
        check_image(file, PILLOW_FORMATS[extension])
    return extension


def check_pdf(data):
    trailer = PDF_TRAILER.search(data[-PDF_TAIL_BYTES:])
    if not PDF_HEADER.match(data) or trailer is None:
        refuse(DAMAGED_PDF)
    offset = int(trailer.group(1))
    if offset >= len(data) or not PDF_XREF.match(data, offset):
        refuse(DAMAGED_PDF)


def check_image(file, pillow_format):
    too_big = _(
        "The image has more than %(millions)s million pixels, too "
        "many to open safely. Scan or export it at a lower resolution and upload that."
    ) % {"millions": f"{Image.MAX_IMAGE_PIXELS / 1e6:.0f}"}
    try:
        with warnings.catch_warnings():
            # Pillow warns past its limit and refuses past twice that: refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[pillow_format]) as image:
                width, height = image.size
                if pillow_format == "PNG":
                    image.verify()  # every chunk to IEND, with its checksum
                else:
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                    image.load()  # all the compressed data, decoded small
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        refuse(too_big)
    except (OSError, SyntaxError, ValueError, EOFError):
        refuse(DAMAGED_IMAGE)
    finally:
        file.seek(0)
