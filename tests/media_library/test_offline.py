"""The installable web app: service worker at the site root, manifest, saved list."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.content.decode()
    assert "/static/css/media_library.css" in body
    assert "/en/watch/saved/" in body
    assert "__VERSION__" not in body
    assert 'const VERSION = "' in body


def test_the_service_worker_changes_version_when_the_assets_do(client, settings):
    first = client.get("/sw.js").content
    settings.MEDIA_URL = "https://cdn.example.org/media/"
    second = client.get("/sw.js").content
    assert first != second
    assert b"https://cdn.example.org/media/" in second


def test_the_manifest_makes_the_site_installable_in_the_visitors_language(client):
    response = client.get("/manifest.webmanifest?lang=ar")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["lang"] == "ar"
    assert manifest["dir"] == "rtl"
    assert manifest["start_url"] == "/ar/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}


def test_an_unknown_language_falls_back_to_english(client):
    assert client.get("/manifest.webmanifest?lang=zz").json()["lang"] == "en"


def test_every_page_links_the_manifest_and_registers_the_worker(client):
    html = client.get("/en/watch/saved/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest?lang=en"' in html
    assert "js/media_library/register-sw.js" in html
