"""Full-text search with stemming: GIN indexes on PostgreSQL, FTS5 tables with triggers on
SQLite (inspections/search/fulltext.py)."""

from django.db import migrations

from inspections.search import fulltext


def create(apps, schema_editor):
    fulltext.create(schema_editor.connection)


def drop(apps, schema_editor):
    fulltext.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0031_returned_to_pcc_staff")]

    operations = [migrations.RunPython(create, drop, elidable=True)]
