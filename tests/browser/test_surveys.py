"""A worker answers a survey on a phone in Arabic, without an account: the page runs right
to left, axe finds no serious problem, and the answers are counted (once, even when the
form is sent again with the back button)."""

import pytest

from lms.reports.studies.models import SurveyAnswer, SurveyResponse
from lms.reports.studies.surveys import survey_results
from tests.reports.studies_data import answer, factory_in, open_round, survey_with_questions

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_answers_in_arabic_on_a_phone_and_is_counted(live_server, page, axe):
    survey = survey_with_questions()
    survey_round = open_round(survey, [factory_in("jo", name="Irbid Apparel")])
    round_factory = survey_round.factories.get()
    for _ in range(7):
        answer(round_factory, paid=1)
    questions = list(survey.questions.order_by("sort_order"))
    before = survey_results(questions=questions[:1], rounds=[survey_round])[0].rows[0]
    assert before["answered"] == 5  # 7 answers, rounded to 5

    page.goto(f"{live_server.url}/ar/survey/")
    page.fill("#survey-code", round_factory.code)
    page.locator("#survey-code").press("Enter")
    page.wait_for_load_state()
    assert page.url.endswith(f"/ar/survey/{round_factory.code}/")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    assert page.evaluate("() => document.documentElement.lang") == "ar"
    assert page.viewport_size["width"] == 360
    # Nothing wider than the phone's screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert axe(page) == []

    page.get_by_label("لا", exact=True).check()  # "No": not paid on time
    page.get_by_label("4", exact=True).check()
    page.fill(f"#q{questions[2].pk}", "12")
    page.locator("button.survey-send").click()
    page.wait_for_load_state()
    assert page.url.endswith("/thanks/")
    assert axe(page) == []

    page.go_back()
    page.wait_for_load_state()
    # The phone has answered: it is thanked rather than asked again.
    assert page.locator("button.survey-send").count() == 0
    assert page.locator(".survey-done").count() == 1

    assert SurveyResponse.objects.filter(round_factory=round_factory).count() == 8
    mine = SurveyResponse.objects.get(language="ar")
    assert dict(mine.answers.values_list("question__code", "value")) == {
        "paid-on-time": 2,
        "feel-safe": 4,
        "overtime-hours": 12,
    }
    assert SurveyAnswer.objects.filter(question=questions[0], value=2).count() == 1
    after = survey_results(questions=questions[:1], rounds=[survey_round])[0].rows[0]
    assert after["answered"] == 10  # 8 answers, rounded to 5
