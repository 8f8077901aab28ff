"""The PDF certificate: name, program, number, dates, trainer and the public
verification URL with its QR code (drawn by ReportLab's own QR widget).

It is written in the holder's language. Helvetica covers Western European text only, so
a certificate in Japanese, or with any text outside Windows-1252 (a name in kanji), is set
in the CJK font that ships with ReportLab (HeiseiKakuGo-W5, a CID font the PDF viewer
supplies: no font file to embed or to ship).
"""

import io

from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from cspo_tracker import i18n
from cspo_tracker.formats import day

from ..models import display_name
from .services import verification_url

QR_SIZE = 38 * mm


def _qr_drawing(value):
    widget = QrCodeWidget(value)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        QR_SIZE,
        QR_SIZE,
        transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0],
    )
    drawing.add(widget)
    return drawing


CJK_FONT = "HeiseiKakuGo-W5"
LATIN_FONTS = ("Helvetica", "Helvetica-Bold")


def _fits_latin(text):
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def fonts_for(language, texts):
    """(regular, bold) font names for a page in `language` carrying `texts`."""
    if language != "ja" and all(_fits_latin(str(text)) for text in texts):
        return LATIN_FONTS
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT, CJK_FONT


def certificate_pdf(credential):
    """The certificate of `credential` (with program, holder and course's trainer
    fetched) as PDF bytes, in the holder's language."""
    holder_name = display_name(credential.holder)
    if not holder_name:  # never an email address in place of the name
        raise ValueError("A certificate needs the holder's name.")
    language = i18n.language_of(credential.holder.user)
    with i18n.speaking(language):
        return _certificate_pdf(credential, holder_name, language)


def _certificate_pdf(credential, holder_name, language):
    url = verification_url(credential)
    program = credential.program
    buffer = io.BytesIO()
    width, height = landscape(A4)
    # Uncompressed page text: a few kB more, and the certificate's text stays searchable.
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=0)
    pdf.setTitle(
        _("%(program)s certificate %(number)s")
        % {"program": program.code, "number": credential.certificate_number}
    )
    pdf.setAuthor(program.issuing_body)

    pdf.setStrokeColor(colors.HexColor("#0d6efd"))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)

    lines = [
        _("Certificate number: %(number)s") % {"number": credential.certificate_number},
        _("Issued on: %(day)s") % {"day": day(credential.issued_on, long=True)},
        _("Valid until: %(day)s") % {"day": day(credential.expires_on, long=True)},
    ]
    if credential.course_id:
        lines.append(_("Trainer: %(trainer)s") % {"trainer": credential.course.trainer})
        lines.append(_("Course: %(title)s") % {"title": credential.course.title})
    # Translators: the line under the holder's name, after "This certifies that".
    holds = _("holds the %(code)s certification (%(name)s).") % {
        "code": program.code,
        "name": program.name,
    }
    # Translators: the certificate's first line; the holder's name follows on its own
    # line, then "holds the … certification".
    certifies = _("This certifies that")
    verify = _("Verify this certificate: %(url)s") % {"url": url}
    texts = [program.issuing_body, program.name, holder_name, holds, certifies, verify, *lines]
    regular, bold = fonts_for(language, texts)

    center = width / 2
    pdf.setFont(regular, 14)
    pdf.drawCentredString(center, height - 40 * mm, program.issuing_body)
    pdf.setFont(bold, 28)
    pdf.drawCentredString(center, height - 58 * mm, program.name)
    pdf.setFont(regular, 14)
    pdf.drawCentredString(center, height - 72 * mm, certifies)
    pdf.setFont(bold, 24)
    pdf.drawCentredString(center, height - 88 * mm, holder_name)
    pdf.setFont(regular, 14)
    pdf.drawCentredString(center, height - 102 * mm, holds)

    pdf.setFont(regular, 12)
    y = 70 * mm
    for line in lines:
        pdf.drawString(30 * mm, y, line)
        y -= 7 * mm

    qr_x, qr_y = width - 30 * mm - QR_SIZE, 30 * mm
    renderPDF.draw(_qr_drawing(url), pdf, qr_x, qr_y)
    pdf.linkURL(url, (qr_x, qr_y, qr_x + QR_SIZE, qr_y + QR_SIZE), relative=0)
    pdf.setFont(regular, 9)
    pdf.drawString(30 * mm, 22 * mm, verify)
    pdf.linkURL(url, (30 * mm, 20 * mm, width - 40 * mm - QR_SIZE, 26 * mm), relative=0)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
