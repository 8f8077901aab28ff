"""CSV downloads. Every export writes through SafeWriter, so no cell a person typed
(an activity, a course title, a certificate number, even an email address such as
=1+2@example.com) is run as a formula when the file is opened in a spreadsheet
(OWASP, "CSV injection")."""

import csv

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text a spreadsheet would read as a formula gets a leading apostrophe, which shows
    it as text; numbers and dates are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """A csv.writer whose rows are defused cell by cell. `writerow` returns what the
    stream's write returned, so it also serves streaming responses."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_response(filename, header, rows):
    """A CSV download: `header`, then `rows` (any iterable of lists)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = SafeWriter(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


class _Echo:
    def write(self, value):
        return value


def streaming_csv_response(filename, header, rows):
    """A CSV download written row by row as the client reads it: memory stays flat
    however many rows `rows` (an iterable, e.g. a queryset's iterator()) yields."""
    writer = SafeWriter(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
