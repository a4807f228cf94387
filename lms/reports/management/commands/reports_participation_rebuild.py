"""Compute every learner's rolled-up enrolments and presences again (decision 0615): after a
bulk load that bypassed model signals."""

from django.core.management.base import BaseCommand

from lms.reports.models import LearnerParticipation
from lms.reports.participation import participation_rebuild


class Command(BaseCommand):
    help = "Compute each learner's rolled-up enrolments and presences again."

    def handle(self, *args, **options):
        participation_rebuild()
        self.stdout.write(f"{LearnerParticipation.objects.count()} rows")
