"""Making, finding and revoking API tokens. The secret is `cspo_` followed by 43
random URL-safe characters (256 bits); only its SHA-256 is stored, so a database leak
does not reveal a usable token, and a slow hash is not needed for a random secret."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certifications.mfa import SECOND_FACTOR_REQUIRED, needs_mfa_setup
from certifications.selectors import active_trainer_rows, can_run_courses

from .models import ApiToken
from .scopes import unknown_scopes

TOKEN_PREFIX = "cspo_"
VISIBLE_CHARS = 12  # "cspo_" and 7 random characters, shown in lists
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest_of(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def check_token_fields(*, name, scopes, expires_at):
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the token a name, e.g. the system that will use it.")
    if not scopes:
        errors["scopes"] = _("Choose at least one scope.")
    elif unknown := unknown_scopes(scopes):
        errors["scopes"] = _("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)}
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The expiry must be in the future.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_token(*, name, scopes, expires_at=None, user=None, organisation=None, by=None):
    """A personal token (`user`) or an organisation token (`organisation`, made by staff
    `by`). Returns NewToken with the secret to show once.

    A personal token records its owner's powers now (staff, superuser, trainer) and
    never acts with more. Staff and trainers make one only once their second factor is
    set up: a token is a way in, and the pages ask them for two factors."""
    if (user is None) == (organisation is None):
        raise TypeError("A token belongs to a user or to an organisation.")
    if user is not None and needs_mfa_setup(user):
        raise ValidationError(SECOND_FACTOR_REQUIRED)
    check_token_fields(name=name, scopes=scopes, expires_at=expires_at)
    powers = {}
    if user is not None:
        powers = {
            "made_as_staff": user.is_staff,
            "made_as_superuser": user.is_superuser,
            "made_as_trainer": active_trainer_rows(user).exists(),
        }
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        organisation=organisation,
        name=name.strip(),
        prefix=secret[:VISIBLE_CHARS],
        digest=digest_of(secret),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
        created_by=by or user,
        **powers,
    )
    return NewToken(token=token, secret=secret)


def acting_user(token):
    """The user a personal token acts as: its owner with the lesser of their powers now
    and when the token was made. Only this in-memory copy changes (saves elsewhere name
    their fields), so every check downstream sees the capped powers."""
    user = token.user
    user.is_staff = user.is_staff and token.made_as_staff
    user.is_superuser = user.is_superuser and token.made_as_superuser
    return user


def may_run_courses(token):
    """A token made while its owner was a trainer or staff may run courses (if the owner
    still may); one made by a practitioner never does."""
    return token is None or token.made_as_trainer or token.made_as_staff


def runs_courses(token, user):
    """Whether the caller (a personal token or a session, acting as `user`) runs courses
    now: the token allows it and `user` is staff or an active trainer. A token read by
    `find_live_token` brought its owner's trainer row along, so asking costs no query."""
    if not may_run_courses(token):
        return False
    if token is not None and token.owner_is_trainer is not None:
        return user.is_staff or token.owner_is_trainer
    return can_run_courses(user)


def owner_needs_second_factor(token):
    """`certifications.mfa.needs_mfa_setup` of a personal token's owner, from the flags
    read with the token (the owner's own powers, not the token's capped ones)."""
    if token.owner_has_second_factor is None:
        return needs_mfa_setup(token.user)
    user = token.user
    return (user.is_staff or token.owner_is_trainer) and not token.owner_has_second_factor


def revoke_token(*, token):
    """Revoke now; revoking twice keeps the first time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def tokens_of(user):
    """A user's personal tokens, newest first (revoked ones too, marked)."""
    return ApiToken.objects.filter(user=user)


def token_of(user, pk):
    """One of the user's own tokens, or ApiToken.DoesNotExist."""
    return ApiToken.objects.get(user=user, pk=pk)


def find_live_token(secret, *, now=None):
    """The live token for this secret, or None: one read brings its user, their
    practitioner profile and whether they are an active trainer with a second factor
    (`ApiToken.objects.by_digest`). Marks it used (at most one write a minute per
    token)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    now = now or timezone.now()
    token = ApiToken.objects.by_digest(digest_of(secret))
    if token is None or not token.is_live(now):
        return None
    if token.user_id is not None and not token.user.is_active:
        return None
    if token.organisation_id is not None and not token.organisation.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
