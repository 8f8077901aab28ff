"""The production settings with the bench's URLconf (a bare view beside every page) and
a statement counter the bench asks for with a header."""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

ROOT_URLCONF = "bench.web_urls"
MIDDLEWARE = ["bench.web_urls.CountStatements", *MIDDLEWARE]
