"""Compute every learner's rolled-up test scores again from the learning records
(decision 0613): after a bulk load that bypassed the records' write path."""

from django.core.management.base import BaseCommand

from lms.reports.models import LearnerTestScores
from lms.reports.test_scores import scores_rebuild


class Command(BaseCommand):
    help = "Compute each learner's rolled-up test scores again from the learning records."

    def handle(self, *args, **options):
        scores_rebuild()
        self.stdout.write(f"{LearnerTestScores.objects.count()} rows")
