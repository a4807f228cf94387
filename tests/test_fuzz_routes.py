"""No route answers 500, whatever its parameters: every route of the URL configuration, with
generated parameters (hostile strings, huge numbers, unicode, slashes), as a visitor, a
worker and staff with a confirmed second factor.

Each route is requested once with sample parameters; then Hypothesis draws routes and
hostile parameters. ``FUZZ_EXAMPLES`` raises the number of draws (default small enough
for CI); the draws are derandomized, so a failure in CI repeats on a laptop."""

import os
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.accounts.factories import UserFactory, global_admin
from tests.conftest import confirm_second_factor
from tests.url_walk import SAMPLE_UUID, all_routes

pytestmark = pytest.mark.django_db

# Wagtail's page that fails on purpose, for superusers to try the error reports.
DELIBERATE_ERRORS = {"wagtailadmin_error_test"}
ROUTES = sorted((r for r in all_routes() if r.name not in DELIBERATE_ERRORS), key=lambda r: r.route)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))

HOSTILE = [
    "0",
    "-1",
    "9" * 30,
    str(2**63),
    str(2**31),
    "00000000000000000001",
    "%00",
    "\x00",
    "..",
    "../..",
    "a/b",
    "'\"><script>alert(1)</script>",
    "' OR 1=1 --",
    "‮evil",
    "Nguyễn",
    "العربية",
    "🙂" * 20,
    "x" * 2000,
    "null",
    "NaN",
    "1e309",
    SAMPLE_UUID,
    "00000000-0000-0000-0000-000000000000",
    "hide",
    "show",
    "en",
    "csv",
    "xlsx",
    "photo",
    "file",
    "pre",
    "post",
]


def value_for(regex: re.Pattern):
    """Values this parameter's pattern accepts: hostile samples first, then generated ones."""
    accepted = [v for v in HOSTILE if regex.fullmatch(v)]
    generated = st.from_regex(regex, fullmatch=True).filter(lambda v: len(v) < 3000)
    if accepted:
        return st.one_of(st.sampled_from(accepted), generated)
    return generated


def params_for(route):
    parameters = route.parameters()
    if not parameters:
        return st.just({})
    return st.fixed_dictionaries({name: value_for(regex) for name, regex in parameters})


@pytest.fixture
def clients():
    visitor = Client(raise_request_exception=False)
    worker = Client(raise_request_exception=False)
    worker.force_login(UserFactory(roles=["worker"]))
    staff = Client(raise_request_exception=False)
    person = global_admin(is_staff=True, is_superuser=True)
    staff.force_login(person)
    confirm_second_factor(staff, person)
    return {"visitor": visitor, "worker": worker, "staff": staff}


def answer(client, path):
    from urllib.parse import quote

    response = client.get(quote(path, safe="/:?=&%"), follow=False)
    return response.status_code


@pytest.mark.parametrize("who", ["visitor", "worker", "staff"])
def test_every_route_with_sample_parameters_answers_without_a_server_error(clients, who):
    errors = []
    for route in ROUTES:
        if (
            who != "staff"
            and route.route.startswith("admin/")
            and route.name != "wagtailadmin_login"
        ):
            # Visitors and workers are turned away before any admin view runs (sign-in, second
            # factor); the admin's views themselves are exercised as staff.
            continue
        path = route.path()
        if path is None:
            continue
        status = answer(clients[who], path)
        if status >= 500:
            errors.append(f"{status} {path}  ({route.name or route.route})")
    assert not errors, "\n".join(errors)


ROUTES_WITH_PARAMETERS = [r for r in ROUTES if r.parameters()]


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_routes_with_hostile_parameters_answer_without_a_server_error(clients, data):
    route = data.draw(st.sampled_from(ROUTES_WITH_PARAMETERS), label="route")
    values = data.draw(params_for(route), label="parameters")
    path = route.path(values)
    if path is None:
        return
    for who, client in clients.items():
        status = answer(client, path)
        assert status < 500, f"{status} for {who} at {path} ({route.name or route.route})"
