"""The production settings with the bench's URLconf (a bare view beside every page)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.web_urls"
