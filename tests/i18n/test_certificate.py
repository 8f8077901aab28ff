"""The PDF certificate speaks the holder's language and sets Japanese in a CJK font."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import CredentialFactory

pytestmark = pytest.mark.django_db


def certificate(client, credential):
    client.force_login(credential.holder.user)
    response = client.get(reverse("credential_certificate", args=[credential.certificate_number]))
    assert response.status_code == 200
    return response.content


def page_text(body):
    return PdfReader(io.BytesIO(body)).pages[0].extract_text()


def fonts(body):
    page = PdfReader(io.BytesIO(body)).pages[0]
    return {str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}


def render_png(body, path):
    """Page 1 as a PNG: pypdfium2, else Debian's pdftoppm; None when neither is here."""
    try:
        import pypdfium2
    except ImportError:
        pypdfium2 = None
    if pypdfium2 is not None:
        page = pypdfium2.PdfDocument(body)[0]
        page.render(scale=1).to_pil().save(path)
        return path
    if shutil.which("pdftoppm"):
        (path.parent / "page.pdf").write_bytes(body)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-singlefile",
                str(path.parent / "page.pdf"),
                str(path.with_suffix("")),
            ],
            check=True,
        )
        return path
    return None


def japanese_font_installed():
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


def test_a_japanese_holders_certificate_carries_their_name_in_japanese(client, tmp_path):
    credential = CredentialFactory(
        holder__user__first_name="花子",
        holder__user__last_name="山田",
        holder__user__language="ja",
        issued_on=datetime.date(2026, 12, 7),
    )
    body = certificate(client, credential)
    text = page_text(body)
    assert "花子" in text and "山田" in text
    assert "2026年12月7日" in text  # the issue date in Japanese's long form
    assert any("HeiseiKakuGo" in font for font in fonts(body))

    png = render_png(body, tmp_path / "certificate-ja.png")
    if png is None:
        pytest.skip("no PDF renderer: install pypdfium2 (test extra) or Debian's poppler-utils")
    from PIL import Image

    image = Image.open(png).convert("L")
    darkest, lightest = image.getextrema()
    assert darkest < 100 and lightest > 200, "page 1 renders blank"
    # The CID font is supplied by the viewer: a renderer without a Japanese font draws
    # nothing for the name, which is what this checks on a machine that has one.
    if not japanese_font_installed():
        pytest.skip("no Japanese font for the renderer (bin/test installs fonts-ipafont-gothic)")
    width, height = image.size
    name_line = image.crop((width // 4, int(height * 0.39), 3 * width // 4, int(height * 0.45)))
    assert name_line.getextrema()[0] < 100, "the Japanese name renders as nothing"


def test_an_english_certificate_keeps_helvetica_and_a_kanji_name_switches_font(client):
    english = certificate(client, CredentialFactory(holder__user__first_name="Ada"))
    assert fonts(english) <= {"/Helvetica", "/Helvetica-Bold"}
    kanji = CredentialFactory(holder__user__first_name="太郎", holder__user__language="de")
    body = certificate(client, kanji)
    assert "太郎" in page_text(body)
    assert any("HeiseiKakuGo" in font for font in fonts(body))
