"""Buyer pages and the factory's sharing page: who may see what (anonymous, buyer with and
without a grant, a grant withdrawn a second ago, another buyer, another factory's manager,
another country's staff), the access log written for each buyer read, the second factor,
CSRF, exports parsed back and queries that do not grow with the number of suppliers."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from compliance import sharing
from compliance.models import AccessGrant, AccessLogEntry, AccessRequest, SharingScope
from tests.compliance import sharing_world
from tests.compliance.factories import published_assessment
from tests.compliance.sharing_world import (
    ALL_SCOPES,
    buyer_organisation,
    buyer_user,
    granted_supplier,
)

pytestmark = pytest.mark.django_db
world = sharing_world.world

# (url name, needs the scope, argument: "a" factory A, "report" A's report, None)
BUYER_PAGES = [
    ("compliance:buyer_supplier", None, "a"),
    ("compliance:buyer_plan", SharingScope.PLAN, "a"),
    ("compliance:buyer_training", SharingScope.TRAINING, "a"),
    ("compliance:buyer_report", SharingScope.REPORTS, "report"),
]


def _url(world, name, arg):
    if arg == "a":
        return reverse(name, args=[world["factory_a"].pk])
    if arg == "report":
        return reverse(name, args=[world["report"].pk])
    return reverse(name)


def _log_count(world, factory_key="factory_a"):
    return AccessLogEntry.objects.filter(factory=world[factory_key]).count()


@pytest.mark.parametrize(("name", "scope", "arg"), BUYER_PAGES)
def test_a_buyer_with_the_grant_reads_and_the_read_is_logged(
    client, world, second_factor_for_everyone, name, scope, arg
):
    client.force_login(world["x1"])
    before = _log_count(world)
    response = client.get(_url(world, name, arg))
    assert response.status_code == 200
    entry = AccessLogEntry.objects.filter(factory=world["factory_a"]).first()
    assert _log_count(world) == before + 1
    assert entry.user == world["x1"]
    assert entry.buyer == world["buyer_x"]
    assert entry.action == AccessLogEntry.Action.VIEW
    assert entry.scope == (scope or "")
    assert entry.what == _url(world, name, arg)


@pytest.mark.parametrize(("name", "scope", "arg"), [p for p in BUYER_PAGES if p[1]])
def test_a_grant_withdrawn_a_second_ago_closes_the_page_at_once(
    client, world, second_factor_for_everyone, name, scope, arg
):
    client.force_login(world["x1"])
    url = _url(world, name, arg)
    assert client.get(url).status_code == 200
    remaining = [s for s in ALL_SCOPES if s != scope]
    sharing.grants_set(
        factory=world["factory_a"],
        buyer=world["buyer_x"],
        scopes=remaining,
        user=world["manager_a"],
    )
    before = _log_count(world)
    assert client.get(url).status_code == 403
    assert _log_count(world) == before


@pytest.mark.parametrize(("name", "scope", "arg"), [p for p in BUYER_PAGES if p[1]])
@pytest.mark.parametrize("who", ["y1", "manager_b", "staff_jo", "staff_vn", "manager_a"])
def test_nobody_else_reads_a_buyer_page(
    client, world, second_factor_for_everyone, name, scope, arg, who
):
    """Another buyer (listed but given nothing), another factory's manager, staff of either
    country and even the factory's own manager: these pages are for the buyer granted."""
    client.force_login(world[who])
    assert client.get(_url(world, name, arg)).status_code in (403, 404)
    assert (
        not AccessLogEntry.objects.exists()
        or not AccessLogEntry.objects.filter(user=world[who]).exists()
    )


@pytest.mark.parametrize(("name", "scope", "arg"), BUYER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name, scope, arg):
    response = client.get(_url(world, name, arg))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_buyer_pages_need_the_second_factor(client, world):
    person = buyer_user(world["buyer_x"])  # no authenticator: the session has no second factor
    client.force_login(person)
    response = client.get(reverse("compliance:buyer_dashboard"))
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]
    assert not AccessLogEntry.objects.filter(user=person).exists()


def test_a_factory_that_shares_nothing_shows_only_its_name(
    client, world, second_factor_for_everyone
):
    client.force_login(world["x1"])
    factory_b = world["factory_b"]
    published_assessment(factory_b, non_compliant_codes=("Q.1",))
    response = client.get(reverse("compliance:buyer_supplier", args=[factory_b.pk]))
    assert response.status_code == 200
    assert "Ask for access" in response.text
    assert "Assessment reports</h2>" not in response.text
    for name in ("compliance:buyer_plan", "compliance:buyer_training"):
        assert client.get(reverse(name, args=[factory_b.pk])).status_code == 403
    assert not AccessLogEntry.objects.filter(factory=factory_b).exists()


def test_a_factory_that_does_not_list_the_buyer_does_not_exist_for_it(
    client, world, second_factor_for_everyone
):
    client.force_login(world["y1"])
    factory_b = world["factory_b"]
    assert client.get(reverse("compliance:buyer_supplier", args=[factory_b.pk])).status_code == 404
    dashboard = client.get(reverse("compliance:buyer_dashboard"))
    assert str(factory_b) not in dashboard.text
    assert str(world["factory_a"]) in dashboard.text


def test_the_dashboard_shows_suppliers_with_what_each_shares(
    client, world, second_factor_for_everyone
):
    client.force_login(world["x1"])
    response = client.get(reverse("compliance:buyer_dashboard"))
    assert response.status_code == 200
    rows = {row.factory.pk: row for row in response.context["rows"]}
    row_a, row_b = rows[world["factory_a"].pk], rows[world["factory_b"].pk]
    assert row_a.scopes == set(ALL_SCOPES)
    assert row_a.report.assessment == world["report"]
    # Q.1 (child labourers) is publicly reported and non-compliant; Q.2 is not reported.
    assert [str(p) for p in row_a.report.public_issues] == ["Child Labourers"]
    assert row_a.report.non_compliant_points == 2
    assert row_b.scopes == set()
    assert row_b.report is None
    assert row_b.plan is None
    # Read of A logged; nothing of B was shown.
    assert AccessLogEntry.objects.filter(factory=world["factory_a"], user=world["x1"]).exists()
    assert not AccessLogEntry.objects.filter(factory=world["factory_b"]).exists()


def test_the_dashboard_filters_by_country_and_cluster(client, world, second_factor_for_everyone):
    from tests.taxonomy.factories import cluster

    client.force_login(world["x1"])
    url = reverse("compliance:buyer_dashboard")
    only_jordan = client.get(url, {"country": "jo"}).context["rows"]
    assert [r.factory for r in only_jordan] == [world["factory_b"]]
    forced = cluster("forced-labour")
    rows = client.get(url, {"cluster": forced.pk}).context["rows"]
    row_a = next(r for r in rows if r.factory == world["factory_a"])
    # Only the coercion point (forced labour) counts under that cluster.
    assert row_a.report.non_compliant_points == 1
    assert row_a.report.public_issues == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_parses_back_and_is_logged_as_a_download(
    client, world, second_factor_for_everyone, fmt
):
    client.force_login(world["x1"])
    response = client.get(reverse("compliance:buyer_export", args=[fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode())))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [
            [("" if c is None else str(c)) for c in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    header, *body = rows
    assert header[0] == "factory"
    assert "publicly reported issues non-compliant" in header
    by_name = {row[0]: row for row in body}
    row_a = by_name[str(world["factory_a"])]
    assert row_a[header.index("points non-compliant")] == "2"
    assert row_a[header.index("publicly reported issues non-compliant")] == "Child Labourers"
    assert by_name[str(world["factory_b"])][header.index("shared")] == ""
    entry = AccessLogEntry.objects.get(factory=world["factory_a"])
    assert entry.action == AccessLogEntry.Action.DOWNLOAD


def test_the_export_neutralises_formulas(client, world, second_factor_for_everyone):
    factory_ = world["factory_a"]
    factory_.trading_name = '=HYPERLINK("http://evil")'
    factory_.save()
    client.force_login(world["x1"])
    response = client.get(reverse("compliance:buyer_export", args=["csv"]))
    assert "'=HYPERLINK" in response.content.decode()


def test_the_report_pdf_is_a_logged_download(client, world, second_factor_for_everyone):
    client.force_login(world["x1"])
    response = client.get(reverse("compliance:buyer_report_pdf", args=[world["report"].pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    entry = AccessLogEntry.objects.get(factory=world["factory_a"])
    assert (entry.action, entry.scope) == (AccessLogEntry.Action.DOWNLOAD, SharingScope.REPORTS)
    client.force_login(world["y1"])
    assert (
        client.get(reverse("compliance:buyer_report_pdf", args=[world["report"].pk])).status_code
        == 403
    )


def test_dashboard_queries_do_not_grow_with_suppliers(
    client, world, second_factor_for_everyone, django_assert_max_num_queries
):
    client.force_login(world["x1"])
    client.get(reverse("compliance:buyer_dashboard"))  # warm what each process keeps
    counts = []
    for suppliers, added in ((2, 2), (8, 6)):
        for _ in range(added):
            granted_supplier("vn", world["buyer_x"])
        # Issue 14: at most ten, the access log's insert included.
        with django_assert_max_num_queries(10) as captured:
            response = client.get(reverse("compliance:buyer_dashboard"))
        assert len(response.context["rows"]) == suppliers + 2
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- buyers ask, factories decide ---------------------------------------------------------------


def test_a_buyer_asks_and_the_factory_accepts_some_scopes(
    client, world, second_factor_for_everyone, mailoutbox, django_capture_on_commit_callbacks
):
    factory_b = world["factory_b"]
    client.force_login(world["x1"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("compliance:buyer_ask", args=[factory_b.pk]),
            {"scopes": ["reports", "plan"], "message": "For our audit programme"},
        )
    assert response.status_code == 302
    request = AccessRequest.objects.get(factory=factory_b)
    assert request.scopes == ["reports", "plan"]
    assert [m.to for m in mailoutbox] == [[world["manager_b"].email]]
    # Asking twice while waiting is refused with the reason.
    again = client.post(
        reverse("compliance:buyer_ask", args=[factory_b.pk]), {"scopes": ["training"]}
    )
    assert again.status_code == 400
    assert "already asked" in again.text
    client.force_login(world["manager_b"])
    page = client.get(reverse("compliance:sharing", args=[factory_b.pk]))
    assert "For our audit programme" in page.text
    decide = reverse("compliance:access_request_decide", args=[factory_b.pk, request.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"decision": "accept", "scopes": ["reports"]})
    request.refresh_from_db()
    assert request.state == AccessRequest.State.ACCEPTED
    assert sharing.live_scopes(factory_id=factory_b.pk, buyer_id=world["buyer_x"].pk) == {"reports"}
    # The buyer's user is told what is shared now.
    assert mailoutbox[-1].to == [world["x1"].email]


def test_a_request_with_nothing_chosen_is_shown_back(client, world, second_factor_for_everyone):
    client.force_login(world["x1"])
    response = client.post(
        reverse("compliance:buyer_ask", args=[world["factory_b"].pk]), {"message": "Please"}
    )
    assert response.status_code == 400
    assert "Please" in response.text
    assert not AccessRequest.objects.exists()


# --- the factory's side -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager_a", 200),
        ("staff_vn", 200),
        ("manager_b", 403),
        ("staff_jo", 403),
        ("x1", 403),
        ("y1", 403),
    ],
)
def test_who_reads_the_sharing_page_and_access_log(
    client, world, second_factor_for_everyone, who, status
):
    client.force_login(world[who])
    factory_a = world["factory_a"]
    assert client.get(reverse("compliance:sharing", args=[factory_a.pk])).status_code == status
    assert client.get(reverse("compliance:access_log", args=[factory_a.pk])).status_code == status


def test_anonymous_visitors_cannot_open_the_sharing_page(client, world):
    response = client.get(reverse("compliance:sharing", args=[world["factory_a"].pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_factory_reads_who_looked(client, world, second_factor_for_everyone):
    buyer_client = Client()
    buyer_client.force_login(world["x1"])
    buyer_client.get(reverse("compliance:buyer_report", args=[world["report"].pk]))
    client.force_login(world["manager_a"])
    response = client.get(reverse("compliance:access_log", args=[world["factory_a"].pk]))
    assert response.status_code == 200
    assert str(world["x1"]) in response.text
    assert reverse("compliance:buyer_report", args=[world["report"].pk]) in response.text


@pytest.mark.parametrize("who", ["staff_vn", "manager_b", "x1"])
def test_only_the_factorys_managers_grant(client, world, second_factor_for_everyone, who):
    client.force_login(world[who])
    factory_a = world["factory_a"]
    response = client.post(
        reverse("compliance:sharing", args=[factory_a.pk]),
        {"action": "set", "buyer": world["buyer_y"].pk, "scopes": ["reports"]},
    )
    assert response.status_code == 403
    assert not AccessGrant.objects.filter(buyer=world["buyer_y"]).exists()


def test_the_manager_grants_and_withdraws_at_once(client, world):
    client.force_login(world["manager_a"])
    factory_a = world["factory_a"]
    url = reverse("compliance:sharing", args=[factory_a.pk])
    client.post(url, {"action": "set", "buyer": world["buyer_y"].pk, "scopes": ["plan"]})
    assert sharing.live_scopes(factory_id=factory_a.pk, buyer_id=world["buyer_y"].pk) == {"plan"}
    client.post(url, {"action": "set", "buyer": world["buyer_x"].pk})
    assert sharing.live_scopes(factory_id=factory_a.pk, buyer_id=world["buyer_x"].pk) == set()
    withdrawn = AccessGrant.objects.filter(buyer=world["buyer_x"], withdrawn_at__isnull=False)
    assert withdrawn.count() == 3
    assert {g.withdrawn_by for g in withdrawn} == {world["manager_a"]}


def test_the_manager_adds_a_buyer_and_bad_input_is_shown_back(client, world):
    client.force_login(world["manager_b"])
    new_buyer = buyer_organisation("Brand Z")
    url = reverse("compliance:sharing", args=[world["factory_b"].pk])
    response = client.post(url, {"action": "add", "buyer": "999999", "scopes": ["reports"]})
    assert response.status_code == 400
    assert 'value="reports" checked' in response.text or "checked" in response.text
    client.post(url, {"action": "add", "buyer": new_buyer.pk, "scopes": ["training"]})
    assert world["factory_b"].buyer_links.filter(buyer=new_buyer).exists()
    assert sharing.live_scopes(factory_id=world["factory_b"].pk, buyer_id=new_buyer.pk) == {
        "training"
    }


def test_sharing_forms_need_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["manager_a"])
    response = client.post(
        reverse("compliance:sharing", args=[world["factory_a"].pk]),
        {"action": "set", "buyer": world["buyer_y"].pk, "scopes": ["plan"]},
    )
    assert response.status_code == 403
    assert not AccessGrant.objects.filter(buyer=world["buyer_y"]).exists()


# --- the other buyer pages: dashboard, exports, PDF, asking, API keys -----------------------------


def _other_buyer_pages(world):
    a, report = world["factory_a"].pk, world["report"].pk
    return [
        ("get", reverse("compliance:buyer_dashboard")),
        ("get", reverse("compliance:buyer_export", args=["csv"])),
        ("get", reverse("compliance:buyer_export", args=["xlsx"])),
        ("get", reverse("compliance:buyer_report_pdf", args=[report])),
        ("get", reverse("compliance:buyer_tokens")),
        ("post", reverse("compliance:buyer_ask", args=[a])),
    ]


@pytest.mark.parametrize("who", ["manager_b", "staff_jo", "staff_vn"])
def test_people_who_are_not_buyers_open_no_buyer_page(
    client, world, second_factor_for_everyone, who
):
    client.force_login(world[who])
    for method, url in _other_buyer_pages(world):
        assert getattr(client, method)(url, {"scopes": ["plan"]}).status_code == 403, url
    assert not AccessLogEntry.objects.exists()
    assert not AccessRequest.objects.exists()


def test_anonymous_visitors_open_no_buyer_page(client, world):
    for method, url in _other_buyer_pages(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


def test_a_buyer_makes_a_key_shown_once_and_another_buyer_cannot_revoke_it(
    client, world, second_factor_for_everyone
):
    from compliance.models import BuyerToken

    client.force_login(world["x1"])
    url = reverse("compliance:buyer_tokens")
    assert client.post(url, {"name": ""}).status_code == 400
    response = client.post(url, {"name": "Supplier database"})
    token = BuyerToken.objects.get()
    key = response.context["new_key"]
    assert key in response.text
    assert response["Cache-Control"] == "private, no-store"
    assert key not in client.get(url).text
    assert sharing.token_for_key(key) == token
    client.force_login(world["y1"])
    revoke = reverse("compliance:buyer_token_revoke", args=[token.pk])
    assert client.post(revoke).status_code == 404
    client.force_login(world["x1"])
    client.post(revoke)
    assert sharing.token_for_key(key) is None
