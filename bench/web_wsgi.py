"""gunicorn entry point for bench/web.py."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.web_settings")
application = get_wsgi_application()
