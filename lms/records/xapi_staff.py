"""Staff read statements by country, course and cohort (``/xapi/staff/statements``): the
xAPI query (every filter, ``more`` paging) over the people of the staff member's scope —
global staff anyone's, country staff their own country's — after the second factor
(``others_data``). Courses and cohorts are resolved by the room that owns them
(``lms.records.activities.register_statement_group``)."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lms.accounts.exposure import others_data
from lms.accounts.selectors import country_scope
from lms.records.activities import statement_groups
from lms.records.xapi_query import QueryError, statement_json, statements_query
from lms.records.xapi_statements import consistent_through
from lms.records.xapi_version import CONSISTENT_THROUGH

GROUP_PARAMS = ("country", "course", "cohort")


@dataclass
class StaffReader:
    condition: Q
    can_read = True
    client = None

    def scope_filter(self) -> Q:
        return self.condition


def _error(status, message):
    return JsonResponse({"error": "invalid_query", "detail": message}, status=status)


@others_data
def staff_statements(request):
    scope = country_scope(request.user)
    if scope is False:
        return _error(403, _("Only programme staff read other people's learning records."))
    params = request.GET.copy()
    groups = {name: params.pop(name)[-1] for name in GROUP_PARAMS if name in params}
    condition = Q(actor__is_active=True)
    if scope is not None:
        condition &= Q(actor__country_id=scope)
    if "country" in groups:
        condition &= Q(actor__country__code__iexact=groups["country"])
    resolvers = statement_groups()
    for name in ("course", "cohort"):
        if name not in groups:
            continue
        group = resolvers[name](groups[name]) if name in resolvers else None
        if group is None:
            return _error(
                400, _("There is no %(name)s %(key)s.") % {"name": name, "key": groups[name]}
            )
        condition &= group
    try:
        page = statements_query(principal=StaffReader(condition), params=params)
    except QueryError as error:
        return _error(400, error.message)
    statements = [statement_json(row) for row in page["rows"]]
    more = ""
    if page["more"]:
        more = f"{request.path}?{urlencode({**groups, 'more': page['more']})}"
    response = HttpResponse(
        JsonResponse({"statements": statements, "more": more}).content,
        content_type="application/json",
    )
    response[CONSISTENT_THROUGH] = consistent_through()
    return response
