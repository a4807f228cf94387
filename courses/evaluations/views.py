"""The participant's evaluations: the list waiting for them, and the form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from courses.evaluations import selectors, services
from courses.evaluations.forms import EvaluationForm
from courses.evaluations.models import Target
from courses.services import CourseActionError
from lms.accounts.exposure import own_data


@own_data
@login_required
@require_GET
def waiting(request):
    return render(
        request,
        "courses/evaluations_waiting.html",
        {"waiting": selectors.evaluations_waiting_for(person=request.user)},
    )


@own_data
@login_required
@require_http_methods(["GET", "POST"])
def evaluate(request, target: str, target_id: int):
    if target not in Target.values:
        raise Http404
    subject = selectors.evaluation_subject(person=request.user, target=target, target_id=target_id)
    if subject is None:
        raise Http404
    if selectors.has_answered(person=request.user, target=target, target_id=target_id):
        messages.info(request, _("You have already evaluated this. Thank you."))
        return redirect("courses:evaluations_waiting")
    form = EvaluationForm(request.POST or None, has_trainer=subject.has_trainer)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(
                person=request.user,
                target=target,
                target_id=target_id,
                content_rating=form.cleaned_data["content_rating"],
                trainer_rating=form.cleaned_data.get("trainer_rating"),
                comment=form.cleaned_data["comment"],
            )
        except CourseActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you for your evaluation."))
            return redirect("courses:evaluations_waiting")
    return render(
        request,
        "courses/evaluation_form.html",
        {"subject": subject, "form": form},
        status=400 if form.errors else 200,
    )
