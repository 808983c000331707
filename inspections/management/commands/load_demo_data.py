from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections import clock
from inspections.demo_data import DEMO_LOGINS, DEMO_PASSWORD, load_demo_data
from inspections.management.arguments import date_argument


class Command(BaseCommand):
    help = (
        "Create demo logins (one per role) and a believable history of progress updates. "
        "Safe to run again: it only adds what is missing. Refuses to run in production mode."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=date_argument("--today"),
            help="Treat this date as today (YYYY-MM-DD), for repeatable demo data.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo logins even with DEBUG off (never on a live system).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.TRACKER_ALLOW_DEMO_DATA and not options["allow_production"]:
            raise CommandError(
                "Refusing to create demo logins with a shared password in production mode "
                "(DJANGO_DEBUG=false). Use --allow-production for a training copy."
            )
        today = options["today"] or clock.today()
        try:
            created = load_demo_data(today=today)
        except LookupError as error:
            raise CommandError(str(error)) from error
        made = ", ".join(f"{count} {kind}" for kind, count in created.items() if count)
        self.stdout.write(f"Created: {made}." if made else "Nothing to add: already loaded.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<16} {login.description}")
