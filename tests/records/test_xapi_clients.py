"""Scoped Basic-auth clients (xAPI 1.0.3 Part Three §4.1), attachments in multipart/mixed
(Part Three §1.5.2), signed statements (Part Two §2.6), and an independent client library
(TinCanPython, ``tincan`` on PyPI) talking to our LRS over HTTP."""

import base64
import datetime as dt
import hashlib
import json
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.test import Client
from joserfc import jws
from joserfc.jwk import OctKey, RSAKey

from lms.records import activities
from lms.records.models import Statement, StatementAttachment, XapiClient
from lms.records.xapi_auth import xapi_client_revoke
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.records.xapi_helpers import EXTERNAL, basic, issue, xapi, xstatement
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


@pytest.fixture(autouse=True)
def drill_kind(monkeypatch):
    kinds = dict(activities._kinds)
    monkeypatch.setattr(activities, "_kinds", kinds)
    activities.register_activity_kind(
        "drill",
        lambda user, keys: activities.Authorisation(
            allowed={k for k in keys if k.startswith("open")},
            refused={
                k: activities.Refusal(reason="Not yet.", code="not_open")
                for k in keys
                if k.startswith("later")
            },
        ),
    )


# --- Scope -------------------------------------------------------------------------------


def test_wrong_or_revoked_credentials_answer_401():
    client, auth = issue(people="country", country=country("vn"))
    person = UserFactory()
    http = Client()
    assert xapi(http, "POST", xstatement(person), auth=auth).status_code == 200
    assert (
        xapi(http, "POST", xstatement(person), auth=basic(client.key, "wrong")).status_code == 401
    )
    assert xapi(http, "GET", auth="Basic !!!").status_code == 401
    xapi_client_revoke(client=client)
    assert xapi(http, "POST", xstatement(person), auth=auth).status_code == 401


def test_a_client_records_only_for_the_people_in_its_scope():
    organisation = OrganisationFactory()
    member = UserFactory(organisation=organisation)
    colleague_elsewhere = UserFactory()
    other_country = UserFactory(country=country("kh"))
    http = Client()
    _c, by_org = issue(people="organisation", organisation=organisation)
    assert xapi(http, "POST", xstatement(member), auth=by_org).status_code == 200
    assert xapi(http, "POST", xstatement(colleague_elsewhere), auth=by_org).status_code == 403
    _c, by_country = issue(people="country", country=country("vn"))
    assert xapi(http, "POST", xstatement(colleague_elsewhere), auth=by_country).status_code == 200
    assert xapi(http, "POST", xstatement(other_country), auth=by_country).status_code == 403
    _c, one = issue(people="person", person=member)
    assert xapi(http, "POST", xstatement(member), auth=one).status_code == 200
    assert xapi(http, "POST", xstatement(colleague_elsewhere), auth=one).status_code == 403
    # Someone who is no person of this site.
    stranger = xstatement(member)
    stranger["actor"] = {"mbox": "mailto:stranger@example.org"}
    assert xapi(http, "POST", stranger, auth=by_country).status_code == 403
    assert Statement.objects.count() == 3


def test_a_client_records_only_about_its_activities_and_under_the_rooms_rules():
    person = UserFactory()
    http = Client()
    _c, auth = issue(people="country", country=country("vn"), prefixes="urn:betterwork:drill:\n")
    assert xapi(http, "POST", xstatement(person), auth=auth).status_code == 403  # EXTERNAL
    ok = xstatement(person, "urn:betterwork:drill:open-1")
    assert xapi(http, "POST", ok, auth=auth).status_code == 200
    refused = xapi(http, "POST", xstatement(person, "urn:betterwork:drill:later-1"), auth=auth)
    assert refused.status_code == 403
    assert refused.json()["error"] == "not_open"


def test_reads_and_writes_are_each_granted():
    person = UserFactory()
    http = Client()
    _c, writer = issue(people="person", person=person)
    _c, reader = issue(people="person", person=person, can_read=True, can_write=False)
    assert xapi(http, "POST", xstatement(person), auth=writer).status_code == 200
    assert xapi(http, "GET", auth=writer).status_code == 403
    assert xapi(http, "POST", xstatement(person), auth=reader).status_code == 403
    assert len(xapi(http, "GET", auth=reader).json()["statements"]) == 1


def test_a_client_reads_only_within_its_scope():
    mine = UserFactory()
    theirs = UserFactory(country=country("kh"))
    http = Client()
    _c, vn = issue(people="country", country=country("vn"), can_read=True)
    _c, kh = issue(people="country", country=country("kh"), can_read=True)
    _c, other_prefix = issue(
        people="country",
        country=country("vn"),
        prefixes="https://other.example.org/",
        can_read=True,
    )
    a, b = xstatement(mine), xstatement(theirs)
    xapi(http, "POST", a, auth=vn)
    xapi(http, "POST", b, auth=kh)
    assert [s["id"] for s in xapi(http, "GET", auth=vn).json()["statements"]] == [a["id"]]
    assert xapi(http, "GET", params={"statementId": b["id"]}, auth=vn).status_code == 404
    assert xapi(http, "GET", auth=other_prefix).json()["statements"] == []


def test_a_client_needs_a_scope_to_be_issued():
    from django.core.exceptions import ValidationError

    from lms.records.xapi_auth import xapi_client_issue

    with pytest.raises(ValidationError):
        xapi_client_issue(name="x", people="organisation", activity_prefixes=EXTERNAL)
    with pytest.raises(ValidationError):
        xapi_client_issue(name="x", people="country", country=country("vn"), activity_prefixes="")
    assert XapiClient.objects.count() == 0


# --- Attachments (Part Three §1.5.2) ------------------------------------------------------


def multipart(statements, parts, boundary="xapiboundary"):
    chunks = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(statements).encode(),
        b"\r\n",
    ]
    for content_type, content, sha2 in parts:
        chunks += [
            (
                f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n"
            ).encode(),
            content,
            b"\r\n",
        ]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'


def attachment(content: bytes, content_type="text/plain", usage="https://example.org/certificate"):
    return {
        "usageType": usage,
        "display": {"en-US": "A file"},
        "contentType": content_type,
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }


def test_attachments_are_stored_by_hash_and_returned_part3_1_5_2():
    person = UserFactory()
    http = Client()
    _c, auth = issue(people="person", person=person, can_read=True)
    content = b"certificate \x00\xff bytes"
    raw = xstatement(person, attachments=[attachment(content)])
    body, content_type = multipart(
        raw, [("text/plain", content, hashlib.sha256(content).hexdigest())]
    )
    response = xapi(http, "POST", body, auth=auth, content_type=content_type)
    assert response.status_code == 200, response.content
    assert bytes(StatementAttachment.objects.get().content) == content
    got = xapi(http, "GET", params={"attachments": "true"}, auth=auth)
    assert got["Content-Type"].startswith("multipart/mixed")
    assert content in got.content
    assert raw["id"].encode() in got.content
    single = xapi(http, "GET", params={"statementId": raw["id"], "attachments": "true"}, auth=auth)
    assert content in single.content


def test_attachment_hashes_and_parts_are_checked_part3_1_5_2():
    person = UserFactory()
    http = Client()
    _c, auth = issue(people="person", person=person)
    content = b"evidence"
    raw = xstatement(person, attachments=[attachment(content)])
    sha2 = hashlib.sha256(content).hexdigest()
    body, content_type = multipart(raw, [("text/plain", b"tampered", sha2)])
    assert xapi(http, "POST", body, auth=auth, content_type=content_type).status_code == 400
    body, content_type = multipart(raw, [])
    assert xapi(http, "POST", body, auth=auth, content_type=content_type).status_code == 400
    assert xapi(http, "POST", raw, auth=auth).status_code == 400  # JSON alone, no part
    extra = hashlib.sha256(b"x").hexdigest()
    body, content_type = multipart(
        raw, [("text/plain", content, sha2), ("text/plain", b"x", extra)]
    )
    assert xapi(http, "POST", body, auth=auth, content_type=content_type).status_code == 400
    assert Statement.objects.count() == 0


def test_a_file_url_attachment_needs_no_part_part2_2_4_11():
    person = UserFactory()
    http = Client()
    _c, auth = issue(people="person", person=person)
    item = {**attachment(b"remote"), "fileUrl": "https://files.example.org/remote.txt"}
    assert xapi(http, "POST", xstatement(person, attachments=[item]), auth=auth).status_code == 200


# --- Signed statements (Part Two §2.6) ----------------------------------------------------


def signer():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Partner tool")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    chain = [base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()]
    return RSAKey.import_key(key), chain


def signed_request(person, *, alg="RS256", tamper=False, key=None):
    raw = xstatement(person)
    private, chain = signer()
    header = {"alg": alg, "x5c": chain}
    token = jws.serialize_compact(header, json.dumps(raw), key or private, algorithms=[alg])
    signature = token.encode()
    sent = dict(raw)
    if tamper:
        sent["verb"] = {"id": "http://adlnet.gov/expapi/verbs/failed"}
    sent["attachments"] = [
        attachment(signature, content_type="application/octet-stream", usage=SIGNATURE)
    ]
    return multipart(
        sent, [("application/octet-stream", signature, hashlib.sha256(signature).hexdigest())]
    )


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_a_signed_statement_is_verified_and_stored_part2_2_6(alg):
    person = UserFactory()
    http = Client()
    _c, auth = issue(people="person", person=person, can_read=True)
    body, content_type = signed_request(person, alg=alg)
    response = xapi(http, "POST", body, auth=auth, content_type=content_type)
    assert response.status_code == 200, response.content
    got = xapi(http, "GET", params={"attachments": "true"}, auth=auth)
    assert b"application/octet-stream" in got.content


def test_a_statement_that_differs_from_its_signature_is_refused_part2_2_6():
    person = UserFactory()
    _c, auth = issue(people="person", person=person)
    body, content_type = signed_request(person, tamper=True)
    assert xapi(Client(), "POST", body, auth=auth, content_type=content_type).status_code == 400


def test_a_signature_with_another_algorithm_is_refused_part2_2_6():
    person = UserFactory()
    _c, auth = issue(people="person", person=person)
    body, content_type = signed_request(person, alg="HS256", key=OctKey.generate_key(256))
    assert xapi(Client(), "POST", body, auth=auth, content_type=content_type).status_code == 400
    assert Statement.objects.count() == 0


def test_a_signature_by_another_key_than_its_certificate_is_refused_part2_2_6():
    person = UserFactory()
    _c, auth = issue(people="person", person=person)
    other, _chain = signer()
    body, content_type = signed_request(person, key=other)
    assert xapi(Client(), "POST", body, auth=auth, content_type=content_type).status_code == 400


# --- An independent client library --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_tincan_python_saves_retrieves_and_pages_through_our_lrs(live_server):
    from tincan import Activity, Agent, RemoteLRS, Verb
    from tincan import Statement as TinCanStatement

    person = UserFactory(email="worker@example.org")
    client, auth = issue(people="person", person=person, can_read=True)
    secret = base64.b64decode(auth.removeprefix("Basic ")).decode().split(":", 1)[1]
    lrs = RemoteLRS(endpoint=live_server.url + "/xapi/", username=client.key, password=secret)
    ids = []
    for number in range(3):
        statement = TinCanStatement(
            id=str(uuid.uuid4()),
            actor=Agent(name="Worker", mbox="mailto:worker@example.org"),
            verb=Verb(id="http://adlnet.gov/expapi/verbs/experienced"),
            object=Activity(id=f"{EXTERNAL}video-{number}"),
        )
        saved = lrs.save_statement(statement)
        assert saved.success, saved.data
        ids.append(str(statement.id))
    fetched = lrs.retrieve_statement(ids[0])
    assert fetched.success, fetched.data
    assert str(fetched.content.object.id) == f"{EXTERNAL}video-0"
    page = lrs.query_statements({"limit": 2, "ascending": True})
    assert page.success, page.data
    seen = [str(s.id) for s in page.content.statements]
    more = lrs.more_statements(page.content)
    assert more.success, more.data
    seen += [str(s.id) for s in more.content.statements]
    assert seen == ids
    stranger = UserFactory()
    refused = lrs.save_statement(
        TinCanStatement(
            actor=Agent(mbox=f"mailto:{stranger.email}"),
            verb=Verb(id="http://adlnet.gov/expapi/verbs/experienced"),
            object=Activity(id=f"{EXTERNAL}video-9"),
        )
    )
    assert not refused.success
    assert refused.response.status == 403
