"""Formula injection in the trainer's cohort exports (issue 16; the rule: lms.spreadsheets)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.courses import factories

pytestmark = pytest.mark.django_db


def test_a_learner_named_like_a_formula_is_text_in_the_trainers_cohort_exports(
    client, small_programme, totp_for
):
    trainer = factories.trainer()
    cohort = factories.cohort(small_programme, trainers=[trainer])
    person = factories.learner(display_name='=HYPERLINK("http://evil.example","Lan")')
    factories.enrol(small_programme, [person], cohort)
    client.force_login(totp_for(trainer))
    text = client.get(reverse("courses:cohort_export", args=[cohort.pk, "csv"])).content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[1][0] == "'" + str(person)
    assert not any(cell.startswith("=") for row in rows for cell in row)
    xlsx = client.get(reverse("courses:cohort_export", args=[cohort.pk, "xlsx"])).content
    book = load_workbook(io.BytesIO(xlsx))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'" + str(person) in [cell.value for cell in cells]
