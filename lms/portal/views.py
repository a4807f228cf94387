"""The portal's own views: browse by language, country, sector and topic; search; the
learner's start page; robots.txt; error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from lms.accounts.exposure import own_data, public_data
from lms.page_cache import public_page_cache
from lms.portal import selectors
from lms.portal.result_cards import search_results_page
from lms.taxonomy.selectors import TERM_MODELS, term_by_code

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@public_data
@require_GET
@public_page_cache
def browse(request, facet: str = "", code: str = ""):
    preset = {}
    heading_term = None
    if facet:
        if facet == "language":
            if code not in LANGUAGE_CODES:
                raise Http404
        else:
            heading_term = term_by_code(model=TERM_MODELS[facet], code=code)
            if heading_term is None:
                raise Http404
        preset[facet] = code
    filters = selectors.BrowseFilters.from_query(request.GET, **preset)
    private = selectors.private_sections()
    context = {
        "filters": filters,
        "heading_term": heading_term,
        "facet": facet,
        "facet_code": code,
        "results": selectors.browse_results(
            filters=filters, page_number=request.GET.get("page"), private=private
        ),
        "facets": selectors.browse_facets(
            filters=filters, language_code=get_language(), private=private
        ),
        "language_names": dict(settings.LANGUAGES),
    }
    return render(request, "portal/browse.html", context)


@public_data
@require_GET
def search(request):
    raw_query = request.GET.get("q", "")
    query = " ".join(raw_query.split())[: settings.PORTAL_SEARCH_MAX_LENGTH]
    everywhere = request.GET.get("languages") == "all"
    results, cards = search_results_page(
        request=request,
        query=query,
        language_code=None if everywhere else get_language(),
        page_number=request.GET.get("page"),
    )
    return render(
        request,
        "portal/search.html",
        {
            "query": query,
            "query_was_cut": len(" ".join(raw_query.split())) > len(query),
            "everywhere": everywhere,
            "results": results,
            "cards": cards,
        },
    )


@own_data
@login_required
def dashboard(request):
    """The signed-in person's start page: their courses and classes (from courses) and
    their certificates and candidacies (certification's panel)."""
    from courses.page_context import my_learning_context

    return render(request, "portal/dashboard.html", my_learning_context(request))


@public_data
def admin_login_redirect(request):
    """Wagtail's own login forms (the admin's and the one for private pages) are replaced by
    allauth's, which rate-limits per account and per address and asks for the second factor."""
    target = reverse("account_login")
    fallback = "/admin/" if request.path_info.startswith("/admin/") else reverse("portal:dashboard")
    next_url = request.GET.get("next", fallback)
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = fallback
    return redirect(f"{target}?{urlencode({'next': next_url})}")


@public_data
@require_GET
@never_cache
@ensure_csrf_cookie
def csrf_cookie(request):
    """Sets the CSRF cookie for scripts on pages served from the shared page cache, which
    carry no token of their own (the media players' reach beacons)."""
    return HttpResponse(status=204)


@public_data
@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /*/accounts/",
        "Disallow: /api/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
