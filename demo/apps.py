from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a fresh install (`seed_demo`) and the demo's TOTP code."""

    name = "demo"
    verbose_name = "Demo"
