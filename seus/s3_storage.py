"""Evidence in an S3-compatible bucket (EVIDENCE_STORAGE=s3): private objects, no URLs.

Kept apart from storage.py so boto3 is imported only when this backend is configured."""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Objects are written private and never linked: the app reads them and serves them
    through the permission-checked evidence view, like files on the local disk."""

    default_acl = "private"
    file_overwrite = False
    querystring_auth = True

    def url(self, name, *args, **kwargs):
        raise ValueError("Private files have no public URL; serve them through a view.")
