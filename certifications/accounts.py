"""Glue between django-allauth and django-axes."""


def login_username(request, credentials=None):
    """The address a login attempt was for, lower-cased, so axes counts failures and
    checks lock-outs on the same key. allauth authenticates with ``email=...`` while the
    login form posts ``login=...``; without this, failures were stored with no username
    and the (username, address) lock-out never matched."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not value and request is not None:
        value = getattr(request, "POST", {}).get("login")
    return (value or "").strip().lower() or None
