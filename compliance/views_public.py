"""The transparency portal: anonymous pages that name factories and their compliance on the
publicly reported issues, as each country's rules allow (compliance.publication), and the
same data as open data (CSV and JSON, CC BY 4.0).

Every page is kept by the shared page cache (lms.page_cache) and says ``Cache-Control:
public``; a new content generation starts when an assessment is published, a factory's
response is approved or refused, or a country's rules change, so nothing stale is served.
No page shows anything about a person.
"""

import csv
import io
import json

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from compliance import publication
from compliance.models import Factory, FactoryResponse
from compliance.trend_chart import trend_chart
from lms.accounts.exposure import public_data
from lms.page_cache import public_page_cache
from lms.private_files import private_file_response
from lms.spreadsheets import safe_rows
from lms.taxonomy.models import Country, Sector
from lms.taxonomy.selectors import term_by_code, terms_in_language

PAGE_SIZE = 50


def _public(response):
    """Shared caches may keep the answer briefly; browsers ask again each time, so a
    withdrawn issue or factory disappears at once."""
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_CDN_SECONDS)
    return response


def _country_and_rule(code):
    country = get_object_or_404(Country.objects.canonical(), code=code)
    rule = publication.rule_for(country)
    if rule is None:
        raise Http404
    return country, rule


def _rtl() -> bool:
    return get_language() in settings.RTL_LANGUAGES


@public_data
@public_page_cache
@require_GET
def index(request):
    """The countries whose factories are named publicly."""
    countries = publication.public_countries()
    names = terms_in_language(model=Country)
    for item in countries:
        item["name"] = names.get(item["country"].code, item["country"])
    return _public(render(request, "compliance/public/index.html", {"countries": countries}))


@public_data
@public_page_cache
@require_GET
def country(request, code):
    """A country's aggregate: the share of named factories non-compliant on each public
    issue, and its trend by year."""
    country, rule = _country_and_rule(code)
    report = publication.country_public_report(country=country, rule=rule)
    context = {
        "country": country,
        "country_name": term_by_code(model=Country, code=code),
        "rule": rule,
        "report": report,
        "chart": trend_chart(report["any_by_year"], rtl=_rtl()),
        "licence_name": publication.LICENCE_NAME,
        "licence_url": publication.LICENCE_URL,
    }
    return _public(render(request, "compliance/public/country.html", context))


@public_data
@public_page_cache
@require_GET
def factory_list(request, code):
    """The factories named in a country, searchable by name and filtered by sector."""
    country, rule = _country_and_rule(code)
    query = request.GET.get("q", "").strip()[:100]
    sector = request.GET.get("sector", "").strip()[:50]
    sectors = terms_in_language(model=Sector)
    if sector not in sectors:
        sector = ""
    factories = publication.public_factory_list(
        country=country, rule=rule, query=query, sector_code=sector
    )
    page = Paginator(factories, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "country": country,
        "country_name": term_by_code(model=Country, code=code),
        "factories": page,
        "query": query,
        "sector": sector,
        "sectors": sorted(sectors.items(), key=lambda kv: str(kv[1])),
        "sector_names": sectors,
    }
    return _public(render(request, "compliance/public/factory_list.html", context))


@public_data
@public_page_cache
@require_GET
def factory(request, pk):
    """A named factory: each public issue compliant or not in its latest published
    assessment, the history over cycles, and its own approved statements."""
    item = get_object_or_404(
        Factory.objects.select_related("organisation__country", "organisation__sector"), pk=pk
    )
    rule = publication.rule_for(item.organisation.country)
    report = publication.factory_public_report(factory=item, rule=rule) if rule else None
    if report is None:
        raise Http404
    organisation = item.organisation
    context = report | {
        "country_name": term_by_code(model=Country, code=organisation.country.code),
        "sector_name": (
            term_by_code(model=Sector, code=organisation.sector.code)
            if organisation.sector_id
            else None
        ),
    }
    return _public(render(request, "compliance/public/factory.html", context))


@public_data
@require_GET
def response_photo(request, pk):
    """The photo of an approved response while its finding is still shown (the latest
    published assessment): nothing else is reachable from here."""
    response = get_object_or_404(
        FactoryResponse.objects.select_related("factory__organisation__country", "finding"),
        pk=pk,
        state=FactoryResponse.State.APPROVED,
    )
    factory_ = response.factory
    if not response.photo or response.finding.assessment_id != factory_.latest_published_id:
        raise Http404
    rule = publication.rule_for(factory_.organisation.country)
    published = publication.public_factories(
        country=factory_.organisation.country, rule=rule
    ).filter(pk=factory_.pk)
    if not published.exists():
        raise Http404
    answer = private_file_response(
        response.photo,
        filename=f"response-{response.pk}.{response.photo.name.rpartition('.')[2]}",
        as_attachment=False,
        content_type=response.photo_content_type or None,
    )
    answer["X-Content-Type-Options"] = "nosniff"
    if "Cache-Control" not in answer:
        _public(answer)
    return answer


# --- open data -----------------------------------------------------------------------------------


def _open_data(request, code):
    country, rule = _country_and_rule(code)
    return country, publication.open_data_rows(country=country, rule=rule)


def _licence_link(response) -> None:
    response["Link"] = f'<{publication.LICENCE_URL}>; rel="license"'


@public_data
@public_page_cache
@require_GET
def open_data_csv(request, code):
    """The public data of a country's named factories as CSV (one row per factory and
    public issue of its latest published assessment); licence in the ``Link`` header and
    on the country page."""
    _country, rows = _open_data(request, code)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(publication.OPEN_DATA_COLUMNS)
    writer.writerows(safe_rows(rows))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="better-work-{code}-{get_language()}.csv"'
    _licence_link(response)
    return _public(response)


@public_data
@public_page_cache
@require_GET
def open_data_json(request, code):
    """The same data as JSON, with its licence and source stated in the document."""
    country, rows = _open_data(request, code)
    columns = publication.OPEN_DATA_COLUMNS
    body = {
        "licence": {"name": publication.LICENCE_NAME, "url": publication.LICENCE_URL},
        "source": request.build_absolute_uri(reverse("transparency:country", args=[country.code])),
        "attribution": "Better Work (ILO/IFC)",
        "country": country.code,
        "language": get_language(),
        "columns": columns,
        "rows": [dict(zip(columns, row, strict=True)) for row in rows],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    _licence_link(response)
    return _public(response)
