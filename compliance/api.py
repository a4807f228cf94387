"""The read API for buyers' systems (issue 17, part 2), version 1, at ``/api/v1/``.

django-ninja describes it (decision 0701): the OpenAPI document is built from the schemas
below and served at ``/api/v1/openapi.json``. Every call carries a buyer's key
(``Authorization: Bearer <key>``, compliance.sharing.token_for_key); sessions play no part.
Each call checks the live grants at that moment, answers one page at a time, is
rate-limited per key (Django's cache) and writes the factory's access log.
"""

import datetime
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from compliance import api_urls, sharing
from compliance import sharing_selectors as shared
from compliance.models import (
    AccessLogEntry,
    Assessment,
    Finding,
    PlanAction,
    PointResult,
    SharingScope,
)
from compliance.services import OFFICIAL_KINDS
from lms import ninja_schemas
from lms.taxonomy.models import Cluster, CompliancePoint

# Before the schemas below are defined: each builds its validator on first use (decision 0624).
ninja_schemas.build_schemas_on_first_use()

DEFAULT_PAGE_SIZE = 50
NOT_SHARED = gettext_lazy("Not shared with your organisation (or no such supplier).")
MAX_PAGE_SIZE = 200


# --- authentication and rate limit ------------------------------------------------------------


class BuyerKey(HttpBearer):
    """A live buyer key: not revoked, its maker still an active user of that buyer."""

    def authenticate(self, request: HttpRequest, token: str):
        return sharing.token_for_key(token)


def _rate() -> tuple[int, int]:
    rate = getattr(settings, "BUYER_API_RATE", "120/m")
    count, _slash, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit[:1] or "m"]
    return int(count), seconds


class PerKeyThrottle(BaseThrottle):
    """A fixed window per key in Django's cache: ``cache.add`` then ``cache.incr`` are atomic
    on Redis, so two processes never both take the last call of a window."""

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if token is None:
            return True
        count, period = _rate()
        now = time.time()
        key = f"buyer-api:{token.pk}:{int(now // period)}"
        cache.add(key, 0, period + 5)
        try:
            used = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, period + 5)
            used = 1
        request._buyer_api_wait = period - (now % period)
        return used <= count

    def wait(self):
        return None


api = NinjaAPI(
    title="Better Work supplier information for buyers",
    version="1",
    description=(
        "What factories share with a buyer: assessment reports, improvement plans and their "
        "progress, training records. A factory grants each scope and may withdraw it at any "
        "time, effective at once; every call is written to the factory's access log. "
        "Authenticate with a key made on the site's API keys page: "
        "`Authorization: Bearer <key>`. Lists are paginated with `page` and `page_size`."
    ),
    urls_namespace=api_urls.NAMESPACE,  # what the site includes it as, on first use
    auth=BuyerKey(),
    throttle=[PerKeyThrottle()],
    docs_url=None,
)


# --- schemas -------------------------------------------------------------------------------------


class Paging(Schema):
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


class Error(Schema):
    detail: str


class AssessmentSummary(Schema):
    id: int
    starts_on: datetime.date
    points_assessed: int
    points_non_compliant: int
    publicly_reported_issues_non_compliant: list[str]


class PlanProgress(Schema):
    actions: int
    done: int
    overdue: int


class TrainingCoverage(Schema):
    people_registered: int
    people_trained: int
    training_days: int


class Supplier(Schema):
    id: int
    name: str
    legal_name: str
    country: str
    sector: str | None
    shared: list[str]
    latest_assessment: AssessmentSummary | None = None
    plan: PlanProgress | None = None
    training: TrainingCoverage | None = None


class SupplierPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[Supplier]


class AssessmentItem(Schema):
    id: int
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    published_at: datetime.datetime | None
    points_assessed: int
    points_non_compliant: int
    publicly_reported_points_non_compliant: int


class AssessmentPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AssessmentItem]


class PointOut(Schema):
    cluster: str
    compliance_point: str
    name: str
    questions_answered: int
    questions_non_compliant: int
    publicly_reported_questions_non_compliant: int


class FindingOut(Schema):
    question: str
    text: str
    compliance_point: str
    answer: str
    notes: str


class AssessmentReport(Schema):
    id: int
    supplier_id: int
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    published_at: datetime.datetime | None
    points: list[PointOut]
    non_compliant_findings: list[FindingOut]


class ActionOut(Schema):
    id: int
    plan: str
    compliance_point: str | None
    description: str
    due_on: datetime.date
    status: str
    done_on: datetime.date | None
    overdue: bool


class ActionPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ActionOut]


class TrainingLineOut(Schema):
    person_id: int
    person: str
    course: str
    enrolled_at: datetime.datetime
    completed_at: datetime.datetime | None
    sessions_attended: int


class TrainingPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[TrainingLineOut]


class CertificateOut(Schema):
    holder_id: int
    holder_name: str
    programme: str
    issued_on: datetime.date
    expires_on: datetime.date
    state: str


# --- helpers -------------------------------------------------------------------------------------


def _slice(paging: Paging) -> tuple[int, int, int]:
    size = max(1, min(paging.page_size, MAX_PAGE_SIZE))
    page = max(1, paging.page)
    return page, size, (page - 1) * size


def _log(request, factory_ids, scope=""):
    token = request.auth
    sharing.access_log_write(
        user=token.user,
        buyer=token.buyer,
        factory_ids=factory_ids,
        action=AccessLogEntry.Action.API,
        scope=scope,
        what=request.get_full_path(),
        token=token,
    )


def _supplier_for(request, supplier_id: int, scope: str | None = None):
    buyer = request.auth.buyer
    factory = shared.suppliers_of(buyer=buyer).filter(pk=supplier_id).first()
    # 403 in every case (no such factory, or it does not list the buyer): an answer that
    # differed would tell which factories exist. (A 404 would also be redirected to a
    # language-prefixed address by Django's LocaleMiddleware.)
    if factory is None:
        raise HttpError(403, str(NOT_SHARED))
    if scope and scope not in sharing.live_scopes(factory_id=factory.pk, buyer_id=buyer.pk):
        raise HttpError(403, str(NOT_SHARED))
    return factory


def _supplier_out(row) -> dict:
    factory = row.factory
    organisation = factory.organisation
    out = {
        "id": factory.pk,
        "name": str(factory),
        "legal_name": factory.legal_name,
        "country": organisation.country.code,
        "sector": organisation.sector.code if organisation.sector else None,
        "shared": sorted(row.scopes),
    }
    if row.report:
        out["latest_assessment"] = {
            "id": row.report.assessment.pk,
            "starts_on": row.report.assessment.starts_on,
            "points_assessed": row.report.points_assessed,
            "points_non_compliant": row.report.non_compliant_points,
            "publicly_reported_issues_non_compliant": [str(p) for p in row.report.public_issues],
        }
    if row.plan:
        out["plan"] = {
            "actions": row.plan.total,
            "done": row.plan.done,
            "overdue": row.plan.overdue,
        }
    if row.training:
        out["training"] = {
            "people_registered": row.training.people,
            "people_trained": row.training.trained,
            "training_days": row.training.training_days,
        }
    return out


# --- endpoints -----------------------------------------------------------------------------------

ERRORS = {401: Error, 403: Error, 429: Error}


@api.get("/suppliers", response={200: SupplierPage, **ERRORS}, tags=["suppliers"])
def suppliers(request, paging: Query[Paging], country: str = ""):
    """The factories that list your organisation as a buyer, with what each shares now."""
    page, size, start = _slice(paging)
    factories = shared.suppliers_of(buyer=request.auth.buyer)
    if country:
        factories = factories.filter(organisation__country__code=country)
    count = factories.count()
    rows = shared.supplier_rows(
        buyer=request.auth.buyer,
        factories=list(factories[start : start + size]),
        language_code=settings.LANGUAGE_CODE,
    )
    _log(request, [row.factory.pk for row in rows if row.scopes])
    return {
        "count": count,
        "page": page,
        "page_size": size,
        "results": [_supplier_out(row) for row in rows],
    }


@api.get("/suppliers/{supplier_id}", response={200: Supplier, **ERRORS}, tags=["suppliers"])
def supplier(request, supplier_id: int):
    factory = _supplier_for(request, supplier_id)
    (row,) = shared.supplier_rows(
        buyer=request.auth.buyer, factories=[factory], language_code=settings.LANGUAGE_CODE
    )
    if row.scopes:
        _log(request, [factory.pk])
    return _supplier_out(row)


@api.get(
    "/suppliers/{supplier_id}/assessments",
    response={200: AssessmentPage, **ERRORS},
    tags=["assessment reports"],
)
def supplier_assessments(request, supplier_id: int, paging: Query[Paging]):
    """The supplier's published independent assessments, newest first."""
    factory = _supplier_for(request, supplier_id, SharingScope.REPORTS)
    page, size, start = _slice(paging)
    reports = shared.published_reports(factory=factory)
    count = reports.count()
    _log(request, [factory.pk], SharingScope.REPORTS)
    return {
        "count": count,
        "page": page,
        "page_size": size,
        "results": [
            {
                "id": a.pk,
                "kind": a.kind,
                "starts_on": a.starts_on,
                "ends_on": a.ends_on,
                "published_at": a.published_at,
                "points_assessed": a.points_assessed,
                "points_non_compliant": a.non_compliant_points,
                "publicly_reported_points_non_compliant": a.public_non_compliant_points,
            }
            for a in reports[start : start + size]
        ],
    }


@api.get(
    "/assessments/{assessment_id}",
    response={200: AssessmentReport, **ERRORS},
    tags=["assessment reports"],
)
def assessment(request, assessment_id: int):
    """One published report: the result of each compliance point and the non-compliant
    findings."""
    found = (
        Assessment.objects.filter(
            pk=assessment_id, state=Assessment.State.PUBLISHED, kind__in=OFFICIAL_KINDS
        )
        .select_related("factory")
        .first()
    )
    buyer = request.auth.buyer
    if found is None or SharingScope.REPORTS not in sharing.live_scopes(
        factory_id=found.factory_id, buyer_id=buyer.pk
    ):
        raise HttpError(403, str(NOT_SHARED))
    clusters = dict(Cluster.objects.canonical().values_list("pk", "code"))
    points = {p.pk: p for p in CompliancePoint.objects.canonical()}
    results = PointResult.objects.filter(assessment=found).order_by("cluster_id", "pk")
    findings = (
        Finding.objects.filter(assessment=found, is_non_compliant=True)
        .select_related("question")
        .order_by("question__sort_order", "question_id")
    )
    _log(request, [found.factory_id], SharingScope.REPORTS)
    return {
        "id": found.pk,
        "supplier_id": found.factory_id,
        "kind": found.kind,
        "starts_on": found.starts_on,
        "ends_on": found.ends_on,
        "published_at": found.published_at,
        "points": [
            {
                "cluster": clusters.get(r.cluster_id, ""),
                "compliance_point": getattr(points.get(r.compliance_point_id), "code", ""),
                "name": str(points.get(r.compliance_point_id, "")),
                "questions_answered": r.questions_answered,
                "questions_non_compliant": r.questions_non_compliant,
                "publicly_reported_questions_non_compliant": r.publicly_reported_non_compliant,
            }
            for r in results
        ],
        "non_compliant_findings": [
            {
                "question": f.question.code,
                "text": f.question.text,
                "compliance_point": getattr(points.get(f.question.compliance_point_id), "code", ""),
                "answer": f.answer,
                "notes": f.notes,
            }
            for f in findings
        ],
    }


@api.get(
    "/suppliers/{supplier_id}/plan-actions",
    response={200: ActionPage, **ERRORS},
    tags=["improvement plans"],
)
def supplier_plan_actions(request, supplier_id: int, paging: Query[Paging]):
    """The actions of the supplier's improvement plans, by due date."""
    factory = _supplier_for(request, supplier_id, SharingScope.PLAN)
    page, size, start = _slice(paging)
    actions = shared.plan_actions(factory=factory)
    count = actions.count()
    codes = dict(CompliancePoint.objects.canonical().values_list("pk", "code"))
    today = datetime.date.today()
    done = {PlanAction.Status.DONE, PlanAction.Status.VERIFIED}
    _log(request, [factory.pk], SharingScope.PLAN)
    return {
        "count": count,
        "page": page,
        "page_size": size,
        "results": [
            {
                "id": a.pk,
                "plan": a.plan.title,
                "compliance_point": codes.get(a.compliance_point_id),
                "description": a.description,
                "due_on": a.due_on,
                "status": a.status,
                "done_on": a.done_on,
                "overdue": a.due_on < today and a.status not in done,
            }
            for a in actions[start : start + size]
        ],
    }


@api.get(
    "/suppliers/{supplier_id}/training",
    response={200: TrainingPage, **ERRORS},
    tags=["training records"],
)
def supplier_training(request, supplier_id: int, paging: Query[Paging]):
    """Who of the supplier's people was trained in what: enrolments, completion and the
    class sessions attended."""
    factory = _supplier_for(request, supplier_id, SharingScope.TRAINING)
    page, size, start = _slice(paging)
    lines = shared.training_lines(factory=factory)
    count = lines.count()
    _log(request, [factory.pk], SharingScope.TRAINING)
    return {
        "count": count,
        "page": page,
        "page_size": size,
        "results": [
            {
                "person_id": line.learner_id,
                "person": str(line.learner),
                "course": line.course.title,
                "enrolled_at": line.enrolled_at,
                "completed_at": line.completed_at,
                "sessions_attended": line.sessions_attended,
            }
            for line in lines[start : start + size]
        ],
    }


@api.get(
    "/suppliers/{supplier_id}/certificates",
    response={200: list[CertificateOut], **ERRORS},
    tags=["training records"],
)
def supplier_certificates(request, supplier_id: int):
    """Certificates held by the supplier's people."""
    factory = _supplier_for(request, supplier_id, SharingScope.TRAINING)
    _log(request, [factory.pk], SharingScope.TRAINING)
    return sharing.certificates_for(factory.organisation_id)
