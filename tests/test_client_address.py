"""The visitor's address: the shipped nginx, the example environment and the settings agree
on the header that carries it; every rate limit keys on it; a missing header is no error."""

import re
import subprocess
import sys

import pytest
from django.test import RequestFactory

from lms.client_address import client_ip
from tests.accounts.factories import PASSWORD, UserFactory
from tests.test_settings import ROOT, sample_environment

NGINX = ROOT / "site" / "deploy" / "nginx.conf"


def proxied_locations(text: str) -> list[str]:
    """The bodies of the ``location`` blocks that pass requests to the app servers."""
    text = re.sub(r"#[^\n]*", "", text)
    bodies = []
    for match in re.finditer(r"location\s+[^{]+\{", text):
        depth, i = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        body = text[match.end() : i - 1]
        if "proxy_pass" in body:
            bodies.append(body)
    return bodies


def headers_set(body: str) -> dict[str, str]:
    return {
        name.lower(): value.strip()
        for name, value in re.findall(r"proxy_set_header\s+(\S+)\s+([^;]+);", body)
    }


def production_setting(name: str) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from django.conf import settings; print(settings.{name})",
        ],
        cwd=ROOT,
        env=sample_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_nginx_sets_the_header_the_production_settings_read_and_overwrites_the_visitors():
    locations = proxied_locations(NGINX.read_text())
    assert locations, "nginx.conf passes nothing to the app servers"
    meta_key = production_setting("CLIENT_IP_META_KEY")
    assert meta_key.startswith("HTTP_")
    header = meta_key.removeprefix("HTTP_").replace("_", "-").lower()
    for body in locations:
        headers = headers_set(body)
        # Set from the connection nginx saw, never from what the visitor sent.
        assert headers.get(header) == "$remote_addr", body
        for value in headers.values():
            assert "$http_x_real_ip" not in value
            assert "$proxy_add_x_forwarded_for" not in value
    # The example environment names the same header.
    sample = sample_environment()
    assert sample["RATELIMIT_IP_META_KEY"] == meta_key
    # And every rate limit reads the address through the one function.
    assert production_setting("RATELIMIT_IP_META_KEY") == "lms.client_address.client_ip"


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"HTTP_X_REAL_IP": "203.0.113.7", "REMOTE_ADDR": "10.0.0.2"}, "203.0.113.7"),
        ({"HTTP_X_REAL_IP": "2001:db8::1", "REMOTE_ADDR": "10.0.0.2"}, "2001:db8::1"),
        ({"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
        ({"HTTP_X_REAL_IP": "1.2.3.4, 5.6.7.8", "REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
        ({"HTTP_X_REAL_IP": "<script>", "REMOTE_ADDR": ""}, "0.0.0.0"),  # noqa: S104
    ],
)
def test_the_client_address_comes_from_the_configured_header_or_the_connection(
    settings, meta, expected
):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    request.META.update(meta)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_certificate_verification_without_the_header_is_no_server_error(client, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    response = client.get("/en/certificates/verify/no-such-code/")
    assert response.status_code in (200, 404)


@pytest.mark.django_db
def test_verification_is_limited_per_visitor_not_per_proxy(client, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.CERTIFICATION_VERIFY_RATE = "3/m"
    for _ in range(3):
        assert (
            client.get("/en/certificates/verify/x/", HTTP_X_REAL_IP="198.51.100.1").status_code
            != 429
        )
    assert (
        client.get("/en/certificates/verify/x/", HTTP_X_REAL_IP="198.51.100.1").status_code == 429
    )
    # Another visitor behind the same proxy still gets through.
    assert (
        client.get("/en/certificates/verify/x/", HTTP_X_REAL_IP="198.51.100.2").status_code != 429
    )


@pytest.mark.django_db
def test_failed_sign_ins_from_one_address_do_not_lock_out_another(client, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    UserFactory(username="thu")
    for n in range(12):
        client.post(
            "/en/accounts/login/",
            {"login": f"nobody{n}", "password": "wrong"},
            HTTP_X_REAL_IP="192.0.2.66",
        )
    # The attacker's address is refused, even with a correct password ...
    response = client.post(
        "/en/accounts/login/", {"login": "thu", "password": PASSWORD}, HTTP_X_REAL_IP="192.0.2.66"
    )
    assert not client.session.get("_auth_user_id")
    assert response.status_code == 429 or "Too many" in response.content.decode()
    # ... while a worker behind the same proxy, at another address, signs in.
    client.post(
        "/en/accounts/login/", {"login": "thu", "password": PASSWORD}, HTTP_X_REAL_IP="192.0.2.10"
    )
    assert client.session.get("_auth_user_id")
