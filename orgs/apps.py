from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Organizations graph"
    default_auto_field = "django.db.models.BigAutoField"
