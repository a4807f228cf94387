"""The survey as a worker answers it: no account, their language, a cheap phone, no script.

A first visit gives the device a random token (a cookie); the form carries a submission id
made when it was served, so a send repeated by a flaky connection stores once; a second
answer from the same device is refused kindly. Nothing that says who answered is kept."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lms.accounts.exposure import public_data
from lms.reports.studies import surveys
from lms.reports.studies.models import RoundFactory

DEVICE_COOKIE = "bw_survey_device"
DEVICE_COOKIE_SECONDS = 2 * 365 * 24 * 3600


def _device_token(request) -> tuple[str, bool]:
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if 20 <= len(token) <= 64 and token.isalnum():
        return token, False
    return secrets.token_hex(16), True


def _remember_device(response, token: str, new: bool):
    if new:
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            max_age=DEVICE_COOKIE_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _round_factory(code: str) -> RoundFactory:
    return get_object_or_404(
        RoundFactory.objects.select_related("round__survey__locale", "factory", "round__country"),
        code=code.strip().lower(),
    )


def _device_answered(round_factory: RoundFactory, token: str, new: bool) -> bool:
    return (
        not new
        and round_factory.responses.filter(device=surveys.device_key(token, round_factory)).exists()
    )


@public_data
@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer(request, code: str):
    round_factory = _round_factory(code)
    survey_round = round_factory.round
    language = translation.get_language()
    token, new = _device_token(request)
    title, introduction, shown = surveys.questions_for(survey_round.survey, language)
    context = {
        "round_factory": round_factory,
        "factory": round_factory.factory,
        "title": title,
        "introduction": introduction,
        "questions": shown,
        "typed": {},
        "errors": {},
    }
    if not surveys.round_is_open(survey_round):
        return _remember_device(
            render(request, "studies/survey_closed.html", context, status=410), token, new
        )
    # A POST from a device that answered before is refused by response_record (one query
    # with the resent-form check), so only a GET asks here.
    if request.method == "GET" and _device_answered(round_factory, token, new):
        return _remember_device(render(request, "studies/survey_thanks.html", context), token, new)
    if request.method == "POST":
        try:
            client_id = uuid.UUID(request.POST.get("client_id", ""))
        except ValueError:
            client_id = None
        answers, errors = surveys.clean_answers([q.question for q in shown], request.POST)
        context["typed"] = {
            f"q{q.question.pk}": request.POST.get(f"q{q.question.pk}", "") for q in shown
        }
        if client_id is None:
            context["form_error"] = _("The form was damaged on the way: please send it again.")
        elif not errors:
            try:
                surveys.response_record(
                    round_factory=round_factory,
                    client_id=client_id,
                    device_token=token,
                    language=language,
                    answers=answers,
                )
            except surveys.AlreadyAnswered:
                return _remember_device(
                    render(request, "studies/survey_thanks.html", context), token, new
                )
            except surveys.RoundClosed:
                return render(request, "studies/survey_closed.html", context, status=410)
            except ValidationError as error:
                context["form_error"] = error.messages[0]
            else:
                response = redirect("studies:survey_thanks", code=round_factory.code)
                return _remember_device(response, token, new)
        context["errors"] = errors
        context["client_id"] = client_id or uuid.uuid4()
        return _remember_device(
            render(request, "studies/survey_form.html", context, status=400), token, new
        )
    context["client_id"] = uuid.uuid4()
    return _remember_device(render(request, "studies/survey_form.html", context), token, new)


@public_data
@never_cache
def survey_thanks(request, code: str):
    round_factory = _round_factory(code)
    title, _introduction, _shown = surveys.questions_for(
        round_factory.round.survey, translation.get_language()
    )
    return render(
        request,
        "studies/survey_thanks.html",
        {"round_factory": round_factory, "factory": round_factory.factory, "title": title},
    )


@public_data
@never_cache
@require_http_methods(["GET"])
def survey_code(request):
    """A worker types the code from the poster in the factory."""
    code = (request.GET.get("code") or "").strip().lower()
    error = ""
    if code:
        if RoundFactory.objects.filter(code=code).exists():
            return redirect("studies:survey_answer", code=code)
        error = _("No survey has this code. Check the poster and try again.")
    return render(request, "studies/survey_code.html", {"code": code, "error": error})
