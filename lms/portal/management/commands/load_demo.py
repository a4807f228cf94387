"""Build the demo: the foundation's content, then each room's, in dependency order."""

import importlib

from django.core.management.base import BaseCommand

# Lower rooms first: a room's demo may use what a lower room's demo made.
DEMO_MODULES = [
    "lms.portal.demo",
    "media_library.demo",
    "media_library.interactive.demo",
    "courses.demo",
    "certification.demo",
    "community.demo",
    "lms.reports.demo",
]


class Command(BaseCommand):
    help = "Load realistic demo content. Safe to run again: it adds only what is missing."

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as error:
                if error.name in (name, name.rsplit(".", 1)[0]):
                    continue
                raise
            self.stdout.write(f"Loading demo content: {name}")
            module.load()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
