"""The Django app of the web service: its label `web` names its tables and migrations."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kiemchung.web"
    label = "web"
    verbose_name = "kiemchung"
    default_auto_field = "django.db.models.BigAutoField"
