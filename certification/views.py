"""Views of certification: the candidate's journey, the assessor's queue, staff
management, the holder's certificate, and the public verification page. Each view checks
who may act, then calls one service or selector."""

import copy
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from certification import openbadges, permissions, selectors, services
from certification.forms import (
    AssessmentForm,
    CommentForm,
    CPDActivityEditForm,
    CPDActivityForm,
    ResubmitForm,
    ReviewForm,
    RevokeForm,
    SubmissionForm,
)
from certification.models import Candidacy, Certificate, CPDActivity, Programme, Submission
from lms.accounts.exposure import (
    others_data,
    own_data,
    own_or_others_data,
    public_data,
    require_second_factor_unless_own,
)
from lms.page_cache import public_page_cache
from lms.private_files import private_file_response


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- the candidate ------------------------------------------------------------------------


@own_data
@login_required
@require_GET
def home(request):
    user = request.user
    candidacies = list(selectors.candidacies_of(user=user))
    certificates = list(selectors.certificates_of(user=user))
    open_programmes = list(
        selectors.programmes_open_to(user=user).exclude(
            pk__in=[c.programme_id for c in candidacies]
        )
    )
    programmes = {c.programme for c in candidacies} | {c.programme for c in certificates}
    return render(
        request,
        "certification/home.html",
        {
            "candidacies": candidacies,
            "programmes": open_programmes,
            "titles": selectors.programme_titles(programmes | set(open_programmes)),
            "certificates": certificates,
            "is_assessor": user.assessed_programmes.exists(),
            "is_staff_member": user.is_global_admin or user.is_country_staff,
        },
    )


@public_data
@require_GET
def programme_detail(request, slug):
    programme = get_object_or_404(Programme.objects.canonical(), slug=slug)
    requirements = list(programme.requirements.select_related("course"))
    candidacy = (
        Candidacy.objects.filter(candidate=request.user, programme=programme).first()
        if request.user.is_authenticated
        else None
    )
    return render(
        request,
        "certification/programme.html",
        {
            "programme": programme,
            "shown": selectors.localized_programme(programme),
            "requirements": requirements,
            "titles": selectors.localized_titles(requirements),
            "candidacy": candidacy,
            "can_enrol": permissions.can_enrol(request.user, programme) and not candidacy,
        },
    )


@own_data
@login_required
@require_POST
def enrol(request, slug):
    programme = get_object_or_404(Programme.objects.canonical(), slug=slug)
    try:
        candidacy = services.candidacy_start(candidate=request.user, programme=programme)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("certification:programme", slug=slug)
    messages.success(request, _("You are now a candidate for this programme."))
    return redirect("certification:candidacy", pk=candidacy.pk)


def _candidacy_for(request, pk) -> Candidacy:
    candidacy = get_object_or_404(
        Candidacy.objects.select_related(
            "candidate", "programme", "programme__locale", "certificate"
        ),
        pk=pk,
    )
    if not permissions.can_view_candidacy(request.user, candidacy):
        raise PermissionDenied
    require_second_factor_unless_own(request, candidacy.candidate_id)
    return candidacy


def _render_candidacy(request, candidacy, *, submission_form=None, assessment_form=None):
    progress = selectors.requirement_progress(candidacy=candidacy)
    titles = {p.requirement.pk: p.title for p in progress}
    is_candidate = candidacy.candidate_id == request.user.pk
    can_assess = permissions.can_assess(request.user, candidacy)
    can_manage = permissions.can_manage_candidacy(request.user, candidacy) and not is_candidate
    try:
        certificate = candidacy.certificate  # selected with the candidacy
    except Certificate.DoesNotExist:
        certificate = None
    if is_candidate and submission_form is None:
        submission_form = SubmissionForm(
            candidacy=candidacy, titles=titles, requirements=[p.requirement for p in progress]
        )
    if can_assess and assessment_form is None:
        assessment_form = AssessmentForm(candidacy=candidacy)
    return render(
        request,
        "certification/candidacy.html",
        {
            "candidacy": candidacy,
            "shown": selectors.localized_programme(candidacy.programme),
            "progress": progress,
            "all_met": bool(progress) and all(p.met for p in progress),
            "submissions": candidacy.submissions.select_related("requirement"),
            "titles": titles,
            "is_candidate": is_candidate,
            "can_assess": can_assess,
            "can_manage": can_manage,
            "certificate": certificate,
            "submission_form": submission_form if is_candidate else None,
            "assessment_form": assessment_form if can_assess else None,
        },
        status=400
        if (submission_form and submission_form.errors)
        or (assessment_form and assessment_form.errors)
        else 200,
    )


@own_or_others_data
@login_required
@require_GET
def candidacy_detail(request, pk):
    return _render_candidacy(request, _candidacy_for(request, pk))


@own_data
@login_required
@require_POST
def submission_create(request, pk):
    candidacy = _candidacy_for(request, pk)
    if candidacy.candidate_id != request.user.pk:
        raise PermissionDenied
    form = SubmissionForm(request.POST, request.FILES, candidacy=candidacy)
    if form.is_valid():
        try:
            submission = services.submission_create(
                candidacy=candidacy, **{k: form.cleaned_data[k] for k in form.Meta.fields}
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Your evidence was sent to the assessors."))
            return redirect("certification:submission", pk=submission.pk)
    return _render_candidacy(request, candidacy, submission_form=form)


@others_data
@login_required
@require_POST
def assessment_record(request, pk):
    candidacy = _candidacy_for(request, pk)
    if not permissions.can_assess(request.user, candidacy):
        raise PermissionDenied
    form = AssessmentForm(request.POST, candidacy=candidacy)
    if form.is_valid():
        try:
            services.assessment_result_record(
                candidacy=candidacy,
                requirement=form.cleaned_data["requirement"],
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                recorded_by=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The result is recorded."))
            return redirect("certification:candidacy", pk=candidacy.pk)
    return _render_candidacy(request, candidacy, assessment_form=form)


@others_data
@login_required
@require_POST
def approve_issue(request, pk):
    candidacy = _candidacy_for(request, pk)
    if not permissions.can_manage_candidacy(request.user, candidacy):
        raise PermissionDenied
    try:
        certificate = services.candidacy_approve_issue(
            candidacy=candidacy, approved_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("certification:candidacy", pk=candidacy.pk)
    messages.success(request, _("Certificate %(serial)s issued.") % {"serial": certificate.serial})
    return redirect("certification:certificate", code=certificate.code)


@own_or_others_data
@login_required
@require_POST
def withdraw(request, pk):
    candidacy = _candidacy_for(request, pk)
    try:
        services.candidacy_withdraw(candidacy=candidacy, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The candidacy is withdrawn. Your evidence is kept."))
    return redirect("certification:candidacy", pk=candidacy.pk)


def _submission_for(request, pk) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related(
            "candidacy__candidate", "candidacy__programme", "requirement"
        ),
        pk=pk,
    )
    user = request.user
    if not (
        submission.candidacy.candidate_id == user.pk
        or permissions.can_review(user, submission)
        or (
            permissions.can_manage_candidacy(user, submission.candidacy)
            and (user.is_global_admin or user.is_country_staff)
        )
    ):
        raise PermissionDenied
    require_second_factor_unless_own(request, submission.candidacy.candidate_id)
    return submission


@own_or_others_data
@login_required
def submission_detail(request, pk):
    submission = _submission_for(request, pk)
    is_candidate = submission.candidacy.candidate_id == request.user.pk
    comment_form = CommentForm()
    resubmit_form = ResubmitForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "resubmit" and is_candidate:
                resubmit_form = ResubmitForm(request.POST, request.FILES)
                if resubmit_form.is_valid():
                    services.submission_resubmit(
                        submission=submission,
                        author=request.user,
                        body=resubmit_form.cleaned_data["body"],
                        file=resubmit_form.cleaned_data["file"],
                    )
                    messages.success(request, _("Your evidence was sent back for review."))
                    return redirect("certification:submission", pk=pk)
            elif action == "comment":
                comment_form = CommentForm(request.POST)
                if comment_form.is_valid():
                    services.submission_comment(
                        submission=submission,
                        author=request.user,
                        body=comment_form.cleaned_data["body"],
                    )
                    return redirect("certification:submission", pk=pk)
            else:
                return HttpResponse(_("Unknown action."), status=400)
        except ValidationError as error:
            _form_errors(resubmit_form if action == "resubmit" else comment_form, error)
        status = 400
    return render(
        request,
        "certification/submission.html",
        {
            "submission": submission,
            "title": selectors.localized_titles([submission.requirement])[
                submission.requirement_id
            ],
            "comments": submission.comments.select_related("author"),
            "is_candidate": is_candidate,
            "can_review": permissions.can_review(request.user, submission),
            "comment_form": comment_form,
            "resubmit_form": resubmit_form,
        },
        status=status,
    )


def _audit_others_file(request, subject, *, owner_id):
    """Someone else's evidence opened: recorded in the audit trail (issue 21.4)."""
    if owner_id != request.user.pk:
        from lms.accounts.audit import audit_access

        audit_access(actor=request.user, subject=subject, what="evidence downloaded")


def _private_file(field, *, filename: str):
    """Evidence is personal: it is served through a permission check, never from a public
    media address."""
    if not field:
        raise Http404
    return private_file_response(field, as_attachment=True, filename=filename)


@own_or_others_data
@login_required
@require_GET
def submission_file(request, pk):
    submission = _submission_for(request, pk)
    _audit_others_file(request, submission, owner_id=submission.candidacy.candidate_id)
    return _private_file(submission.file, filename=submission.file.name.rsplit("/", 1)[-1])


@own_or_others_data
@login_required
@require_GET
def cpd_evidence(request, pk):
    activity = get_object_or_404(CPDActivity.objects.select_related("person"), pk=pk)
    user = request.user
    if activity.person_id != user.pk and not (
        (user.is_global_admin or user.is_country_staff)
        and permissions.can_manage_person(user, activity.person)
    ):
        raise PermissionDenied
    require_second_factor_unless_own(request, activity.person_id)
    _audit_others_file(request, activity, owner_id=activity.person_id)
    return _private_file(activity.evidence, filename=activity.evidence.name.rsplit("/", 1)[-1])


@own_data
@login_required
def cpd_log(request):
    form = CPDActivityForm()
    status = 200
    if request.method == "POST":
        form = CPDActivityForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.cpd_activity_log(person=request.user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Your CPD activity is logged."))
                return redirect("certification:cpd")
        status = 400
    return render(
        request,
        "certification/cpd.html",
        {
            "form": form,
            "activities": selectors.cpd_log_of(person=request.user),
            "total": selectors.cpd_hours_for(person=request.user),
        },
        status=status,
    )


def _own_cpd_activity(request, pk) -> CPDActivity:
    """Only the person who logged an activity corrects or deletes it; staff read the
    evidence but never change someone's declaration (docs/decisions/0402)."""
    activity = get_object_or_404(CPDActivity, pk=pk)
    if activity.person_id != request.user.pk:
        raise PermissionDenied
    return activity


def _locked_redirect(request, activity):
    """Send the owner back to the log, saying why, when the activity is locked."""
    count = selectors.cpd_activity_lock(activity=activity)
    if count is None:
        return None
    messages.error(request, services.cpd_lock_message(count))
    return redirect("certification:cpd")


@own_data
@login_required
@require_http_methods(["GET", "POST"])
def cpd_edit(request, pk):
    activity = _own_cpd_activity(request, pk)
    if locked := _locked_redirect(request, activity):
        return locked
    status = 200
    if request.method == "POST":
        # The form validates a copy: the page keeps showing what is stored until saved.
        form = CPDActivityEditForm(request.POST, request.FILES, instance=copy.copy(activity))
        if form.is_valid():
            try:
                services.cpd_activity_update(
                    activity=activity, by=request.user, **form.service_arguments()
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Your CPD activity is corrected."))
                return redirect("certification:cpd")
        status = 400
    else:
        form = CPDActivityEditForm(instance=activity)
    return render(
        request,
        "certification/cpd_edit.html",
        {"form": form, "activity": activity},
        status=status,
    )


@own_data
@login_required
@require_http_methods(["GET", "POST"])
def cpd_delete(request, pk):
    """Ask first (a page that works without JavaScript), then delete on POST."""
    activity = _own_cpd_activity(request, pk)
    if locked := _locked_redirect(request, activity):
        return locked
    if request.method == "POST":
        try:
            services.cpd_activity_delete(activity=activity, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The CPD activity is deleted."))
        return redirect("certification:cpd")
    return render(request, "certification/cpd_delete.html", {"activity": activity})


# --- assessors ----------------------------------------------------------------------------


@others_data
@login_required
@require_GET
def review_queue(request):
    queue = selectors.review_queue(assessor=request.user)
    if not request.user.assessed_programmes.exists():
        raise PermissionDenied
    return render(request, "certification/review_queue.html", {"queue": queue[:200]})


@others_data
@login_required
def review(request, pk):
    submission = get_object_or_404(
        Submission.objects.select_related(
            "candidacy__candidate", "candidacy__programme", "requirement"
        ),
        pk=pk,
    )
    if not permissions.can_review(request.user, submission):
        raise PermissionDenied
    criteria = (
        submission.requirement.rubric_criteria
        if submission.requirement.kind == submission.requirement.Kind.OBSERVED_PRACTICE
        else []
    )
    form = ReviewForm(criteria=criteria)
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                services.submission_review(
                    submission=submission,
                    reviewer=request.user,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                    rubric_scores=form.rubric_scores(),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict") and "rubric" in error.error_dict:
                    form.add_error(None, error.error_dict.pop("rubric"))
                _form_errors(form, error)
            else:
                messages.success(request, _("Your review is saved."))
                return redirect("certification:review_queue")
        status = 400
    return render(
        request,
        "certification/review.html",
        {
            "submission": submission,
            "form": form,
            "comments": submission.comments.select_related("author"),
        },
        status=status,
    )


# --- staff --------------------------------------------------------------------------------


PAGE_SIZE = 50


@others_data
@login_required
@require_GET
def manage(request):
    from django.core.paginator import Paginator

    from lms.taxonomy.models import Country
    from lms.taxonomy.selectors import terms_in_language

    user = request.user
    if not (user.is_global_admin or user.is_country_staff):
        raise PermissionDenied
    programme_slug = request.GET.get("programme", "")
    state = request.GET.get("state", "")
    candidacies = selectors.candidacies_visible_to(user=user)
    certificates = selectors.certificates_filtered(
        selectors.certificates_visible_to(user=user).order_by("-issued_at"), state=state
    )
    if programme_slug:
        candidacies = candidacies.filter(programme__slug=programme_slug)
        certificates = certificates.filter(programme__slug=programme_slug)
    programmes = list(Programme.objects.canonical())
    names = terms_in_language(model=Country)
    canonical = terms_in_language(model=Country, language_code=settings.LANGUAGE_CODE)
    country_names = {term.pk: names[code].name for code, term in canonical.items() if code in names}
    candidacy_page = Paginator(candidacies, PAGE_SIZE).get_page(request.GET.get("page"))
    certificate_page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("cpage"))
    return render(
        request,
        "certification/manage.html",
        {
            "candidacies": candidacy_page,
            "certificates": certificate_page,
            "programmes": programmes,
            "titles": selectors.programme_titles(programmes),
            "countries": country_names,
            "selected_programme": programme_slug,
            "selected_state": state,
            "states": Certificate.State.choices,
            "counts": selectors.certificate_counts(
                country=None if user.is_global_admin else user.country_id
            ),
        },
    )


# --- the holder ---------------------------------------------------------------------------


def _certificate_for(request, code) -> Certificate:
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        raise Http404
    user = request.user
    if certificate.holder_id != user.pk and not (
        (user.is_global_admin or user.is_country_staff)
        and permissions.can_manage_certificate(user, certificate)
    ):
        raise PermissionDenied
    require_second_factor_unless_own(request, certificate.holder_id)
    return certificate


@own_or_others_data
@login_required
def certificate_detail(request, code):
    certificate = _certificate_for(request, code)
    is_holder = certificate.holder_id == request.user.pk
    revoke_form = RevokeForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "renew":
                services.certificate_renew(certificate=certificate, renewed_by=request.user)
                messages.success(request, _("Your certificate is renewed."))
                return redirect("certification:certificate", code=code)
            if action == "revoke" and not is_holder:
                revoke_form = RevokeForm(request.POST)
                if revoke_form.is_valid():
                    services.certificate_revoke(
                        certificate=certificate,
                        revoked_by=request.user,
                        reason=revoke_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("The certificate is revoked."))
                    return redirect("certification:certificate", code=code)
            elif action != "revoke":
                return HttpResponse(_("Unknown action."), status=400)
        except ValidationError as error:
            if action == "renew":
                messages.error(request, " ".join(error.messages))
            else:
                _form_errors(revoke_form, error)
        status = 400
    return render(
        request,
        "certification/certificate.html",
        {
            "certificate": certificate,
            "shown": selectors.localized_programme(certificate.programme),
            "is_holder": is_holder,
            "renewal": selectors.renewal_status(certificate=certificate),
            "renewals": certificate.renewals.all(),
            "revoke_form": revoke_form,
            "verify_url": openbadges.verify_url(certificate),
        },
        status=status,
    )


@own_or_others_data
@login_required
@require_GET
def certificate_pdf(request, code):
    certificate = _certificate_for(request, code)
    if not certificate.pdf:
        # A worker renders it moments after issue; not in this request (half a second of
        # a web worker's time). Queued again, at most once a minute, in case the first task
        # was lost (the task is idempotent).
        if cache.add(f"certification:pdf-queued:{certificate.pk}", True, 60):
            from certification.tasks import certificate_pdf_task

            certificate_pdf_task.delay(certificate.pk)
        messages.info(request, _("The certificate's PDF is being prepared. Try again in a minute."))
        return redirect("certification:certificate", code=code)
    return private_file_response(
        certificate.pdf,
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )


@own_or_others_data
@login_required
@require_GET
def credential_download(request, code):
    """The holder's Open Badges 3.0 credential, signed, as a file to keep in a wallet."""
    certificate = _certificate_for(request, code)
    response = JsonResponse(
        openbadges.credential(certificate), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.json"'
    return response


# --- public verification ------------------------------------------------------------------


CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def code_from_input(text: str) -> str | None:
    """The certificate code in what a visitor typed or pasted: the code itself, the code
    with the slash printed after it, or the whole verification address (with or without a
    language prefix, query or fragment). None when nothing there can be a code."""
    text = "".join(text.split())[:500]
    if "://" in text or text.startswith("//"):
        text = urlsplit(text).path
    else:
        text = text.split("?")[0].split("#")[0]
    segments = [segment for segment in text.split("/") if segment]
    if not segments or not CODE_PATTERN.fullmatch(segments[-1]):
        return None
    return segments[-1]


@public_data
@require_GET
def verify_lookup(request):
    """For a certificate whose QR code cannot be scanned: type the code printed under it,
    or paste the address."""
    typed = request.GET.get("code", "")
    if not typed.strip():
        return render(request, "certification/verify_lookup.html")
    code = code_from_input(typed)
    if code:
        return redirect("certification:verify", code=code)
    return render(
        request,
        "certification/verify_unknown.html",
        {"code": "".join(typed.split())[:64], "typed": typed[:500]},
        status=404,
    )


@public_data
@require_GET
@cache_control(no_cache=True, public=True)
@public_page_cache(timeout=300)  # a certificate's state also changes with the date alone
def verify(request, code):
    """Anyone, without signing in: who holds the certificate and whether it is valid now.
    Rate-limited per address, so codes cannot be tried in bulk."""
    if is_ratelimited(
        request,
        group="certification.verify",
        key="ip",
        rate=settings.CERTIFICATION_VERIFY_RATE,
        increment=True,
    ):
        return render(request, "certification/verify_limited.html", status=429)
    certificate = selectors.certificate_by_code(code=code[:64])
    if certificate is None:
        if request.resolver_match.namespace == "certification_api":
            # A 404 without a language prefix would be turned by LocaleMiddleware into a
            # redirect to the site's generic 404; send the visitor to our clear one.
            return redirect("certification:verify", code=code[:64])
        return render(request, "certification/verify_unknown.html", {"code": code[:64]}, status=404)
    language = get_language()
    return render(
        request,
        "certification/verify.html",
        {
            "certificate": certificate,
            "shown": selectors.localized_programme(certificate.programme, language),
            "state": certificate.state,
            "issuer": settings.CERTIFICATION_ISSUER_NAME,
            "language_links": [
                (c, name) for c, name in settings.LANGUAGES if c in {"en", "vi", "ar", language}
            ],
            # The address without a prefix answers in the browser's language, so the
            # language switcher must point at the prefixed twins.
            "language_urls": _verify_urls(certificate.code),
        },
    )


def _verify_urls(code: str) -> dict[str, str]:
    urls = {}
    for language_code, _name in settings.LANGUAGES:
        with translation.override(language_code):
            urls[language_code] = reverse("certification:verify", kwargs={"code": code})
    return urls


# --- Open Badges (public, no language prefix) ---------------------------------------------

JSON_LD = "application/ld+json"


def _json(data, status=200, content_type=JSON_LD):
    response = JsonResponse(
        data, status=status, content_type=content_type, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public_data
@require_GET
@cache_control(max_age=3600, public=True)
def badge_issuer(request):
    return _json(openbadges.issuer_profile())


@public_data
@require_GET
@cache_control(max_age=3600, public=True)
def badge_class(request, slug):
    programme = get_object_or_404(Programme.objects.canonical(), slug=slug)
    return _json(openbadges.badge_class(programme))


@public_data
@require_GET
@cache_control(max_age=3600, public=True)
def badge_image(request, slug):
    programme = get_object_or_404(Programme.objects.canonical(), slug=slug)
    return HttpResponse(openbadges.badge_svg(programme), content_type="image/svg+xml")


@public_data
@require_GET
@cache_control(no_cache=True, public=True)
def badge_assertion(request, code):
    """The hosted assertion; 410 Gone with ``revoked: true`` once revoked."""
    certificate = selectors.certificate_by_code(code=code[:64])
    if certificate is None:
        return _json(
            {"error": _("No certificate has this code.")},
            status=404,
            content_type="application/json",
        )
    return _json(openbadges.assertion(certificate), status=410 if certificate.revoked_at else 200)


@public_data
@require_GET
@cache_control(no_cache=True, public=True)
def badge_baked(request, code):
    """The badge image baked with its assertion's address (OB 2.0 SVG baking)."""
    certificate = selectors.certificate_by_code(code=code[:64])
    if certificate is None or certificate.revoked_at:
        raise Http404
    response = HttpResponse(
        openbadges.badge_svg(
            certificate.programme,
            assertion_url=openbadges.public_url("badge_assertion", code=certificate.code),
        ),
        content_type="image/svg+xml",
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.svg"'
    return response


@public_data
@require_GET
@cache_control(no_cache=True, public=True)
def status_list(request):
    """The signed Bitstring Status List of revoked credentials (Open Badges 3.0)."""
    return _json(openbadges.status_list_credential(), content_type="application/vc+ld+json")
