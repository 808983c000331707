"""Make an API key for a force (``--force SLUG``) or a national one (``--national``) and print
it, once: for operators and scripts. Only its hash is kept."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.models import Force
from inspections.services import people as people_services


class Command(BaseCommand):
    help = "Make an API key and print it once (--force SLUG or --national, and --name)."

    def add_arguments(self, parser: CommandParser) -> None:
        whose = parser.add_mutually_exclusive_group(required=True)
        whose.add_argument("--force", help="The slug of the force whose data the key reads.")
        whose.add_argument("--national", action="store_true", help="Reads every force's data.")
        parser.add_argument("--name", required=True, help="What the key is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        force = None
        if options["force"]:
            force = Force.objects.filter(slug=options["force"]).first()
            if force is None:
                raise CommandError(f"No force has the slug {options['force']!r}.")
        name = str(options["name"]).strip()
        if not name or len(name) > 100:
            raise CommandError("--name must be 1 to 100 characters.")
        try:
            key, secret = people_services.create_api_key(by=None, force=force, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stderr.write(f"Key made: {key}. It is printed once, below; only its hash is kept.")
        self.stdout.write(secret)
