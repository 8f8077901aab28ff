"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

The secret is ``whsec_`` and base64 of 32 random bytes. Each request carries
``webhook-id`` (the event's stable id), ``webhook-timestamp`` (seconds since the epoch,
new on each attempt) and ``webhook-signature``: ``v1,`` and the base64 HMAC-SHA256 of
``"{id}.{timestamp}.{body}"`` keyed with the decoded secret.
"""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret():
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret, *, msg_id, timestamp, body):
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret, *, msg_id, timestamp, body):
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, msg_id=msg_id, timestamp=timestamp, body=body),
    }
