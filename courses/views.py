"""Delivery views: enrolment, lesson and test results, check-in, submissions and reviews,
the trainer's cohorts (grid, exports, class import, sessions, attendance roster), the
induction kit as one PDF, policy adoption. Each validates input, calls a service or a
selector, and renders."""

import csv
import io
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Page

from courses import forms, selectors, services
from courses.models import (
    Attendance,
    ClassSession,
    CoursePage,
    InductionKitPage,
    LessonPage,
    PolicyVersion,
    Submission,
)
from lms.accounts.exposure import (
    others_data,
    own_data,
    own_or_others_data,
    public_data,
    require_second_factor_unless_own,
)
from lms.accounts.selectors import country_scope
from lms.records.services import StatementError
from lms.request_values import key_or_zero
from lms.spreadsheets import safe_rows
from media_library.interactive.cmi5_selectors import cmi5_embedded_below, cmi5_units_for_learner
from media_library.interactive.cmi5_services import cmi5_au_waive


def _safe_next(request, fallback: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _live_page(page_id, model):
    page = get_object_or_404(Page.objects.live().specific(), pk=page_id)
    if not isinstance(page, model):
        raise Http404
    return page


# --- learners ---------------------------------------------------------------------------


@own_data
@login_required
@require_GET
def my_learning(request):
    from courses.page_context import my_learning_context

    return render(request, "courses/my_learning.html", my_learning_context(request))


@own_data
@login_required
@require_POST
def enrol(request, course_id: int):
    course = _live_page(course_id, CoursePage)
    try:
        services.enrolment_create(learner=request.user, course=course)
    except services.CourseActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are enrolled. Start with the first lesson."))
    return redirect(course.url)


@own_data
@login_required
@require_POST
def lesson_complete(request, page_id: int):
    lesson = _live_page(page_id, LessonPage)
    try:
        services.lesson_complete(
            learner=request.user, lesson=lesson, form_token=request.POST.get("token")
        )
    except services.CourseActionError as error:
        messages.error(request, error.message)
    except StatementError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Lesson completed."))
    return redirect(_safe_next(request, lesson.url))


@own_data
@login_required
@require_POST
def knowledge_check(request, page_id: int, block_id: str):
    lesson = _live_page(page_id, LessonPage)
    try:
        choice = int(request.POST.get("choice", ""))
    except ValueError:
        messages.error(request, _("Choose one of the answers."))
        return redirect(f"{lesson.url}#q-{block_id}")
    try:
        outcome = services.knowledge_check_answer(
            learner=request.user,
            lesson=lesson,
            block_id=block_id,
            choice=choice,
            form_token=request.POST.get("token"),
        )
    except (services.CourseActionError, StatementError) as error:
        messages.error(request, error.message)
    else:
        if outcome.correct:
            messages.success(request, _("Correct."))
        else:
            messages.error(
                request,
                _("Not quite. The right answer: %(answer)s")
                % {"answer": " / ".join(outcome.correct_answers)},
            )
        if outcome.explanation:
            messages.info(request, outcome.explanation)
    return redirect(f"{lesson.url}#q-{block_id}")


@own_data
@login_required
@require_http_methods(["GET", "POST"])
def course_test(request, page_id: int, phase: str):
    course = _live_page(page_id, CoursePage)
    if phase not in ("pre", "post"):
        raise Http404
    if not selectors.learner_is_enrolled_in_page(learner=request.user, page=course):
        raise PermissionDenied
    questions = list(course.test_questions)
    if not questions:
        raise Http404
    errors, answers = [], {}
    if request.method == "POST":
        for block in questions:
            value = request.POST.get(f"q-{block.id}", "")
            if value.isdigit():
                answers[block.id] = int(value)
        try:
            score, out_of = services.test_submit(
                learner=request.user,
                course=course,
                phase=phase,
                answers=answers,
                form_token=request.POST.get("token"),
            )
        except (services.CourseActionError, StatementError) as error:
            errors.append(error.message)
        else:
            messages.success(
                request,
                _("You answered %(score)s of %(total)s questions correctly.")
                % {"score": score, "total": out_of},
            )
            return redirect(course.url)
    return render(
        request,
        "courses/test.html",
        {
            "course": course,
            "phase": phase,
            "questions": questions,
            "answers": answers,
            "errors": errors,
            "token": request.POST.get("token") or uuid.uuid4(),
        },
        status=400 if errors else 200,
    )


@own_data
@login_required
@require_http_methods(["GET", "POST"])
def check_in(request):
    form = forms.CheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            attendance = services.attendance_check_in(
                learner=request.user, code=form.cleaned_data["code"]
            )
        except services.CourseActionError as error:
            form.add_error("code", error.message)
        else:
            messages.success(
                request,
                _("You are checked in to %(session)s.") % {"session": attendance.session.title},
            )
            return redirect("courses:my_learning")
    return render(
        request, "courses/check_in.html", {"form": form}, status=400 if form.errors else 200
    )


@own_data
@login_required
@require_POST
def submission_create(request, course_id: int, item: str):
    course = _live_page(course_id, CoursePage)
    form = forms.SubmissionForm(request.POST, request.FILES)
    back = _safe_next(request, course.url)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        services.submission_create(
            learner=request.user,
            course=course,
            item=item,
            text=form.cleaned_data["text"],
            photo=form.cleaned_data.get("photo"),
            file=form.cleaned_data.get("file"),
        )
    except services.CourseActionError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Sent for review. Your advisor will comment on it."))
    return redirect(back)


@own_or_others_data
@login_required
@require_GET
def submission_file(request, submission_id: int, field: str):
    """Evidence is private: the team that sent it and the people who review it may open it."""
    if field not in ("photo", "file"):
        raise Http404
    submission = get_object_or_404(Submission, pk=submission_id)
    if not selectors.may_see_submission(user=request.user, submission=submission):
        raise Http404
    if submission.organisation_id is None or submission.organisation_id != getattr(
        request.user, "organisation_id", None
    ):
        # Not the learner's own team's work: a reviewer's look at someone else's evidence.
        require_second_factor_unless_own(request, submission.learner_id)
    stored = getattr(submission, field)
    if not stored:
        raise Http404
    if submission.learner_id != request.user.pk:
        from lms.accounts.audit import audit_access

        audit_access(actor=request.user, subject=submission, what="evidence downloaded")
    from lms.private_files import private_file_response

    return private_file_response(
        stored, as_attachment=field == "file", filename=stored.name.rsplit("/", 1)[-1]
    )


@public_data
@require_GET
def induction_kit_pdf(request, page_id: int):
    kit = _live_page(page_id, InductionKitPage)
    structure = selectors.course_structure(course=kit)
    html = render_to_string(
        "courses/induction_kit_print.html",
        {"kit": kit, "lessons": structure.lessons, "request": request},
        request=request,
    )
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kit.slug}.pdf"'
    return response


@own_data
@login_required
@require_POST
def policy_adopt(request, version_id: int):
    version = get_object_or_404(PolicyVersion.objects.select_related("page"), pk=version_id)
    organisations = selectors.organisations_for_adoption(user=request.user)
    organisation = organisations.filter(pk=key_or_zero(request.POST.get("organisation"))).first()
    if organisation is None:
        raise PermissionDenied
    form = forms.AdoptionForm(request.POST)
    if form.is_valid():
        services.policy_adopt(
            version=version,
            organisation=organisation,
            adopted_on=form.cleaned_data["adopted_on"],
            recorded_by=request.user,
            notes=form.cleaned_data["notes"],
        )
        messages.success(
            request,
            _("Recorded: %(organisation)s adopted version %(version)s.")
            % {"organisation": organisation.name, "version": version.label},
        )
    else:
        messages.error(request, _("Give the date the policy was adopted."))
    return redirect(version.page.url)


# --- trainers ---------------------------------------------------------------------------


def _trainer_required(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if not selectors.is_trainer(request.user):
        raise PermissionDenied
    return None


def _cohort_for(request, cohort_id):
    return get_object_or_404(selectors.cohorts_visible_to(user=request.user), pk=cohort_id)


@others_data
@require_GET
def cohort_list(request):
    if response := _trainer_required(request):
        return response
    cohorts = selectors.cohorts_visible_to(user=request.user).prefetch_related("trainers")
    return render(request, "courses/cohort_list.html", {"cohorts": cohorts})


@others_data
@require_http_methods(["GET", "POST"])
def cohort_create(request):
    if response := _trainer_required(request):
        return response
    form = forms.CohortForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(trainers=[request.user], **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Cohort created. Now add learners and sessions."))
            return redirect("courses:cohort_detail", cohort_id=cohort.pk)
    return render(
        request, "courses/cohort_form.html", {"form": form}, status=400 if form.errors else 200
    )


@others_data
@require_GET
def cohort_detail(request, cohort_id: int):
    if response := _trainer_required(request):
        return response
    cohort = get_object_or_404(
        selectors.cohorts_visible_to(user=request.user).annotate(
            has_cmi5=cmi5_embedded_below("course__path")
        ),
        pk=cohort_id,
    )
    grid = selectors.cohort_grid(cohort=cohort, locale=selectors.locale_for_request(request))
    return render(
        request,
        "courses/cohort_detail.html",
        {
            "cohort": cohort,
            "grid": grid,
            "sessions": grid.sessions,
            "enrol_form": forms.EnrolByUsernameForm(),
            "may_waive": country_scope(request.user) is not False,
            "has_cmi5": cohort.has_cmi5,
        },
    )


@others_data
@require_GET
def cohort_export(request, cohort_id: int, file_format: str):
    if response := _trainer_required(request):
        return response
    cohort = _cohort_for(request, cohort_id)
    grid = selectors.cohort_grid(cohort=cohort, locale=selectors.locale_for_request(request))
    # Names and titles are typed by people: never let a cell become a formula.
    rows = list(safe_rows([grid.header(), *grid.table()]))
    filename = f"cohort-{cohort.pk}"
    if file_format in ("csv", "xlsx"):
        from lms.accounts.audit import audit_access

        audit_access(
            actor=request.user,
            subject=cohort,
            what="cohort learner export",
            details={"format": file_format, "learners": len(rows) - 1},
        )
    if file_format == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=_("Progress")[:31])
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    raise Http404


@others_data
@require_POST
def cohort_enrol(request, cohort_id: int):
    if response := _trainer_required(request):
        return response
    cohort = _cohort_for(request, cohort_id)
    form = forms.EnrolByUsernameForm(request.POST)
    if form.is_valid():
        learner = selectors.person_for_cohort(
            cohort=cohort, identifier=form.cleaned_data["username"]
        )
        if learner is None:
            messages.error(request, _("No one in this country has that username or email."))
        else:
            try:
                services.enrolment_create(
                    learner=learner,
                    course=cohort.course,
                    cohort=cohort,
                    source="trainer",
                    enrolled_by=request.user,
                    override_note=form.cleaned_data["override_note"],
                )
            except services.CourseActionError as error:
                messages.error(
                    request,
                    _("%(name)s is not enrolled. %(reason)s")
                    % {"name": learner.name, "reason": error.message},
                )
            else:
                messages.success(request, _("%(name)s is enrolled.") % {"name": learner.name})
    return redirect("courses:cohort_detail", cohort_id=cohort.pk)


@others_data
@require_http_methods(["GET", "POST"])
def cohort_import(request, cohort_id: int):
    if response := _trainer_required(request):
        return response
    cohort = _cohort_for(request, cohort_id)
    form = forms.ClassImportForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        plan = services.class_import_plan(cohort=cohort, data=data)
        if plan.valid:
            try:
                imported = services.class_import_run(
                    cohort=cohort, data=data, enrolled_by=request.user
                )
            except services.CourseActionError as error:
                plan.errors.append(error.message)
                return render(
                    request,
                    "courses/cohort_import.html",
                    {"cohort": cohort, "form": form, "plan": plan},
                    status=400,
                )
            return render(
                request,
                "courses/login_slips.html",
                {
                    "cohort": cohort,
                    "imported": imported,
                    "login_url": request.build_absolute_uri(reverse("account_login")),
                },
            )
    return render(
        request,
        "courses/cohort_import.html",
        {"cohort": cohort, "form": form, "plan": plan},
        status=400 if (form.errors or (plan and not plan.valid)) else 200,
    )


@others_data
@require_POST
def learner_new_slip(request, cohort_id: int, learner_id: int):
    if response := _trainer_required(request):
        return response
    cohort = _cohort_for(request, cohort_id)
    learner = get_object_or_404(selectors.cohort_learners_queryset(cohort=cohort), pk=learner_id)
    try:
        password = services.learner_password_reset(
            cohort=cohort, learner=learner, actor=request.user
        )
    except services.CourseActionError as error:
        messages.error(request, error.message)
        return redirect("courses:cohort_detail", cohort_id=cohort.pk)
    return render(
        request,
        "courses/login_slips.html",
        {
            "cohort": cohort,
            "imported": [services.ImportedLearner(user=learner, password=password)],
            "login_url": request.build_absolute_uri(reverse("account_login")),
        },
    )


@others_data
@require_http_methods(["GET", "POST"])
def learner_cmi5(request, cohort_id: int, learner_id: int):
    """A learner's cmi5 units in the cohort's course with their state; staff of the cohort
    waive a unit with a reason (cmi5 9.3.7), which meets its moveOn criterion."""
    if response := _trainer_required(request):
        return response
    cohort = _cohort_for(request, cohort_id)
    learner = get_object_or_404(selectors.cohort_learners_queryset(cohort=cohort), pk=learner_id)
    units = cmi5_units_for_learner(
        learner=learner,
        pages=Page.objects.descendant_of(cohort.course, inclusive=True),
    )
    form = forms.Cmi5WaiveForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            unit = form.cleaned_data["unit"]
            cmi5_au_waive(
                learner=learner, au=unit.au, page=unit.page, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, _("%(unit)s is waived for this learner.") % {"unit": unit.au.title}
            )
            return redirect("courses:learner_cmi5", cohort_id=cohort.pk, learner_id=learner.pk)
        messages.error(request, _("This unit cannot be waived."))
    return render(
        request,
        "courses/learner_cmi5.html",
        {
            "cohort": cohort,
            "learner": learner,
            "units": units,
            "reasons": forms.Cmi5WaiveForm.base_fields["reason"].choices,
        },
        status=400 if form.errors else 200,
    )


@others_data
@require_http_methods(["GET", "POST"])
def session_create(request, cohort_id: int):
    if response := _trainer_required(request):
        return response
    cohort = _cohort_for(request, cohort_id)
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.class_session_create(cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Session added."))
            return redirect("courses:cohort_detail", cohort_id=cohort.pk)
    return render(
        request,
        "courses/session_form.html",
        {"form": form, "cohort": cohort},
        status=400 if form.errors else 200,
    )


@others_data
@require_http_methods(["GET", "POST"])
def session_roster(request, session_id: int):
    if response := _trainer_required(request):
        return response
    session = get_object_or_404(
        ClassSession.objects.select_related("cohort__course").filter(
            cohort__in=selectors.cohorts_visible_to(user=request.user)
        ),
        pk=session_id,
    )
    learners = selectors.cohort_learners(cohort=session.cohort)
    if request.method == "POST":
        by_id = {learner.pk: learner for learner in learners}
        learner_id = request.POST.get("learner", "")
        learner = by_id.get(int(learner_id)) if learner_id.isdigit() else None
        if learner is None or request.POST.get("present") not in ("0", "1"):
            return HttpResponseBadRequest(_("Choose a learner of this cohort."))
        services.attendance_mark(
            session=session,
            learner=learner,
            present=request.POST["present"] == "1",
            marked_by=request.user,
        )
        if request.headers.get("Accept") == "application/json":
            from django.http import JsonResponse

            return JsonResponse({"learner": learner.pk, "present": request.POST["present"] == "1"})
        return redirect(f"{reverse('courses:session_roster', args=[session.pk])}#l-{learner.pk}")
    marks = dict(Attendance.objects.filter(session=session).values_list("learner_id", "present"))
    roster = [{"learner": learner, "present": marks.get(learner.pk)} for learner in learners]
    return render(
        request,
        "courses/roster.html",
        {
            "session": session,
            "roster": roster,
            "present_count": sum(1 for r in roster if r["present"]),
        },
    )


@others_data
@require_GET
def review_list(request):
    if response := _trainer_required(request):
        return response
    submissions = selectors.submissions_to_review(user=request.user)
    waiting = submissions.filter(status=Submission.Status.SUBMITTED)
    return render(
        request,
        "courses/review_list.html",
        {"waiting": waiting[:100], "recent": submissions.exclude(pk__in=waiting)[:20]},
    )


@others_data
@require_http_methods(["GET", "POST"])
def review(request, submission_id: int):
    if response := _trainer_required(request):
        return response
    submission = get_object_or_404(
        selectors.submissions_to_review(user=request.user), pk=submission_id
    )
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_review(
                submission=submission,
                reviewer=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except services.CourseActionError as error:
            form.add_error("comment", error.message)
        else:
            messages.success(request, _("Review saved."))
            return redirect("courses:review_list")
    return render(
        request,
        "courses/review.html",
        {"submission": submission, "form": form, "title": selectors.submission_title(submission)},
        status=400 if form.errors else 200,
    )
