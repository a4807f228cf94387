"""The bench's own machinery: the driver's statistics, the page-weight parser and the
query-count middleware (installed only by the bench settings)."""

import base64
import gzip
from http.client import HTTPMessage
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.driver import (
    CookieJar,
    Response,
    compressed_size,
    csrf_token_in,
    fonts_for_text,
    latency_summary,
    parse_unicode_range,
    percentile,
    query_summary,
    same_origin_assets,
    totp_code,
    visible_characters,
    warmup_count,
)
from bench.harness import TOTP_SECRET
from bench.middleware import QUERY_COUNT_HEADER

FIXTURE = Path(__file__).parent / "fixtures" / "page.html"


def test_percentiles_interpolate_between_the_closest_ranks():
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 0) == 15
    assert percentile(values, 50) == 35
    assert percentile(values, 100) == 50
    assert percentile(values, 40) == pytest.approx(29.0)  # numpy.percentile's answer
    assert percentile(values, 95) == pytest.approx(48.0)


def test_percentiles_do_not_depend_on_the_order_of_the_samples():
    assert percentile([5, 1, 4, 2, 3], 50) == 3
    assert percentile(list(range(100, 0, -1)), 99) == pytest.approx(99.01)


def test_percentile_of_one_value_is_that_value_and_of_none_is_none():
    assert percentile([7.5], 95) == 7.5
    assert percentile([], 50) is None
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1, 2], 101)


def test_latency_summary_reports_p50_p95_p99():
    summary = latency_summary(float(n) for n in range(1, 101))
    assert summary["p50_ms"] == pytest.approx(50.5)
    assert summary["p95_ms"] == pytest.approx(95.05)
    assert summary["p99_ms"] == pytest.approx(99.01)
    assert summary["mean_ms"] == pytest.approx(50.5)
    assert (summary["min_ms"], summary["max_ms"]) == (1, 100)
    assert latency_summary([])["p95_ms"] is None


def test_query_summary_ignores_responses_without_the_header():
    assert query_summary([4, None, 6]) == {
        "queries_per_request": 5,
        "queries_min": 4,
        "queries_max": 6,
    }
    assert query_summary([None])["queries_per_request"] is None


def test_totp_codes_match_the_rfc_6238_test_vectors():
    secret = base64.b32encode(b"12345678901234567890").decode()
    vectors = {59: "94287082", 1111111109: "07081804", 1234567890: "89005924"}
    for moment, code in vectors.items():
        assert totp_code(secret, moment, digits=8) == code


def test_totp_codes_are_the_ones_allauth_accepts():
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    assert totp_code(TOTP_SECRET, 1_800_000_000) == format_hotp_value(
        hotp_value(TOTP_SECRET, 1_800_000_000 // 30)
    )


def test_warm_up_is_a_tenth_of_the_run_within_bounds():
    assert warmup_count(10) == 5
    assert warmup_count(200) == 20
    assert warmup_count(5000) == 50


def test_page_weight_counts_same_origin_stylesheets_and_scripts_once_each():
    assets = same_origin_assets(FIXTURE.read_text(), "http://127.0.0.1:8110/en/guides/")
    assert assets == [
        ("css", "http://127.0.0.1:8110/static/css/site.abc123.css"),
        ("css", "http://127.0.0.1:8110/en/guides/print.css"),
        ("js", "http://127.0.0.1:8110/static/js/app.js"),
        ("js", "http://127.0.0.1:8110/static/js/absolute-same-origin.js"),
        ("js", "http://127.0.0.1:8110/en/js/module.js"),
    ]


def test_a_page_without_assets_weighs_only_its_html():
    assert same_origin_assets("<p>Plain</p>", "http://127.0.0.1:8110/") == []


def _response(body: bytes, **headers) -> Response:
    message = HTTPMessage()
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return Response(200, message, body, 1.0)


def test_compressed_size_is_the_served_size_when_the_server_compressed():
    body = gzip.compress(b"a" * 5000)
    assert compressed_size(_response(body, Content_Encoding="gzip")) == len(body)


def test_compressed_size_gzips_an_uncompressed_response():
    html = FIXTURE.read_bytes()
    size = compressed_size(_response(html))
    assert 0 < size < len(html)
    assert size == len(gzip.compress(html, compresslevel=6))


def test_the_cookie_jar_keeps_new_cookies_and_drops_deleted_ones():
    jar = CookieJar()
    message = HTTPMessage()
    message["Set-Cookie"] = "csrftoken=abc; Path=/; SameSite=Lax"
    message["Set-Cookie"] = "sessionid=s1; HttpOnly; Path=/"
    jar.update(message)
    assert jar.values == {"csrftoken": "abc", "sessionid": "s1"}
    deleting = HTTPMessage()
    deleting["Set-Cookie"] = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0'
    jar.update(deleting)
    assert jar.values == {"csrftoken": "abc"}
    assert jar.header() == "csrftoken=abc"


def test_the_login_form_token_is_found_in_allauths_form(client, db):
    response = client.get("/en/accounts/login/")
    token = csrf_token_in(response.content)
    assert token is not None
    assert len(token) >= 32


@pytest.fixture
def bench_middleware(settings):
    settings.MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]


def test_query_count_header_counts_the_queries_of_a_request(client, home_page, bench_middleware):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/en/")
    assert response.status_code == 200
    count = int(response[QUERY_COUNT_HEADER])
    assert count == len(captured.captured_queries)
    assert count >= 2


def test_query_count_header_grows_with_the_work_a_page_does(client, db, bench_middleware):
    robots = client.get("/robots.txt")
    browse = client.get("/en/browse/")
    assert int(robots[QUERY_COUNT_HEADER]) == 0
    assert int(browse[QUERY_COUNT_HEADER]) > 0


def test_the_header_is_absent_without_the_bench_settings(client, db):
    assert QUERY_COUNT_HEADER not in client.get("/robots.txt")


def test_unicode_ranges_are_parsed_with_single_points_spans_and_wildcards():
    assert parse_unicode_range("U+0600-06FF, U+200C,u+4??") == [
        (0x600, 0x6FF),
        (0x200C, 0x200C),
        (0x400, 0x4FF),
    ]


FONTS_CSS = """
@font-face{font-family:'Noto Naskh Arabic';font-weight:400;
  src:url(fonts/naskh-400.woff2) format('woff2');unicode-range:U+0600-06FF,U+200C-200E}
@font-face{font-family:'Noto Naskh Arabic';font-weight:700;
  src:url("fonts/naskh-700.woff2") format('woff2');unicode-range:U+0600-06FF}
@font-face{font-family:'Noto Sans Khmer';src:url(fonts/khmer.woff2);unicode-range:U+1780-17FF}
@font-face{font-family:'Anything';src:url(fonts/no-range.woff2)}
"""


def test_a_page_in_arabic_needs_the_arabic_faces_only():
    arabic = visible_characters("<h1>اعرف حقوقك</h1><script>var km = 'ក';</script>")
    assert fonts_for_text(FONTS_CSS, "http://127.0.0.1:8110/static/vendor/fonts.css", arabic) == [
        "http://127.0.0.1:8110/static/vendor/fonts/naskh-400.woff2",
        "http://127.0.0.1:8110/static/vendor/fonts/naskh-700.woff2",
    ]


def test_a_page_in_english_needs_no_web_font():
    english = visible_characters("<p>Know your rights</p>")
    assert fonts_for_text(FONTS_CSS, "http://127.0.0.1:8110/fonts.css", english) == []


def test_text_in_a_closed_details_is_not_rendered_but_its_summary_is():
    html = (
        "<details><summary>English</summary><ul><li>العربية</li><li>ខ្មែរ</li></ul></details>"
        "<details open><summary>A</summary><p>বাংলা</p></details><p>Hello</p>"
    )
    characters = visible_characters(html)
    assert "E" in characters
    assert "ব" in characters  # in the open details
    assert "ع" not in characters
    assert "ខ" not in characters
