"""The portal under load: the home page (and its weight), browse by country and by topic,
search, and a learner's start page, on a site with a few thousand published pages.

prepare() loads the foundation's demo content (home page in en, vi and ar, sections,
country programme pages, organisations), then generates BENCH_PORTAL_ARTICLES (default
2,000) English articles spread over the sections and country pages, tagged with countries,
sectors, clusters and compliance points, a Vietnamese translation of every fifth and an
Arabic one of every tenth, and BENCH_PORTAL_PEOPLE (default 500) workers. The pages are
written with bulk inserts (tree paths computed here), then indexed for search in bulk: the
first run takes seconds, the second finds everything in place and does nothing.
"""

import os
import random
import uuid
from datetime import UTC, datetime, timedelta

from bench.harness import BROWSER_ENCODINGS, PASSWORD, HttpScenario, TaskScenario

ARTICLES = int(os.environ.get("BENCH_PORTAL_ARTICLES", 2000))
PEOPLE = int(os.environ.get("BENCH_PORTAL_PEOPLE", 500))
LEARNER = "bench.learner"
SLUG_PREFIX = "bench-article-"
PARENT_SLUGS = ["training", "worker-awareness", "resources"]
COUNTRY_CODES = ["vn", "jo", "bd", "kh"]
VI_EVERY = 5
AR_EVERY = 10
SEARCH_WORD = "safety"  # in about a quarter of the titles and summaries

FORMATS = [
    ("Guide", "Hướng dẫn", "دليل"),
    ("Checklist", "Danh mục kiểm tra", "قائمة تحقق"),
    ("Model policy", "Chính sách mẫu", "سياسة نموذجية"),
    ("Seminar notes", "Ghi chú hội thảo", "ملاحظات الندوة"),
    ("Supervisor toolkit", "Bộ công cụ tổ trưởng", "حقيبة أدوات المشرف"),
    ("Case study", "Nghiên cứu điển hình", "دراسة حالة"),
]
ANGLES = [
    "what workers should know",
    "a step-by-step approach for factory managers",
    "how to run a bipartite committee meeting",
    "common findings and how to remediate them",
    "a workplace safety walk in twenty minutes",
    "questions supervisors ask most",
    "keeping records that pass an assessment",
    "lessons from three factories",
]
SUMMARY = (
    "{format} on {topic} for {sector} factories: {angle}. Prepared with the country "
    "programme's advisors and tested in training sessions with workers and managers."
)
BODY = (
    "<p>{summary}</p><h2>Why it matters</h2><p>Assessments find problems with {topic} in "
    "many {sector} factories every cycle. Workers, supervisors and managers each have a "
    "part to play, and the enterprise advisor can help the committee plan the work.</p>"
    "<h2>What to do</h2><ol><li>Read the national law and the factory's own policy.</li>"
    "<li>Walk the floor with a worker representative and note what you see.</li>"
    "<li>Agree on actions, owners and dates in the committee.</li>"
    "<li>Check progress at the next meeting and tell workers what changed.</li></ol>"
)


def prepare() -> None:
    from django.db import transaction

    from lms.portal import demo

    with transaction.atomic():
        if not _site_ready():
            demo.load()
    _generate_articles()
    _generate_people()


def _site_ready() -> bool:
    """Has the foundation's demo content been loaded (sections and country pages)?"""
    from lms.portal.models import CountryPage, SectionPage

    sections = SectionPage.objects.filter(slug__in=PARENT_SLUGS, locale__language_code="en")
    countries = CountryPage.objects.filter(locale__language_code="en")
    return sections.count() == len(PARENT_SLUGS) and countries.count() >= len(COUNTRY_CODES)


def _parents(language: str) -> list:
    from lms.portal.models import CountryPage, SectionPage

    sections = {
        p.slug: p
        for p in SectionPage.objects.filter(slug__in=PARENT_SLUGS, locale__language_code=language)
    }
    countries = {
        p.country.code: p
        for p in CountryPage.objects.filter(locale__language_code=language).select_related(
            "country"
        )
    }
    return [sections.get(s) for s in PARENT_SLUGS] + [countries.get(c) for c in COUNTRY_CODES]


def _article_spec(number: int, terms: dict) -> dict:
    """A deterministic article: the same number always yields the same page."""
    rng = random.Random(number)
    cluster = terms["clusters"][number % len(terms["clusters"])]
    sector = terms["sectors"][(number // 7) % len(terms["sectors"])]
    fmt = FORMATS[number % len(FORMATS)]
    angle = ANGLES[(number // 3) % len(ANGLES)]
    parent_index = number % (len(PARENT_SLUGS) + len(COUNTRY_CODES))
    if parent_index >= len(PARENT_SLUGS):
        countries = [terms["countries"][COUNTRY_CODES[parent_index - len(PARENT_SLUGS)]]]
    elif number % 6 == 0:
        countries = []  # serves every country
    else:
        countries = rng.sample(list(terms["countries"].values()), k=1 + number % 2)
    points = terms["points"].get(cluster.pk, [])
    summary = SUMMARY.format(
        format=fmt[0], topic=cluster.name, sector=sector.name.lower(), angle=angle
    )
    return {
        "number": number,
        "parent_index": parent_index,
        "slug": f"{SLUG_PREFIX}{number:05d}",
        "title": f"{fmt[0]}: {cluster.name} — {angle}",
        "title_vi": f"{fmt[1]}: {terms['cluster_names']['vi'].get(cluster.code, cluster.name)}",
        "title_ar": f"{fmt[2]}: {terms['cluster_names']['ar'].get(cluster.code, cluster.name)}",
        "summary": summary,
        "body": BODY.format(summary=summary, topic=cluster.name, sector=sector.name.lower()),
        "published": datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=number * 7),
        "countries": countries,
        "sector": sector,
        "cluster": cluster,
        "points": rng.sample(points, k=min(len(points), 1 + number % 3)) if points else [],
        "minutes": 3 + number % 12,
    }


def _terms() -> dict:
    from lms.taxonomy.models import Cluster, CompliancePoint, Country, Sector

    points: dict[int, list] = {}
    for point in CompliancePoint.objects.canonical():
        points.setdefault(point.cluster_id, []).append(point)
    names = {}
    for language in ("vi", "ar"):
        names[language] = dict(
            Cluster.objects.filter(locale__language_code=language).values_list("code", "name")
        )
    return {
        "clusters": list(Cluster.objects.canonical().order_by("sort_order", "code")),
        "sectors": list(Sector.objects.canonical().order_by("code")),
        "countries": {c.code: c for c in Country.objects.canonical()},
        "points": points,
        "cluster_names": names,
    }


def _generate_articles() -> None:
    from django.db import transaction
    from wagtail.models import Locale

    from bench.pages.models import BenchArticlePage

    terms = _terms()
    wanted = {
        "en": range(ARTICLES),
        "vi": range(0, ARTICLES, VI_EVERY),
        "ar": range(0, ARTICLES, AR_EVERY),
    }
    for language, numbers in wanted.items():
        locale = Locale.objects.get(language_code=language)
        existing = set(
            BenchArticlePage.objects.filter(
                locale=locale, slug__startswith=SLUG_PREFIX
            ).values_list("slug", flat=True)
        )
        missing = [n for n in numbers if f"{SLUG_PREFIX}{n:05d}" not in existing]
        if not missing:
            continue
        keys = {}
        if language != "en":
            keys = dict(
                BenchArticlePage.objects.filter(
                    locale__language_code="en", slug__startswith=SLUG_PREFIX
                ).values_list("slug", "translation_key")
            )
        specs = [_article_spec(n, terms) for n in missing]
        with transaction.atomic():
            _bulk_create_articles(specs, language, locale, keys)


def _bulk_create_articles(specs: list[dict], language: str, locale, keys: dict) -> None:
    """Insert the pages table by table (a Page row, its BasePage row, its article row),
    their tags, then their search index entries, in batches."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import F
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend

    from bench.pages.models import BenchArticlePage
    from lms.taxonomy.models import BasePage

    parents = _parents(language)
    content_type = ContentType.objects.get_for_model(BenchArticlePage)
    by_parent: dict[int, list[dict]] = {}
    for spec in specs:
        if parents[spec["parent_index"]] is not None:
            by_parent.setdefault(spec["parent_index"], []).append(spec)

    created: list[tuple[BenchArticlePage, dict]] = []
    for parent_index, group in by_parent.items():
        parent = Page.objects.get(pk=parents[parent_index].pk)
        last = parent.get_last_child()
        step = int(last.path[-Page.steplen :], 36) if last else 0
        for spec in group:
            step += 1
            title = spec["title"] if language == "en" else spec[f"title_{language}"]
            page = BenchArticlePage(
                path=Page._get_path(parent.path, parent.depth + 1, step),
                depth=parent.depth + 1,
                numchild=0,
                title=title,
                draft_title=title,
                slug=spec["slug"],
                url_path=f"{parent.url_path}{spec['slug']}/",
                content_type=content_type,
                locale=locale,
                translation_key=keys.get(spec["slug"], uuid.uuid4()),
                live=True,
                has_unpublished_changes=False,
                first_published_at=spec["published"],
                last_published_at=spec["published"],
                summary=spec["summary"] if language == "en" else title,
                body=spec["body"],
                reading_minutes=spec["minutes"],
            )
            created.append((page, spec))
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(group))

    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    rows = Page.objects.bulk_create(
        [Page(**{f.attname: getattr(page, f.attname) for f in page_fields}) for page, _ in created],
        batch_size=500,
    )
    for (page, _spec), row in zip(created, rows, strict=True):
        page.id = page.pk = row.pk
        page.page_ptr_id = row.pk
        page.basepage_ptr_id = row.pk
    pages = [page for page, _ in created]
    for model in (BasePage, BenchArticlePage):
        model._base_manager.all()._batched_insert(pages, model._meta.local_concrete_fields, 500)

    tags = {
        "countries": [(page, c) for page, spec in created for c in spec["countries"]],
        "sectors": [(page, spec["sector"]) for page, spec in created],
        "clusters": [(page, spec["cluster"]) for page, spec in created],
        "compliance_points": [(page, p) for page, spec in created for p in spec["points"]],
    }
    for relation, pairs in tags.items():
        through = getattr(BasePage, relation).through
        target = getattr(BasePage, relation).field.m2m_reverse_field_name()
        source = getattr(BasePage, relation).field.m2m_field_name()
        through.objects.bulk_create(
            [through(**{f"{source}_id": page.pk, f"{target}_id": term.pk}) for page, term in pairs],
            batch_size=500,
        )

    backend = get_search_backend()
    for start in range(0, len(pages), 500):
        backend.add_bulk(
            BenchArticlePage,
            list(
                BenchArticlePage.objects.filter(pk__in=[p.pk for p in pages[start : start + 500]])
            ),
        )


def _generate_people() -> None:
    from django.contrib.auth.hashers import make_password

    from lms.accounts.models import Organisation, Role, User
    from lms.accounts.services import user_create
    from lms.taxonomy.models import Country

    countries = {c.code: c for c in Country.objects.canonical()}
    if not User.objects.filter(username=LEARNER).exists():
        organisation = Organisation.objects.filter(country__code="vn").order_by("pk").first()
        user_create(
            username=LEARNER,
            password=PASSWORD,
            display_name="Võ Thị Hoa",
            roles=["worker"],
            country=countries["vn"],
            organisation=organisation,
            sector=organisation.sector if organisation else None,
            preferred_language="en",
            gender="woman",
        )
    existing = set(
        User.objects.filter(username__startswith="bench.worker.").values_list("username", flat=True)
    )
    missing = [n for n in range(PEOPLE) if f"bench.worker.{n:05d}" not in existing]
    if not missing:
        return
    organisations = list(Organisation.objects.select_related("country", "sector"))
    password = make_password(PASSWORD)
    users = []
    for n in missing:
        organisation = organisations[n % len(organisations)] if organisations else None
        users.append(
            User(
                username=f"bench.worker.{n:05d}",
                password=password,
                display_name=f"Bench worker {n}",
                country=organisation.country if organisation else countries["vn"],
                organisation=organisation,
                sector=organisation.sector if organisation else None,
                preferred_language=["vi", "ar", "bn", "km", "en"][n % 5],
                gender=["woman", "woman", "woman", "man", ""][n % 5],
            )
        )
    created = User.objects.bulk_create(users, batch_size=500)
    worker = Role.objects.get(code="worker")
    User.roles.through.objects.bulk_create(
        [User.roles.through(user_id=u.pk, role_id=worker.pk) for u in created], batch_size=500
    )


# A cookie the page cache does not know: the page is rendered as for a visitor with a
# session, so the "rendered" scenarios measure the work the cache saves.
RENDERED = {"Cookie": "bench_render=1"}


def scenarios() -> list[HttpScenario]:
    from django.templatetags.static import static

    return [
        # The yardstick of the page cache: a static file through the same gunicorn
        # (whitenoise), and the small web manifest view (bench/scenarios/media.py).
        HttpScenario("portal.static-file", static("css/site.css"), requests=300),
        HttpScenario(
            "portal.static-file.compressed",
            static("css/site.css"),
            headers=BROWSER_ENCODINGS,
            requests=300,
        ),
        HttpScenario(
            "portal.home.en", "/en/", measure_weight=True, weight_budget_kb=60, requests=300
        ),
        HttpScenario("portal.home.en.rendered", "/en/", headers=RENDERED, requests=200),
        HttpScenario("portal.home.en.compressed", "/en/", headers=BROWSER_ENCODINGS, requests=300),
        HttpScenario("portal.home.ar", "/ar/", measure_weight=True, requests=200),
        HttpScenario("portal.browse.country", "/en/browse/country/vn/", requests=200),
        HttpScenario(
            "portal.browse.country.rendered",
            "/en/browse/country/vn/",
            headers=RENDERED,
            requests=100,
        ),
        HttpScenario("portal.browse.topic", "/en/browse/topic/osh/", requests=200),
        HttpScenario(
            "portal.browse.filtered", "/en/browse/?country=jo&sector=garment&page=2", requests=200
        ),
        HttpScenario("portal.search.common", f"/en/search/?q={SEARCH_WORD}", requests=200),
        HttpScenario("portal.search.none", "/en/search/?q=zyxwvut+quasar", requests=200),
        HttpScenario("portal.article", f"/en/training/{SLUG_PREFIX}00000/", measure_weight=True),
        HttpScenario(
            "portal.article.rendered", f"/en/training/{SLUG_PREFIX}00000/", headers=RENDERED
        ),
        HttpScenario("portal.dashboard", "/en/my/", login=LEARNER, requests=200),
    ]


def _rebuild_search_index() -> None:
    from wagtail.search.backends import get_search_backend

    from bench.pages.models import BenchArticlePage

    backend = get_search_backend()
    pages = list(BenchArticlePage.objects.all())
    for start in range(0, len(pages), 500):
        backend.add_bulk(BenchArticlePage, pages[start : start + 500])


def _render_sitemap() -> None:
    from django.test import Client

    response = Client(HTTP_HOST="127.0.0.1").get("/sitemap.xml")
    if response.status_code != 200:
        raise RuntimeError(f"sitemap.xml answered {response.status_code}")


def tasks() -> list[TaskScenario]:
    from wagtail.models import Page

    from bench.pages.models import BenchArticlePage

    return [
        TaskScenario(
            "portal.search-index.articles",
            _rebuild_search_index,
            units=BenchArticlePage.objects.count(),
        ),
        TaskScenario(
            "portal.sitemap", _render_sitemap, units=Page.objects.live().filter(depth__gt=1).count()
        ),
    ]
