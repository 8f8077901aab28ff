"""Every page a practitioner, a trainer and staff reach, read in Japanese, labels its
fields, headings, table heads and buttons in Japanese.

The literal scanner reads the source; this reads what the pages say. It catches what no
source scan can see: a form label Django makes from a field's name ("Payment reference"),
a model field without a verbose name, a word built in Python. Japanese makes an English
word easy to find; the product's own data (names, course titles, codes) is not English
text to translate, so every word stored in the database is allowed.
"""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client

from certifications.models import Trainer, User
from demo.seed import DEMO_EMAIL
from tests.factories import StaffFactory
from tests.i18n.test_no_literals import APPS, KEPT_WORDS

pytestmark = pytest.mark.django_db

# Elements whose text names something rather than shows data.
LABELLING = {"label", "legend", "th", "button", "dt", "h1", "h2", "h3", "h4", "summary"}
SEEN_ATTRIBUTES = {"placeholder", "aria-label", "title"}
SKIPPED = re.compile(
    r"^/(admin|api|static|media|accounts/logout|language)/|\.(pdf|png|json|ics|csv|zip|svg)$"
    r"|/(download|export|unsubscribe)"
)
PAGES_PER_ROLE = 80
# Words that are the same in Japanese UIs: units and technical names.
ALSO_KEPT = {"Open", "Badges", "OpenID", "JSON", "LinkedIn", "Webhook", "Webhooks", "passkey"}
# The email kinds' codes that staff's previews name beside each translated title.
ALSO_KEPT |= {"welcome", "invitation"}


class Labels(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.texts, self.links = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name in SEEN_ATTRIBUTES & attributes.keys():
            self.texts.append(attributes[name])
        if tag in LABELLING:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in LABELLING and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and data.strip():
            self.texts.append(data.strip())


def data_words():
    """Every word stored in our tables: names, titles, codes, emails."""
    words = set()
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.EmailField)
        ]
        for row in model.objects.values_list(*text_fields) if text_fields else []:
            for value in row:
                words.update(re.findall(r"[A-Za-z]+", value or ""))
    return words


def english_words(text, allowed):
    """The English words of a text; a code, an address or a number (`seus:read`,
    `credential.issued`, `https://...`, `CSPO-DEMO00001`) is not a word."""
    words = []
    for token in text.split():
        if re.search(r"[:._/@=\d]", token):
            continue
        words += re.findall(r"[A-Za-z][A-Za-z']{2,}", token)
    return [w for w in words if w not in KEPT_WORDS | ALSO_KEPT and w not in allowed]


def crawl(client, start):
    seen, queue, found = set(), list(start), {}
    allowed = data_words()
    while queue and len(seen) < PAGES_PER_ROLE:
        url = urldefrag(queue.pop(0))[0]
        if url in seen or SKIPPED.search(urlsplit(url).path):
            continue
        seen.add(url)
        response = client.get(url, headers={"accept-language": "ja"})
        if response.status_code != 200 or "html" not in response.headers.get("Content-Type", ""):
            continue
        parser = Labels()
        parser.feed(response.content.decode())
        english = sorted({w for text in parser.texts for w in english_words(text, allowed)})
        if english:
            found[url] = english
        queue.extend(link for link in parser.links if link.startswith("/") and link not in seen)
    return found


@pytest.fixture
def demo():
    with time_machine.travel(datetime.datetime(2026, 12, 7, 12, tzinfo=datetime.UTC), tick=False):
        call_command("seed_demo", verbosity=0)
        yield


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_practitioner_reads_every_label_in_japanese(demo):
    found = crawl(client_for(User.objects.get(email=DEMO_EMAIL)), ["/"])
    assert not found, "\n".join(f"{url}: {' '.join(words)}" for url, words in found.items())


def test_a_trainer_reads_every_label_in_japanese(demo):
    trainer = Trainer.objects.select_related("user").first()
    found = crawl(client_for(trainer.user), ["/", "/courses/"])
    assert not found, "\n".join(f"{url}: {' '.join(words)}" for url, words in found.items())


def test_staff_read_every_label_in_japanese(demo):
    found = crawl(client_for(StaffFactory()), ["/", "/staff/"])
    assert not found, "\n".join(f"{url}: {' '.join(words)}" for url, words in found.items())
