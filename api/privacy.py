"""API tokens and stored idempotent answers in the privacy registries
(cspo_tracker/privacy).

A stored answer repeats what the first request returned (a person's SEU entry, a
roster): it is kept RETENTION_IDEMPOTENCY_DAYS for retries, then pruned; after that the
same key counts as a new request. A person's archive lists their tokens by name and
prefix (the secret is never stored, its digest is never shown); an erasure deletes
the tokens and every answer stored for them.
"""

from django.utils.translation import gettext_lazy

from cspo_tracker.privacy import erasure, export, retention

from .models import ApiToken, IdempotentRequest


def _owners(person):
    tokens = ApiToken.objects.filter(user_id=person.user_id).values_list("pk", flat=True)
    return [f"user:{person.user_id}", *(f"token:{pk}" for pk in tokens)]


def _tokens(person):
    tokens = ApiToken.objects.filter(user_id=person.user_id).order_by("created_at", "pk")
    for token in tokens.iterator(chunk_size=200):
        yield {
            "name": token.name,
            "prefix": token.prefix,
            "scopes": token.scopes,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "last_used_at": token.last_used_at,
            "revoked_at": token.revoked_at,
        }


def export_entries(person):
    yield export.Rows("api/tokens.json", _tokens(person))


def erase(person):
    IdempotentRequest.objects.filter(owner__in=_owners(person)).delete()
    ApiToken.objects.filter(user_id=person.user_id).delete()


def register():
    retention.register_rule(
        retention.Rule(
            kind="idempotent_requests",
            setting="RETENTION_IDEMPOTENCY_DAYS",
            prunable=IdempotentRequest.objects.all,
            age_field="created_at",
        )
    )
    export.register_part(
        "api",
        export_entries,
        order=50,
        describes=gettext_lazy(
            "your API tokens: name, prefix, scopes and dates (never the secret)"
        ),
    )
    erasure.register_step("api", erase, order=20)
