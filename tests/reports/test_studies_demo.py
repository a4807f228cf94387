"""`make demo` has a locked study with two arms over the demo factories, with estimates to
show, and survey rounds with answers counted."""

import pytest

from lms.reports.studies import assignment, demo
from lms.reports.studies.analysis import did_estimates
from lms.reports.studies.models import Study, SurveyResponse, SurveyRound
from lms.reports.studies.surveys import survey_results

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_study_and_survey_rounds_with_answers(home_page, settings, tmp_path):
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=open(tmp_path / "demo.log", "w"))  # noqa: SIM115
    demo.load()  # again: nothing more

    study = Study.objects.get()
    assert study.is_locked
    assert study.arms.count() == 2
    assert study.members.count() == 12
    assert {m.factory.organisation.country.code for m in study.members.all()} == {"vn"}
    assert assignment.assignment_check(study=study).matches
    efficiency = next(e for e in did_estimates(study) if e.outcome == "efficiency")
    assert efficiency.effect is not None
    assert efficiency.low < efficiency.effect < efficiency.high

    assert SurveyRound.objects.count() == 2
    assert (
        SurveyResponse.objects.count()
        == 24 * SurveyRound.objects.get(country__code="jo").factories.count()
        + 24 * SurveyRound.objects.get(country__code="vn").factories.count()
    )
    survey_round = SurveyRound.objects.get(country__code="jo")
    questions = survey_round.survey.questions.all()
    assert survey_round.survey.get_translations().count() == 2  # Arabic and Vietnamese
    tables = survey_results(questions=questions, by="factory", rounds=[survey_round])
    assert len(tables) == 6
    assert all(table.rows for table in tables)
