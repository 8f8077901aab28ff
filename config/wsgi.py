import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from cspo_tracker.middleware import ChunkedBodyBuffer  # noqa: E402  (needs the settings)

# Chunked request bodies, which Django alone reads as empty (cspo_tracker/middleware.py).
application = ChunkedBodyBuffer(django_application)
