"""The part of Stripe's OpenAPI document (stripe.com.json) that Prism serves for the
tests: the operations the app calls, each with its request and response schemas as
Stripe publishes them, and the components they reach.

Prism resolves every reference of the document it serves before it answers; on the
whole document (305 paths, 775 schemas, circular through every expandable field) that
takes longer than a test session. An expandable field is `anyOf: [id string, $ref
object]` in Stripe's schemas; here it keeps the id string, as Stripe answers it unless
the request asks to expand it. Everything else is the document's own text."""

import json
import re
from pathlib import Path

SPEC = Path(__file__).with_name("stripe.com.json")

# The Stripe API operations renewals/payments/gateway.py makes (and expire, which a
# closed session meets).
PATHS = (
    "/v1/checkout/sessions",
    "/v1/checkout/sessions/{session}",
    "/v1/checkout/sessions/{session}/expire",
    "/v1/payment_intents/{intent}",
)
_REF = re.compile(r'"#/components/schemas/([^"]+)"')


def _ids_for_expandables(node):
    if isinstance(node, dict):
        alternatives = node.get("anyOf")
        if node.get("x-expansionResources") and alternatives:
            ids = [a for a in alternatives if a.get("type") == "string"]
            if ids:
                kept = {k: v for k, v in node.items() if k not in ("anyOf", "x-expansionResources")}
                return {**kept, **ids[0]}
        return {key: _ids_for_expandables(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_ids_for_expandables(item) for item in node]
    return node


def document(paths=PATHS):
    spec = json.loads(SPEC.read_text())
    kept_paths = {path: _ids_for_expandables(spec["paths"][path]) for path in paths}
    schemas = spec["components"]["schemas"]
    reached, pending = {}, [json.dumps(kept_paths)]
    while pending:
        for name in set(_REF.findall(pending.pop())):
            if name not in reached:
                reached[name] = _ids_for_expandables(schemas[name])
                pending.append(json.dumps(reached[name]))
    return {
        **{key: value for key, value in spec.items() if key not in ("paths", "components")},
        "paths": kept_paths,
        "components": {**spec["components"], "schemas": reached},
    }


def write(target):
    target = Path(target)
    target.write_text(json.dumps(document()))
    return target
