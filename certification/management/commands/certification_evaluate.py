"""Re-check every candidacy in progress and issue the certificates now due: after a
programme's requirements were edited, or after courses were connected. First backfills the
course completions the courses room recorded but certification never heard of."""

from django.core.management.base import BaseCommand
from django.db import transaction

from certification.models import Candidacy
from certification.services import candidacy_evaluate, course_completions_backfill


class Command(BaseCommand):
    help = "Re-evaluate candidacies in progress; issue certificates whose requirements are met."

    def add_arguments(self, parser):
        parser.add_argument("--programme", help="only this programme (its slug)")

    def handle(self, *args, programme=None, **options):
        candidacies = Candidacy.objects.filter(status=Candidacy.Status.IN_PROGRESS)
        if programme:
            candidacies = candidacies.filter(programme__slug=programme)
        due = backfilled = 0
        for candidacy in candidacies.select_related("programme", "candidate").iterator():
            with transaction.atomic():
                # Course completions the courses room knows of but certification missed.
                backfilled += course_completions_backfill(candidacy=candidacy)
                due += candidacy_evaluate(candidacy=candidacy)
        self.stdout.write(f"{backfilled} course completion(s) backfilled.")
        self.stdout.write(f"{due} certificate(s) due and scheduled.")
