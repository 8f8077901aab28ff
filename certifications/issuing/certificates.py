"""The PDF certificate: name, program, number, dates, trainer and the public
verification URL with its QR code (drawn by ReportLab's own QR widget)."""

import io

from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

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


def certificate_pdf(credential):
    """The certificate of `credential` (with program, holder and course's trainer
    fetched) as PDF bytes."""
    holder_name = display_name(credential.holder)
    if not holder_name:  # never an email address in place of the name
        raise ValueError("A certificate needs the holder's name.")
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

    center = width / 2
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(center, height - 40 * mm, program.issuing_body)
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawCentredString(center, height - 58 * mm, program.name)
    pdf.setFont("Helvetica", 14)
    # Translators: the certificate's first line; the holder's name follows on its own
    # line, then "holds the … certification".
    pdf.drawCentredString(center, height - 72 * mm, _("This certifies that"))
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawCentredString(center, height - 88 * mm, holder_name)
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(
        center,
        height - 102 * mm,
        # Translators: the line under the holder's name, after "This certifies that".
        _("holds the %(code)s certification (%(name)s).")
        % {"code": program.code, "name": program.name},
    )

    lines = [
        _("Certificate number: %(number)s") % {"number": credential.certificate_number},
        _("Issued on: %(day)s") % {"day": day(credential.issued_on)},
        _("Valid until: %(day)s") % {"day": day(credential.expires_on)},
    ]
    if credential.course_id:
        lines.append(_("Trainer: %(trainer)s") % {"trainer": credential.course.trainer})
        lines.append(_("Course: %(title)s") % {"title": credential.course.title})
    pdf.setFont("Helvetica", 12)
    y = 70 * mm
    for line in lines:
        pdf.drawString(30 * mm, y, line)
        y -= 7 * mm

    qr_x, qr_y = width - 30 * mm - QR_SIZE, 30 * mm
    renderPDF.draw(_qr_drawing(url), pdf, qr_x, qr_y)
    pdf.linkURL(url, (qr_x, qr_y, qr_x + QR_SIZE, qr_y + QR_SIZE), relative=0)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(30 * mm, 22 * mm, _("Verify this certificate: %(url)s") % {"url": url})
    pdf.linkURL(url, (30 * mm, 20 * mm, width - 40 * mm - QR_SIZE, 26 * mm), relative=0)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
