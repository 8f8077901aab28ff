"""Which language a page speaks: Accept-Language (q-values, regional variants), the
switcher's cookie, and a signed-in person's stored choice, which wins everywhere."""

import pytest
from django.urls import reverse

from certifications.models import User
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


def lang_of(response):
    return response.headers["Content-Language"]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("de", "de"),
        ("de-AT,de;q=0.9", "de"),
        ("pt", "pt-br"),
        ("pt-PT", "pt-br"),
        ("pt-BR", "pt-br"),
        ("ja-JP", "ja"),
        ("es-MX,es;q=0.8", "es"),
        ("fr-FR,fr;q=0.9", "en"),
        ("fr;q=0.9,ja;q=0.8,de;q=0.5", "ja"),
        ("de;q=0.4,ja;q=0.7", "ja"),
        ("", "en"),
    ],
)
def test_a_visitor_gets_the_best_match_of_their_browser(client, header, language):
    response = client.get(LOGIN, headers={"accept-language": header} if header else {})
    assert lang_of(response) == language
    assert f'<html lang="{language}">' in response.content.decode()


def test_every_page_has_the_switcher_and_it_comes_back_to_the_same_page(client):
    page = client.get(LOGIN).content.decode()
    assert 'id="language-switcher"' in page and f'value="{LOGIN}"' in page
    response = client.post(reverse("choose_language"), {"language": "ja", "next": LOGIN})
    assert response.status_code == 302 and response.url == LOGIN
    assert lang_of(client.get(LOGIN, headers={"accept-language": "de"})) == "ja"


@pytest.mark.parametrize("next_url", ["https://evil.example.net/", "//evil.example.net/", ""])
def test_the_switcher_never_sends_anyone_off_site(client, next_url):
    response = client.post(reverse("choose_language"), {"language": "de", "next": next_url})
    assert response.status_code == 302 and response.url == "/"


def test_an_unknown_language_changes_nothing(client):
    response = client.post(reverse("choose_language"), {"language": "xx", "next": LOGIN})
    assert response.status_code == 302
    assert "django_language" not in response.cookies
    assert lang_of(client.get(LOGIN)) == "en"


def test_a_signed_in_persons_choice_is_stored_and_wins_over_cookie_and_browser(client):
    holder = PractitionerFactory()
    client.force_login(holder.user)
    client.post(reverse("choose_language"), {"language": "de", "next": "/"})
    assert User.objects.get(pk=holder.user.pk).language == "de"
    client.cookies["django_language"] = "es"
    response = client.get(reverse("profile"), headers={"accept-language": "ja"})
    assert lang_of(response) == "de"


def test_the_profile_page_sets_and_clears_the_language(client):
    holder = PractitionerFactory()
    client.force_login(holder.user)
    form = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "time_zone": "Europe/Berlin",
        "optional_reminders": "on",
        "language": "pt-br",
    }
    assert client.post(reverse("profile"), form).status_code == 302
    assert User.objects.get(pk=holder.user.pk).language == "pt-br"
    assert client.post(reverse("profile"), {**form, "language": ""}).status_code == 302
    assert User.objects.get(pk=holder.user.pk).language == ""
    bad = client.post(reverse("profile"), {**form, "language": "klingon"})
    assert bad.status_code == 200 and User.objects.get(pk=holder.user.pk).language == ""


def test_the_data_export_carries_the_language():
    from certifications.privacy import _profile

    holder = PractitionerFactory(user__language="ja")
    assert _profile(holder.user, holder)["account"]["language"] == "ja"


def test_a_signed_in_persons_choice_needs_the_csrf_token():
    from django.test import Client

    holder = PractitionerFactory()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(holder.user)
    refused = strict.post(reverse("choose_language"), {"language": "de", "next": "/"})
    assert refused.status_code == 403
    assert User.objects.get(pk=holder.user.pk).language == ""
    anonymous = Client(enforce_csrf_checks=True)
    answer = anonymous.post(reverse("choose_language"), {"language": "de", "next": "/"})
    assert answer.status_code == 302 and answer.cookies["django_language"].value == "de"


def test_an_erased_account_keeps_no_language():
    from certifications import privacy

    holder = PractitionerFactory(user__language="ja")
    privacy.erase_account(privacy.person_of(holder.user))
    assert User.objects.get(pk=holder.user.pk).language == ""
