"""python -m benchmarks.build_db: migrate an empty benchmark database and fill it."""

import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    django.setup()
    from django.core.management import call_command

    from benchmarks.build import build

    call_command("migrate", verbosity=0)
    from inspections.models import ProgressUpdate

    if ProgressUpdate.objects.exists():
        print("The benchmark database already has data: delete it first.", file=sys.stderr)
        sys.exit(1)
    print(f"Building the national-scale database at {os.environ.get('DATABASE_URL')}")
    build()


if __name__ == "__main__":
    main()
