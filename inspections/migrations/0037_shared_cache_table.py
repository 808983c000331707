"""The cache table every worker shares (settings.CACHES): made by migrate, so no deployment
needs a step of its own for it."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0036_meeting_pack_annex")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
