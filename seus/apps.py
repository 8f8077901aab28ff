from django.apps import AppConfig


class SeusConfig(AppConfig):
    name = "seus"
    verbose_name = "SEU log"
