"""Create content types and permissions for the graph's node types.

Django makes these for the models in its app registry only; neomodel node classes are not there, so the
rows that let a group view, add, change, delete (and merge organizations) are made here.
"""

from django.db import migrations

GRAPH_MODELS = {
    "organization": "organization",
    "country": "country",
    "event": "event",
    "document": "document",
    "source": "source",
}
EXTRA_PERMISSIONS = {"organization": [("merge_organization", "Can merge organizations")]}


def create_graph_permissions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model, verbose_name in GRAPH_MODELS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="orgs", model=model)
        wanted = [(f"{action}_{model}", f"Can {action} {verbose_name}") for action in ("add", "change", "delete",
                                                                                       "view")]
        for codename, name in wanted + EXTRA_PERMISSIONS.get(model, []):
            Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})


def remove_graph_permissions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="orgs", model__in=list(GRAPH_MODELS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_change_record"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_graph_permissions, remove_graph_permissions)]
