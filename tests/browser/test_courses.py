"""Browser journeys of courses: a trainer imports a class and marks attendance on a phone,
a learner completes a lesson and its knowledge check, the trainer's grid shows it; the
learner's pages in Arabic run right to left."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.accounts.factories import PASSWORD
from tests.courses import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def course_setup():
    from lms.portal.models import HomePage

    home = HomePage.objects.get(locale__language_code="en")
    training = factories.section(home)
    programme = factories.programme(training, modules=2, lessons=1)
    trainer = factories.trainer(username="trainer.hoa")
    # Trainers see their learners: their pages need a second factor.
    TOTP.activate(trainer, generate_totp_secret())
    cohort = factories.cohort(programme, trainers=[trainer])
    session = factories.session(cohort, title="Month 1: cooperation")
    return programme, trainer, cohort, session


def test_trainer_imports_marks_attendance_and_sees_the_learners_progress(
    live_server, page, browser_context, login, axe, course_setup
):
    from courses.models import LessonPage

    programme, trainer, cohort, session = course_setup
    login(page, trainer.username, PASSWORD)

    # Import a class list; the slips show the new accounts.
    page.goto(f"{live_server.url}/en/learn/cohorts/{cohort.pk}/import/")
    csv_text = "name,gender,role\nNguyễn Thị Hoa,woman,worker\nTrần Văn Nam,man,worker\n"
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "class.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}],
    )
    page.click("main form [type=submit]")
    # count() does not wait: wait for the answer to the upload first.
    page.wait_for_selector(".slip")
    slips = page.locator(".slip")
    assert slips.count() == 2
    username, password = page.locator(".slip .slip-secret").all_inner_texts()[:2]

    # Mark attendance on the roster, on a phone-sized screen.
    page.goto(f"{live_server.url}/en/learn/sessions/{session.pk}/roster/")
    first = page.locator(".roster-button").first
    first.click()
    page.wait_for_selector(".roster-button.is-present")
    assert "1" in page.locator(".roster-count").inner_text()
    assert axe(page) == []

    # The learner signs in with the slip, answers the knowledge check and finishes the lesson.
    learner_page = browser_context.browser.new_context(
        viewport={"width": 360, "height": 740}
    ).new_page()
    login(learner_page, username, password)
    lesson = LessonPage.objects.descendant_of(programme).order_by("path").first()
    learner_page.goto(f"{live_server.url}{lesson.url}")
    learner_page.check(".block-question input[type=radio] >> nth=0")
    learner_page.click(".block-question button[type=submit]")
    assert (
        "Correct." in learner_page.locator("ul.messages:not([data-offline-refused])").inner_text()
    )
    learner_page.click("text=I have finished this lesson")
    learner_page.goto(f"{live_server.url}{lesson.url}")
    assert learner_page.locator("text=You completed this lesson.").count() == 1
    assert axe(learner_page) == []

    # The trainer's grid shows it.
    page.goto(f"{live_server.url}/en/learn/cohorts/{cohort.pk}/")
    imported_row = page.locator("table.grid tbody tr", has_text="Nguyễn Thị Hoa")
    assert imported_row.locator("td").first.inner_text() == "1/1"

    # The same learner's pages in Arabic run right to left.
    learner_page.goto(f"{live_server.url}/ar/learn/my/")
    assert learner_page.locator("html").get_attribute("dir") == "rtl"
    assert learner_page.locator("html").get_attribute("lang") == "ar"
    learner_page.context.close()
