"""The buyers' read API: keys (made, hashed, revoked), every endpoint refused without a live
grant (anonymous, another buyer, a grant withdrawn a second ago), the access log written for
each read, pagination, the rate limit per key, queries constant in the number of suppliers,
and the OpenAPI document validated by an independent validator."""

import pytest
from django.test import Client
from openapi_spec_validator import validate

from compliance import sharing
from compliance.models import AccessLogEntry, BuyerToken, SharingScope
from lms.accounts.services import user_roles_set
from tests.accounts.factories import UserFactory
from tests.compliance import sharing_world
from tests.compliance.factories import PlanActionFactory
from tests.compliance.sharing_world import ALL_SCOPES, granted_supplier, supplier

pytestmark = pytest.mark.django_db
world = sharing_world.world


def _key(user, name="ERP"):
    return sharing.buyer_token_create(user=user, name=name)[1]


def _get(path, key=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return Client().get(f"/api/v1{path}", params, **headers)


def _endpoints(world):
    a, report = world["factory_a"].pk, world["report"].pk
    return [
        (f"/suppliers/{a}", None),
        (f"/suppliers/{a}/assessments", SharingScope.REPORTS),
        (f"/assessments/{report}", SharingScope.REPORTS),
        (f"/suppliers/{a}/plan-actions", SharingScope.PLAN),
        (f"/suppliers/{a}/training", SharingScope.TRAINING),
        (f"/suppliers/{a}/certificates", SharingScope.TRAINING),
    ]


def test_the_key_is_shown_once_and_only_its_hash_is_stored(world):
    token, key = sharing.buyer_token_create(user=world["x1"], name="ERP")
    stored = BuyerToken.objects.get(pk=token.pk)
    assert key not in (stored.key_hash, stored.key_prefix)
    assert key.startswith(stored.key_prefix)
    assert len(stored.key_hash) == 64
    assert sharing.token_for_key(key) == stored


def test_only_buyers_users_make_keys(world):
    with pytest.raises(sharing.PermissionDenied):
        sharing.buyer_token_create(user=world["manager_a"], name="ERP")


def test_every_endpoint_answers_the_buyer_with_the_grant_and_logs_it(world):
    key = _key(world["x1"])
    for path, scope in _endpoints(world):
        before = AccessLogEntry.objects.count()
        response = _get(path, key)
        assert response.status_code == 200, path
        entry = AccessLogEntry.objects.order_by("-id").first()
        assert AccessLogEntry.objects.count() == before + 1, path
        assert entry.action == AccessLogEntry.Action.API
        assert entry.factory == world["factory_a"]
        assert entry.user == world["x1"]
        assert entry.token.name == "ERP"
        assert entry.scope == (scope or "")


def test_the_supplier_list_has_what_each_shares(world):
    response = _get("/suppliers", _key(world["x1"]))
    body = response.json()
    assert body["count"] == 2
    by_id = {item["id"]: item for item in body["results"]}
    a = by_id[world["factory_a"].pk]
    assert a["shared"] == sorted(ALL_SCOPES)
    assert a["latest_assessment"]["id"] == world["report"].pk
    assert a["latest_assessment"]["publicly_reported_issues_non_compliant"] == ["Child Labourers"]
    b = by_id[world["factory_b"].pk]
    assert b["shared"] == []
    assert b["latest_assessment"] is None
    assert b["plan"] is None
    # Only A's information was shown: one log entry, for A.
    assert list(AccessLogEntry.objects.values_list("factory_id", flat=True)) == [
        world["factory_a"].pk
    ]


def test_the_report_has_points_and_non_compliant_findings(world):
    body = _get(f"/assessments/{world['report'].pk}", _key(world["x1"])).json()
    assert {f["question"] for f in body["non_compliant_findings"]} == {"Q.1", "Q.2"}
    child = next(p for p in body["points"] if p["compliance_point"] == "child-labourers")
    assert child["publicly_reported_questions_non_compliant"] == 1


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Token abc"])
def test_without_a_valid_key_every_endpoint_says_401(world, header):
    for path, _scope in [("/suppliers", None), *_endpoints(world)]:
        extra = {"HTTP_AUTHORIZATION": header} if header else {}
        assert Client().get(f"/api/v1{path}", **extra).status_code == 401, path
    assert not AccessLogEntry.objects.exists()


def test_a_session_is_not_a_key(client, world, second_factor_for_everyone):
    client.force_login(world["x1"])
    assert client.get("/api/v1/suppliers").status_code == 401


def test_a_grant_withdrawn_a_second_ago_refuses_the_next_call(world):
    key = _key(world["x1"])
    scoped = [(p, s) for p, s in _endpoints(world) if s]
    for path, _scope in scoped:
        assert _get(path, key).status_code == 200
    sharing.grants_set(
        factory=world["factory_a"], buyer=world["buyer_x"], scopes=[], user=world["manager_a"]
    )
    before = AccessLogEntry.objects.count()
    for path, _scope in scoped:
        assert _get(path, key).status_code == 403, path
    assert AccessLogEntry.objects.count() == before
    body = _get("/suppliers", key).json()
    assert all(item["shared"] == [] for item in body["results"])


def test_another_buyer_reads_nothing(world):
    key = _key(world["y1"])  # listed by factory A, given nothing
    for path, scope in _endpoints(world):
        assert _get(path, key).status_code == (200 if scope is None else 403), path
    # Factory B does not list buyer Y: the same answer as a factory that does not exist.
    assert (
        _get(f"/suppliers/{world['factory_b'].pk}", key).json()
        == _get("/suppliers/999999", key).json()
    )
    assert _get(f"/suppliers/{world['factory_b'].pk}", key).status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_a_revoked_key_and_a_key_whose_maker_left_stop_at_once(world):
    key = _key(world["x1"])
    token = BuyerToken.objects.get()
    sharing.buyer_token_revoke(token=token, user=world["x1"])
    assert _get("/suppliers", key).status_code == 401
    other = UserFactory(organisation=world["buyer_x"], roles=["buyer"])
    key = _key(other)
    user_roles_set(user=other, roles=[])
    assert _get("/suppliers", key).status_code == 401
    key = _key(world["x1"])
    world["x1"].organisation = world["factory_a"].organisation
    world["x1"].save()
    assert _get("/suppliers", key).status_code == 401


def test_another_buyer_cannot_revoke_a_key(world):
    _key(world["x1"])
    with pytest.raises(sharing.PermissionDenied):
        sharing.buyer_token_revoke(token=BuyerToken.objects.get(), user=world["y1"])


def test_lists_are_paginated(world):
    for _ in range(3):
        supplier("vn", world["buyer_x"])
    key = _key(world["x1"])
    first = _get("/suppliers", key, page=1, page_size=2).json()
    second = _get("/suppliers", key, page=3, page_size=2).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert len(second["results"]) == 1
    assert _get("/suppliers", key, page_size=10_000).json()["page_size"] == 200


def test_the_rate_limit_is_per_key(world, settings):
    settings.BUYER_API_RATE = "3/d"  # a day: the window never turns during the test
    key, other = _key(world["x1"]), _key(world["x1"], name="BI")
    assert [_get("/suppliers", key).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert _get("/suppliers", other).status_code == 200


def test_api_list_queries_do_not_grow_with_suppliers(world, django_assert_max_num_queries):
    key = _key(world["x1"])
    _get("/suppliers", key)  # warm what each process keeps
    counts = []
    for suppliers, added in ((2, 2), (10, 8)):
        for _ in range(added):
            granted_supplier("vn", world["buyer_x"])
        # Issue 14: at most ten, the same with five times the suppliers.
        with django_assert_max_num_queries(10) as captured:
            body = _get("/suppliers", key).json()
        assert body["count"] == suppliers + 2
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_plan_actions_page_queries_do_not_grow(world, django_assert_max_num_queries):
    plan = PlanActionFactory(plan__factory=world["factory_a"]).plan
    key = _key(world["x1"])
    url = f"/suppliers/{world['factory_a'].pk}/plan-actions"
    _get(url, key)  # warm what each process keeps
    counts = []
    for actions in (2, 12):
        while plan.actions.count() < actions:
            PlanActionFactory(plan=plan)
        with django_assert_max_num_queries(10) as captured:
            body = _get(url, key).json()
        assert body["count"] == actions
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_openapi_document_is_served_and_valid(world):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["info"]["version"] == "1"
    paths = document["paths"]
    assert "/api/v1/suppliers" in paths
    assert "/api/v1/assessments/{assessment_id}" in paths
    assert any(
        scheme.get("scheme") == "bearer"
        for scheme in document["components"]["securitySchemes"].values()
    )
