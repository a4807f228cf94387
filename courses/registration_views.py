"""Sign-up pages: a learner's open sessions (sign up, cancel, waiting-list place), the
trainer's sign-up roster (seats, waiting list, no-shows, opening a session for sign-up), a
manager signing up their staff, and the calendar (page and secret iCalendar feed). Each
validates input, calls a service or a selector, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses import registration_forms as forms
from courses import registration_selectors as rs
from courses import registration_services as services
from courses.calendar_feed import (
    calendar_feed_owner,
    calendar_feed_renew,
    calendar_feed_revoke,
    calendar_ical,
)
from courses.calendar_sources import calendar_events
from courses.models import CalendarFeed, ClassSession, SessionRegistration
from courses.selectors import is_trainer, person_for_cohort
from lms.accounts.exposure import others_data, own_data
from lms.request_values import key_or_zero

CALENDAR_PAGE_DAYS = 62
STAFF_PAGE_SIZE = 50


def _signup_session(session_id: int) -> ClassSession:
    return get_object_or_404(
        ClassSession.objects.select_related("cohort__course", "cohort__organisation").filter(
            capacity__isnull=False
        ),
        pk=session_id,
    )


def _report(request, error: services.CourseActionError) -> None:
    messages.error(request, error.message)


# --- learners ---------------------------------------------------------------------------


@own_data
@login_required
@require_GET
def session_list(request):
    rows = rs.open_sessions_for(learner=request.user)
    return render(
        request,
        "courses/signup/session_list.html",
        {
            "rows": rows,
            "is_manager": request.user.has_role("manager") and request.user.organisation_id,
            "is_trainer": is_trainer(request.user),
        },
    )


@own_data
@login_required
@require_POST
def session_register(request, session_id: int):
    session = _signup_session(session_id)
    try:
        registration = services.session_registration_create(
            session=session, learner=request.user, registered_by=request.user
        )
    except services.CourseActionError as error:
        _report(request, error)
    else:
        if registration.status == SessionRegistration.Status.WAITLISTED:
            messages.info(
                request,
                _(
                    "The session is full: you are number %(position)s on the waiting list. "
                    "You will be told if a seat frees up."
                )
                % {"position": rs.waitlist_rank(registration)},
            )
        else:
            messages.success(request, _("You have a seat. See you there."))
    return redirect(f"{reverse('courses:session_list')}#s-{session.pk}")


@own_data
@login_required
@require_POST
def session_cancel(request, session_id: int):
    session = _signup_session(session_id)
    registration = SessionRegistration.objects.filter(session=session, learner=request.user).first()
    if registration is None:
        raise Http404
    try:
        services.session_registration_cancel(registration=registration, cancelled_by=request.user)
    except services.CourseActionError as error:
        _report(request, error)
    else:
        messages.success(request, _("Your sign-up is cancelled."))
    return redirect(f"{reverse('courses:session_list')}#s-{session.pk}")


# --- trainers ---------------------------------------------------------------------------


@others_data
@require_http_methods(["GET", "POST"])
def session_signups(request, session_id: int):
    """The trainer's sign-up roster; also where a session is opened for sign-up."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if not is_trainer(request.user):
        raise PermissionDenied
    from courses.selectors import cohorts_visible_to

    session = get_object_or_404(
        ClassSession.objects.select_related("cohort__course", "cohort__country").filter(
            cohort__in=cohorts_visible_to(user=request.user).values("pk")
        ),
        pk=session_id,
    )
    settings_form = forms.SignupSettingsForm(instance=session)
    register_form = forms.RegisterLearnerForm()
    action = request.POST.get("action")
    if request.method == "POST":
        if action == "settings":
            settings_form = forms.SignupSettingsForm(request.POST, instance=session)
            if settings_form.is_valid():
                try:
                    services.session_signup_configure(session=session, **settings_form.cleaned_data)
                except ValidationError as error:
                    settings_form.add_error(None, error)
                else:
                    messages.success(request, _("Sign-up settings saved."))
                    return redirect("courses:session_signups", session_id=session.pk)
            # A failed save changed the instance in memory: show the stored values elsewhere.
            session.refresh_from_db()
        elif action == "register" and session.takes_registrations:
            register_form = forms.RegisterLearnerForm(request.POST)
            if register_form.is_valid():
                learner = person_for_cohort(
                    cohort=session.cohort, identifier=register_form.cleaned_data["username"]
                )
                if learner is None:
                    register_form.add_error(
                        "username", _("No one in this country has that username or email.")
                    )
                else:
                    try:
                        registration = services.session_registration_create(
                            session=session, learner=learner, registered_by=request.user
                        )
                    except services.CourseActionError as error:
                        register_form.add_error("username", error.message)
                    else:
                        messages.success(
                            request,
                            _("%(name)s: %(status)s.")
                            % {
                                "name": learner.name,
                                "status": registration.get_status_display(),
                            },
                        )
                        return redirect("courses:session_signups", session_id=session.pk)
        elif action == "cancel":
            registration = get_object_or_404(
                SessionRegistration,
                session=session,
                pk=key_or_zero(request.POST.get("registration")),
            )
            try:
                services.session_registration_cancel(
                    registration=registration, cancelled_by=request.user
                )
            except services.CourseActionError as error:
                _report(request, error)
            else:
                messages.success(request, _("Sign-up cancelled."))
            return redirect("courses:session_signups", session_id=session.pk)
        else:
            return HttpResponse(_("Choose what to do."), status=400)
    roster = rs.session_roster(session=session) if session.takes_registrations else None
    failed = settings_form.errors or register_form.errors
    return render(
        request,
        "courses/signup/session_signups.html",
        {
            "session": session,
            "roster": roster,
            "ended": session.ends_at <= timezone.now(),
            "settings_form": settings_form,
            "register_form": register_form,
        },
        status=400 if failed else 200,
    )


# --- managers ---------------------------------------------------------------------------


def _manager_required(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if not (request.user.has_role("manager") and request.user.organisation_id):
        raise PermissionDenied
    return None


@others_data
@require_GET
def staff_sessions(request):
    if response := _manager_required(request):
        return response
    sessions = rs.sessions_open_for_staff_of(manager=request.user)[:100]
    return render(request, "courses/signup/staff_sessions.html", {"sessions": sessions})


@others_data
@require_http_methods(["GET", "POST"])
def staff_signup(request, session_id: int):
    """A manager signs up (or off) people of their own organisation."""
    if response := _manager_required(request):
        return response
    session = get_object_or_404(rs.sessions_open_for_staff_of(manager=request.user), pk=session_id)
    staff = rs.staff_of(manager=request.user)
    if request.method == "POST":
        person = get_object_or_404(staff, pk=key_or_zero(request.POST.get("person")))
        try:
            if request.POST.get("action") == "cancel":
                registration = get_object_or_404(
                    SessionRegistration, session=session, learner=person
                )
                services.session_registration_cancel(
                    registration=registration, cancelled_by=request.user
                )
                messages.success(request, _("%(name)s is signed off.") % {"name": person.name})
            else:
                registration = services.session_registration_create(
                    session=session, learner=person, registered_by=request.user
                )
                messages.success(
                    request,
                    _("%(name)s: %(status)s.")
                    % {"name": person.name, "status": registration.get_status_display()},
                )
        except services.CourseActionError as error:
            messages.error(
                request, _("%(name)s: %(reason)s") % {"name": person.name, "reason": error.message}
            )
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(
            f"{reverse('courses:staff_signup', args=[session.pk])}{query}#p-{person.pk}"
        )
    search = forms.StaffSearchForm(request.GET or None)
    if search.is_valid() and search.cleaned_data["q"]:
        term = search.cleaned_data["q"].strip()
        staff = staff.filter(
            Q(display_name__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(username__iexact=term)
        )
    page = Paginator(staff, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    registrations = rs.registrations_of(session=session, learner_ids=[p.pk for p in page])
    rows = [{"person": p, "registration": registrations.get(p.pk)} for p in page]
    return render(
        request,
        "courses/signup/staff_signup.html",
        {"session": session, "rows": rows, "page": page, "search": search},
    )


# --- calendar ---------------------------------------------------------------------------


@own_data
@login_required
@require_GET
def calendar(request):
    now = timezone.now()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    events = calendar_events(
        person=request.user, start=start, end=start + timezone.timedelta(days=CALENDAR_PAGE_DAYS)
    )
    token = request.session.pop("calendar_feed_token", None)
    feed_url = (
        request.build_absolute_uri(reverse("courses_api:courses_calendar_feed", args=[token]))
        if token
        else None
    )
    return render(
        request,
        "courses/signup/calendar.html",
        {
            "events": events,
            "days": CALENDAR_PAGE_DAYS,
            "has_feed": CalendarFeed.objects.filter(person=request.user).exists(),
            "feed_url": feed_url,
        },
    )


@own_data
@login_required
@require_POST
def calendar_feed_manage(request):
    if request.POST.get("action") == "revoke":
        calendar_feed_revoke(person=request.user)
        messages.success(request, _("Your calendar address no longer works."))
    elif request.POST.get("action") == "renew":
        # Shown once, on the next page: only its hash is stored.
        request.session["calendar_feed_token"] = calendar_feed_renew(person=request.user)
        messages.success(
            request, _("Your new calendar address is below. Any earlier address stopped working.")
        )
    else:
        return HttpResponse(_("Choose what to do."), status=400)
    return redirect("courses:calendar")


@own_data
@require_GET
def calendar_feed(request, token: str):
    """The secret iCalendar address: the token is the only key, so an unknown or revoked
    one is simply not found."""
    person = calendar_feed_owner(token=token)
    if person is None:
        raise Http404
    response = HttpResponse(
        calendar_ical(person=person), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="betterwork.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
