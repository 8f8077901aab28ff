"""`manage.py check --deploy`: say when the renewal fee cannot be paid online."""

from django.conf import settings
from django.core.checks import Info, Tags, Warning, register


@register(Tags.security, deploy=True)
def online_payment_configured(app_configs, **kwargs):
    """Without a key the app runs on the manual path only: practitioners type a payment
    reference and staff confirm it. That is a working setup, so it is said as Info
    (CI's `--fail-level WARNING` stays green); a key without the webhook's secret is a
    warning, since no payment could ever be confirmed."""
    if not settings.STRIPE_SECRET_KEY:
        return [
            Info(
                "STRIPE_SECRET_KEY is not set: renewal fees are paid by the manual path only "
                "(a payment reference that staff confirm).",
                hint="Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (docs/payments.md).",
                id="renewals.I001",
            )
        ]
    if not settings.STRIPE_WEBHOOK_SECRET:
        return [
            Warning(
                "STRIPE_SECRET_KEY is set without STRIPE_WEBHOOK_SECRET: Stripe's webhook is "
                "refused, so no online payment would ever be confirmed.",
                hint="Add the webhook endpoint /payments/stripe/webhook/ in Stripe and set "
                "its signing secret (docs/payments.md).",
                id="renewals.W001",
            )
        ]
    return []
