"""The transparency portal under load, anonymous, on the compliance room's data set
(BENCH_COMPLIANCE_FACTORIES factories × BENCH_COMPLIANCE_CYCLES published cycles × 250
answers, shared with bench/scenarios/compliance.py) with Vietnam's public reporting rule
(factories named after two published assessments): a public factory page, the country
page, the searchable list and the open data, each from the page cache, and the factory
page rendered afresh (a cookie that is not neutral bypasses the cache) to see what a miss
costs. Run with ``--only portal transparency`` to get the ratio to a static file (the
target: at least 0.7x)."""

import os

from bench.harness import BROWSER_ENCODINGS, HttpScenario

FACTORIES = int(os.environ.get("BENCH_COMPLIANCE_FACTORIES", 2_000))
CYCLES = int(os.environ.get("BENCH_COMPLIANCE_CYCLES", 5))
RENDERED = {"Cookie": "bench_render=1"}


def prepare() -> None:
    from bench.datasets.compliance import compliance_data_build
    from compliance.models import PublicReportingRule
    from lms.taxonomy.models import Country

    compliance_data_build(factories=FACTORIES, cycles=CYCLES)
    PublicReportingRule.objects.get_or_create(
        country=Country.objects.canonical().get(code="vn"),
        defaults={"min_published_assessments": 2},
    )


def _factory():
    from bench.datasets.compliance import PREFIX
    from compliance.models import Factory

    return Factory.objects.filter(organisation__name__startswith=PREFIX).order_by("pk").first()


def scenarios() -> list[HttpScenario]:
    factory = _factory()
    page = f"/en/transparency/factories/{factory.pk}/"
    return [
        HttpScenario("transparency.factory", page, requests=300),
        HttpScenario("transparency.factory.ar", page.replace("/en/", "/ar/"), requests=200),
        HttpScenario("transparency.factory.rendered", page, headers=RENDERED, requests=60),
        HttpScenario("transparency.country", "/en/transparency/vn/", requests=200),
        HttpScenario(
            "transparency.factories.search",
            "/en/transparency/vn/factories/?q=00042",
            requests=200,
        ),
        HttpScenario("transparency.open_data.csv", "/en/transparency/vn/data.csv", requests=100),
        # As browsers ask: compressed, held against the static file asked the same way.
        HttpScenario(
            "transparency.country.compressed",
            "/en/transparency/vn/",
            headers=BROWSER_ENCODINGS,
            requests=200,
        ),
        HttpScenario(
            "transparency.open_data.csv.compressed",
            "/en/transparency/vn/data.csv",
            headers=BROWSER_ENCODINGS,
            requests=200,
        ),
    ]
