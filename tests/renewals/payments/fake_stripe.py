"""A local stand-in for the part of Stripe's API the app uses, served over HTTP so the
stripe library talks to it through its own HTTP client (STRIPE_API_BASE points here).

Every object starts as Stripe's own example of its kind (stripe_fixtures.json: the
fixtures Stripe publishes with its OpenAPI document, the source and commit named in the
file) and only the fields that describe this payment are set over it, so the app meets
Stripe's field names and nesting, and no field Stripe does not have. The hosted checkout page is a one-button form: paying sends the
signed `checkout.session.completed` event to the app, as Stripe does, then redirects to
the session's success_url. Webhooks are signed with Stripe's documented scheme:
`Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "t.payload" with the secret>`.
"""

import copy
import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

_ids = itertools.count(1)
FIXTURES = json.loads((Path(__file__).parent / "stripe_fixtures.json").read_text())["resources"]


def stripe_object(kind, **fields):
    """Stripe's example `kind` object with `fields` set over it (each must exist there)."""
    obj = copy.deepcopy(FIXTURES[kind])
    unknown = set(fields) - set(obj)
    assert not unknown, f"{kind} has no {sorted(unknown)} in Stripe's fixtures"
    obj.update(fields)
    return obj


def new_id(prefix):
    return f"{prefix}_test_{next(_ids):08d}"


def signature_header(payload, secret, *, timestamp=None):
    """The header Stripe sends, computed as stripe.WebhookSignature verifies it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def unflatten(pairs):
    """Stripe's form encoding (line_items[0][price_data][currency]=usd) back to objects."""
    root = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for part, following in itertools.pairwise(parts):
            node = _child(node, part, [] if following.isdigit() else {})
        _put(node, parts[-1], value)
    return root


def _child(node, part, empty):
    if isinstance(node, list):
        index = int(part)
        while len(node) <= index:
            node.append(None)
        if node[index] is None:
            node[index] = empty
        return node[index]
    return node.setdefault(part, empty)


def _put(node, part, value):
    if isinstance(node, list):
        index = int(part)
        while len(node) <= index:
            node.append(None)
        node[index] = value
    else:
        node[part] = value


class FakeStripe:
    """The server's state: sessions, payment intents and charges by id."""

    def __init__(self):
        self.sessions, self.intents, self.charges = {}, {}, {}
        self.by_idempotency_key = {}
        self.requests = []  # (method, path, params) of every API call
        self.failing = False  # answer every API call 500, as in an outage
        self.webhook_url = None
        self.webhook_secret = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    # --- API ------------------------------------------------------------------------

    def create_session(self, params, idempotency_key):
        if idempotency_key in self.by_idempotency_key:
            return self.by_idempotency_key[idempotency_key]
        session_id = new_id("cs")
        line = params["line_items"][0]
        amount = int(line["price_data"]["unit_amount"]) * int(line.get("quantity", 1))
        session = stripe_object(
            "checkout.session",
            id=session_id,
            mode=params["mode"],
            status="open",
            payment_status="unpaid",
            amount_subtotal=amount,
            amount_total=amount,
            currency=line["price_data"]["currency"],
            client_reference_id=params.get("client_reference_id"),
            customer_email=params.get("customer_email"),
            metadata=params.get("metadata", {}),
            payment_intent=None,
            created=int(time.time()),
            expires_at=int(params["expires_at"]),
            success_url=params["success_url"],
            cancel_url=params["cancel_url"],
            url=f"{self.base}/c/pay/{session_id}",
        )
        session["_intent_metadata"] = params.get("payment_intent_data", {}).get("metadata", {})
        self.sessions[session_id] = session
        self.by_idempotency_key[idempotency_key] = session
        return session

    def intent(self, intent_id, expand=()):
        intent = dict(self.intents[intent_id])
        if "latest_charge" in expand:
            intent["latest_charge"] = self.charges[intent["latest_charge"]]
        return intent

    # --- What Stripe does when people pay or staff refund -----------------------------

    def pay(self, session_id, *, payment_status="paid"):
        """The holder pays: a PaymentIntent and its charge exist, the session completes.
        Returns the `checkout.session.completed` event (not delivered)."""
        session = self.sessions[session_id]
        intent_id, charge_id = new_id("pi"), new_id("ch")
        self.charges[charge_id] = stripe_object(
            "charge",
            id=charge_id,
            amount=session["amount_total"],
            amount_captured=session["amount_total"],
            amount_refunded=0,
            currency=session["currency"],
            paid=True,
            refunded=False,
            payment_intent=intent_id,
            metadata=session["_intent_metadata"],
            receipt_url=f"{self.base}/receipts/{charge_id}",
        )
        self.intents[intent_id] = stripe_object(
            "payment_intent",
            id=intent_id,
            amount=session["amount_total"],
            amount_received=session["amount_total"] if payment_status == "paid" else 0,
            currency=session["currency"],
            status="succeeded" if payment_status == "paid" else "processing",
            metadata=session["_intent_metadata"],
            latest_charge=charge_id,
        )
        session.update(status="complete", payment_status=payment_status, payment_intent=intent_id)
        return self.event("checkout.session.completed", self.public(session))

    def async_result(self, session_id, *, succeeded):
        session = self.sessions[session_id]
        if succeeded:
            session["payment_status"] = "paid"
            self.intents[session["payment_intent"]]["status"] = "succeeded"
        kind = "succeeded" if succeeded else "failed"
        return self.event(f"checkout.session.async_payment_{kind}", self.public(session))

    def expire(self, session_id):
        session = self.sessions[session_id]
        session["status"] = "expired"
        return self.event("checkout.session.expired", self.public(session))

    def refund(self, session_id, *, amount=None):
        session = self.sessions[session_id]
        charge = self.charges[self.intents[session["payment_intent"]]["latest_charge"]]
        charge["amount_refunded"] = amount if amount is not None else charge["amount"]
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        return self.event("charge.refunded", dict(charge))

    @staticmethod
    def public(session):
        return {k: v for k, v in session.items() if not k.startswith("_")}

    @staticmethod
    def event(event_type, obj):
        return stripe_object(
            "event",
            id=new_id("evt"),
            type=event_type,
            created=int(time.time()),
            livemode=False,
            api_version="2025-01-27.acacia",
            data={"object": obj},
        )

    def deliver(self, event, *, timestamp=None):
        """POST the signed event to the app's webhook URL, as Stripe does."""
        payload = json.dumps(event)
        request = urllib.request.Request(
            self.webhook_url,
            data=payload.encode(),
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": signature_header(
                    payload, self.webhook_secret, timestamp=timestamp
                ),
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status


def _handler(fake):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status, body, content_type="application/json", headers=()):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _json(self, status, obj):
            self._send(status, json.dumps(obj), headers=[("Request-Id", new_id("req"))])

        def _params(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            query = urlsplit(self.path).query
            return unflatten(parse_qsl(body, keep_blank_values=True) + parse_qsl(query))

        def do_GET(self):
            path = urlsplit(self.path).path
            params = self._params()
            if path.startswith("/c/pay/"):
                return self._checkout_page(path.rsplit("/", 1)[-1])
            if path.startswith("/v1/"):
                fake.requests.append(("GET", path, params))
                if fake.failing:
                    return self._json(500, {"error": {"type": "api_error", "message": "Down"}})
            if path.startswith("/v1/payment_intents/"):
                expand = params.get("expand", [])
                return self._json(200, fake.intent(path.rsplit("/", 1)[-1], expand))
            if path.startswith("/v1/checkout/sessions/"):
                return self._json(200, fake.public(fake.sessions[path.rsplit("/", 1)[-1]]))
            return self._json(404, {"error": {"type": "invalid_request_error"}})

        def do_POST(self):
            path = urlsplit(self.path).path
            params = self._params()
            if path.startswith("/c/pay/") and path.endswith("/confirm"):
                session_id = path.split("/")[3]
                fake.deliver(fake.pay(session_id))
                session = fake.sessions[session_id]
                target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
                return self._send(303, "", "text/plain", [("Location", target)])
            fake.requests.append(("POST", path, params))
            if fake.failing:
                return self._json(500, {"error": {"type": "api_error", "message": "Down"}})
            if path == "/v1/checkout/sessions":
                key = self.headers.get("Idempotency-Key")
                return self._json(200, fake.public(fake.create_session(params, key)))
            return self._json(404, {"error": {"type": "invalid_request_error"}})

        def _checkout_page(self, session_id):
            session = fake.sessions[session_id]
            amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
            page = (
                "<!doctype html><html lang='en'><head><title>Fake Checkout</title></head>"
                f"<body><h1>Pay {amount}</h1>"
                f"<form method='post' action='/c/pay/{session_id}/confirm'>"
                "<button type='submit' id='pay'>Pay</button></form>"
                f"<a id='cancel' href='{session['cancel_url']}'>Back</a></body></html>"
            )
            return self._send(200, page, "text/html; charset=utf-8")

    return Handler
