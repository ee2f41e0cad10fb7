"""Create the Curators group with exactly the permissions to edit content."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_group(apps, schema_editor):
    from learning.curators import CURATORS_GROUP, curator_permission_codenames

    # Permissions are normally created after migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in curator_permission_codenames()
    ]
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    from learning.curators import CURATORS_GROUP

    apps.get_model("auth", "Group").objects.filter(name=CURATORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("learning", "0004_history"),
        ("papers", "0003_history"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
