from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def _graph_permissions_after_migrate(sender: AppConfig, apps: Any = global_apps, **kwargs: Any) -> None:
    from orgs.permissions import graph_permissions_ensure

    # `migrate` passes the migrated state's registry; a test database flush passes none.
    graph_permissions_ensure(apps)


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Organizations graph"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from axes.models import AccessAttempt
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete

        from orgs.graph.connection import on_every_write, share_one_driver
        from orgs.lockout import checked_login_end, records_reset
        from orgs.response_cache import graph_generation_advance

        # Django re-creates permissions after migrate and test flushes for registered models only.
        post_migrate.connect(_graph_permissions_after_migrate, sender=self)
        share_one_driver()  # after django_neomodel's ready(), which sets neomodel's URL
        on_every_write(graph_generation_advance)  # no answer kept before a write is given after it
        # The address lockout's count of checked logins follows axes' records.
        user_logged_in.connect(checked_login_end, dispatch_uid="orgs.lockout.checked_login_end")
        post_delete.connect(records_reset, sender=AccessAttempt, dispatch_uid="orgs.lockout.records_reset")
