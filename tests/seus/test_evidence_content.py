"""Evidence is read to its end: a PDF must end as a PDF does, an image must open within
Pillow's decompression-bomb limit and read to its last byte, and no file may carry a
web page (a PDF/HTML polyglot)."""

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from seus.models import SeuEntry
from seus.services import validate_evidence
from tests.factories import EVIDENCE_JPEG, EVIDENCE_PDF, EVIDENCE_PNG, image_bytes, pdf_bytes

from .test_entry_views import form_data


def upload(data, name="evidence.bin"):
    return SimpleUploadedFile(name, data)


def refusal(data):
    with pytest.raises(ValidationError) as excinfo:
        validate_evidence(upload(data))
    return excinfo.value.message_dict["evidence"][0]


def png_claiming(width, height):
    """A small PNG whose header claims `width` x `height` pixels (checksums right)."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "extension"),
    [
        (EVIDENCE_PDF, "pdf"),
        (pdf_bytes(pages=3), "pdf"),
        (EVIDENCE_PNG, "png"),
        (EVIDENCE_JPEG, "jpg"),
    ],
)
def test_whole_files_of_each_type_are_accepted(data, extension):
    assert validate_evidence(upload(data)) == extension


def test_a_pdf_html_polyglot_is_refused():
    polyglot = pdf_bytes(comment=b"<html><body><script>alert(document.domain)</script>")
    assert "web page code (HTML)" in refusal(polyglot)


def test_html_after_the_end_of_a_pdf_is_refused():
    assert "web page code (HTML)" in refusal(EVIDENCE_PDF + b"<!DOCTYPE html><p>hi</p>\n")
    assert "does not end as a PDF must" in refusal(EVIDENCE_PDF + b"trailing words\n")


def test_a_pdf_header_on_anything_else_is_refused():
    assert "does not end as a PDF must" in refusal(b"%PDF-1.4\n" + b"0" * 2000)


def test_a_pdf_cut_short_is_refused():
    assert "does not end as a PDF must" in refusal(EVIDENCE_PDF[: len(EVIDENCE_PDF) // 2])


def test_a_pdf_whose_trailer_points_nowhere_is_refused():
    offset = EVIDENCE_PDF.rsplit(b"startxref\n", 1)[1].split(b"\n")[0]
    for wrong in (b"0", b"9" * 9):
        pointing_nowhere = EVIDENCE_PDF.replace(b"startxref\n" + offset, b"startxref\n" + wrong)
        assert "does not end as a PDF must" in refusal(pointing_nowhere)


def test_an_image_of_60000_by_60000_pixels_is_refused_before_it_is_decoded():
    assert "more than 89 million pixels" in refusal(png_claiming(60000, 60000))


def test_an_image_just_past_pillows_warning_limit_is_refused_too():
    side = int(Image.MAX_IMAGE_PIXELS**0.5) + 1
    assert "million pixels" in refusal(png_claiming(side, side))


def test_an_image_cut_short_or_with_a_bad_checksum_is_refused():
    big_png = image_bytes("PNG", 300, 300)
    assert "could not be read to its end" in refusal(big_png[: len(big_png) - 40])
    broken = bytearray(big_png)
    broken[40] ^= 0xFF  # inside the image data: its chunk's checksum no longer matches
    assert "could not be read to its end" in refusal(bytes(broken))
    jpeg = image_bytes("JPEG", 300, 300)
    assert "could not be read to its end" in refusal(jpeg[: len(jpeg) // 2])


def test_an_html_file_behind_an_image_is_refused():
    assert "web page code (HTML)" in refusal(EVIDENCE_PNG + b"<script>alert(1)</script>")


@pytest.mark.django_db
def test_the_form_shows_the_refusal_beside_the_file_field(practitioner_client):
    bomb = SimpleUploadedFile("scan.png", png_claiming(60000, 60000), content_type="image/png")
    response = practitioner_client.post(reverse("seus:create"), {**form_data(), "evidence": bomb})
    assert "million pixels" in response.context["form"].errors["evidence"][0]
    assert not SeuEntry.objects.exists()
