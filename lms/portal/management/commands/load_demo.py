"""Build the demo: the foundation's content, then each room's, in dependency order."""

import importlib
import time

from django.core.management.base import BaseCommand

# Lower rooms first: a room's demo may use what a lower room's demo made. A step is a
# module's ``load()``, or ``module:function``. The portal links the certified trainers'
# lounge to the trainer programme between the community's communities and its
# conversations, so that the certified trainer, a member by their certificate, can post.
DEMO_STEPS = [
    "lms.portal.demo",
    "media_library.demo",
    "media_library.interactive.demo",
    "courses.demo",
    "certification.demo",
    "community.demo:load_communities",
    "lms.portal.demo_certificate_communities",
    "community.demo:load_conversations",
    "compliance.demo",
    "lms.reports.demo",
    "lms.reports.studies.demo",
    "compliance.demo_plans",
]


class Command(BaseCommand):
    help = "Load realistic demo content. Safe to run again: it adds only what is missing."

    def handle(self, *args, **options):
        for step in DEMO_STEPS:
            name, _colon, function = step.partition(":")
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as error:
                if error.name in (name, name.rsplit(".", 1)[0]):
                    continue
                raise
            self.stdout.write(f"Loading demo content: {step}")
            started = time.perf_counter()
            getattr(module, function or "load")()
            self.stdout.write(f"  {step}: {time.perf_counter() - started:.1f} s")
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
