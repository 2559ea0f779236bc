"""Create content types and permissions for the graph's node types (see `orgs.permissions`)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from orgs.permissions import GRAPH_MODELS, graph_permissions_ensure


def create_graph_permissions(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    graph_permissions_ensure(apps)


def remove_graph_permissions(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="orgs", model__in=GRAPH_MODELS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_change_record"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_graph_permissions, remove_graph_permissions)]
