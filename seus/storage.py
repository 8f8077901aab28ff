"""Evidence files live outside any public URL; views serve them after a permission check.

The backend is Django's STORAGES["evidence"] (settings: EVIDENCE_STORAGE): this private
folder by default, or an S3-compatible bucket (s3_storage.py)."""

import os
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT/<subdir>, read at use so tests can move it.
    No base URL: asking for a file's URL is an error, so nothing is served publicly."""

    def __init__(self, subdir="evidence"):
        self.subdir = subdir
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return os.path.join(settings.PRIVATE_MEDIA_ROOT, self.subdir)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view.")


def evidence_storage():
    """The configured evidence backend (the FileField calls this once, at import)."""
    return storages["evidence"]


def evidence_upload_to(instance, filename):
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{instance.practitioner_id}/{uuid.uuid4().hex}{suffix}"
