"""A person's archive (GDPR art. 20): everything held about them as one zip of JSON
documents and the files they uploaded, streamed while it is written.

Each app registers a part in its AppConfig.ready (this layer never imports them): a
function of a `Person` that yields entries, `Document` (a small JSON object), `Rows` (a
JSON list written one row at a time, so a long SEU log is never held in memory) or
`StoredFile` (read from its storage in chunks). `archive` writes them into a zip as they
come and yields the bytes: the memory used is a chunk and the zip's directory, whatever
the size of the archive.
"""

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Text:
    path: str
    text: str

    def chunks(self):
        yield self.text.encode()


@dataclass(frozen=True)
class Document:
    path: str
    data: object

    def chunks(self):
        yield _json(self.data, indent=2).encode()


@dataclass(frozen=True)
class Rows:
    path: str
    rows: Iterable

    def chunks(self):
        yield b"[\n"
        first = True
        for row in self.rows:
            yield (b"" if first else b",\n") + _json(row).encode()
            first = False
        yield b"\n]\n"


@dataclass(frozen=True)
class StoredFile:
    path: str
    field_file: object  # a FieldFile (its storage and name)

    def chunks(self):
        with self.field_file.storage.open(self.field_file.name, "rb") as stored:
            while chunk := stored.read(CHUNK):
                yield chunk


@dataclass(frozen=True)
class Part:
    name: str
    order: int
    entries: Callable  # (Person) -> iterable of Document, Rows, StoredFile
    describes: str  # one line for the archive's README


_parts = {}


def register_part(name, entries, *, order, describes):
    _parts[name] = Part(name=name, order=order, entries=entries, describes=describes)


def parts():
    return sorted(_parts.values(), key=lambda part: (part.order, part.name))


def _json(data, indent=None):
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=indent)


def safe_name(name, fallback="file"):
    """A file name for inside the archive: no folders, no control characters."""
    name = "".join(c for c in (name or "").replace("/", "_").replace("\\", "_") if c.isprintable())
    return name.strip(" .")[:120] or fallback


class _Sink(io.RawIOBase):
    """Where the zip is written: it keeps what was written until `drain` hands it out.
    It can tell its position but not seek, so zipfile writes each entry's sizes after
    its data (a data descriptor) instead of going back."""

    def __init__(self):
        self._chunks, self._size, self._written = [], 0, 0

    def writable(self):
        return True

    def write(self, data):
        data = bytes(data)
        self._chunks.append(data)
        self._size += len(data)
        self._written += len(data)
        return len(data)

    def tell(self):
        return self._written

    def flush(self):
        pass

    @property
    def waiting(self):
        return self._size

    def drain(self):
        data = b"".join(self._chunks)
        self._chunks, self._size = [], 0
        return data


def _readme(written_at):
    lines = [
        gettext("Everything CSPO Tracker holds about you, as of %(moment)s UTC (GDPR art. 20).")
        % {"moment": f"{written_at:%Y-%m-%d %H:%M}"},
        "",
        gettext("JSON documents, one folder per part, and the files you uploaded beside them:"),
        "",
    ]
    lines += [f"- {part.name}: {part.describes}" for part in parts()]
    lines += [
        "",
        # One message for the paragraph; its line break wraps the plain-text README.
        gettext(
            "Secrets are never included: API tokens appear by name and prefix only; webhook\n"
            "signing secrets and two-factor secrets not at all."
        ),
        "",
    ]
    return "\n".join(lines)


def archive(person, *, now=None):
    """The zip's bytes for `person`, in chunks, written as the parts yield entries."""
    written_at = now or timezone.now()
    stamp = timezone.localtime(written_at, timezone.get_fixed_timezone(0))
    sink = _Sink()
    # The fastest deflate level: evidence files (PDF, PNG, JPEG) are compressed already,
    # and JSON shrinks nearly as much as at the default level.
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zipped:
        for entry in _entries(person, Text("README.txt", _readme(stamp))):
            with zipped.open(entry.path, "w") as out:
                for chunk in entry.chunks():
                    out.write(chunk)
                    if sink.waiting >= CHUNK:
                        yield sink.drain()
            if sink.waiting:
                yield sink.drain()
    yield sink.drain()


def _entries(person, readme):
    yield readme
    for part in parts():
        yield from part.entries(person)
