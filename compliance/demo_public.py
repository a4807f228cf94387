"""Demo content of public reporting and the labour administration: Vietnam's and Jordan's
rules of publication (factories named after two published assessments, as in the
programme), so the demo factories with their two published cycles are public; one approved
factory response and one awaiting the staff's approval; a labour inspector and a union
member in Vietnam, with their organisations.

Idempotent: it looks for what it made last time before it makes anything.
"""

from django.db import transaction

from compliance import responses
from compliance.demo import _person
from compliance.models import FactoryResponse, PublicReportingRule
from lms.accounts.models import Organisation, User
from lms.taxonomy.models import Country

RESPONSES = [
    # factory, the statement, approved by the country's staff?
    (
        "Saigon Garment Co.",
        "We cleared the blocked exit on the second floor, marked the route on the floor and "
        "check it at the start of every shift.",
        True,
    ),
    (
        "Dong Nai Footwear Ltd.",
        "The committee agreed a new written procedure, trained the supervisors on it and posted "
        "it in Vietnamese at every line.",
        False,
    ),
]


def load() -> None:
    with transaction.atomic():
        rules = {
            code: PublicReportingRule.objects.get_or_create(
                country=Country.objects.canonical().get(code=code),
                defaults={
                    "min_published_assessments": 2,
                    "inspector_access": PublicReportingRule.InspectorAccess.FULL_REPORTS
                    if code == "vn"
                    else PublicReportingRule.InspectorAccess.PUBLIC_ISSUES,
                },
            )[0]
            for code in ("vn", "jo")
        }
        load_people(rules["vn"].country)
    for factory_name, text, approved in RESPONSES:
        with transaction.atomic():
            load_response(factory_name, text, approved=approved)


def load_people(vietnam) -> None:
    ministry, _created = Organisation.objects.get_or_create(
        name="Department of Labour Inspection (demo)",
        country=vietnam,
        defaults={"kind": Organisation.Kind.LABOUR_ADMINISTRATION},
    )
    union, _created = Organisation.objects.get_or_create(
        name="Garment Workers' Union (demo)",
        country=vietnam,
        defaults={"kind": Organisation.Kind.UNION},
    )
    inspector = _person("inspector.vn", "Trần Quốc Bảo", ["labour_inspector"], vietnam, "vi")
    member = _person("union.vn", "Lê Thị Hạnh", ["social_partner"], vietnam, "vi")
    User.objects.filter(pk=inspector.pk).update(organisation=ministry)
    User.objects.filter(pk=member.pk).update(organisation=union)


def load_response(factory_name: str, text: str, *, approved: bool) -> None:
    from compliance.models import Factory

    factory = (
        Factory.objects.filter(organisation__name=factory_name)
        .select_related("organisation__country")
        .first()
    )
    if factory is None or FactoryResponse.objects.filter(factory=factory).exists():
        return
    finding = responses.respondable_findings(factory=factory).first()
    if finding is None:
        return
    writer = (
        User.objects.filter(organisation=factory.organisation, roles__code="manager").first()
        or User.objects.filter(committee_memberships__factory=factory).first()
    )
    response = responses.factory_response_submit(finding=finding, text=text, user=writer)
    if approved:
        staff = (
            User.objects.filter(username=f"staff.{factory.organisation.country.code}").first()
            or User.objects.filter(username="admin").first()
        )
        responses.factory_response_approve(response=response, user=staff)
