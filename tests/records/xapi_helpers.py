"""Helpers for the xAPI tests: requests with the version header, clients, statements."""

import base64
import json
import uuid

from django.conf import settings

from lms.records.xapi_auth import xapi_client_issue

URL = "/xapi/statements"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
EXTERNAL = "https://partner.example.org/xapi/activities/"


def home():
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def agent_of(user) -> dict:
    return {"objectType": "Agent", "account": {"homePage": home(), "name": str(user.pk)}}


def xstatement(user, activity=None, verb=COMPLETED, **extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": agent_of(user),
        "verb": {"id": verb, "display": {"en-US": "completed", "fr": "a terminé"}},
        "object": {
            "objectType": "Activity",
            "id": activity or EXTERNAL + "module-1",
            "definition": {"name": {"en-US": "Module 1", "fr": "Module 1 (fr)"}},
        },
        **extra,
    }


def basic(key, secret) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def issue(people="country", prefixes=EXTERNAL, **kwargs):
    client, secret = xapi_client_issue(
        name="Partner tool", people=people, activity_prefixes=prefixes, **kwargs
    )
    return client, basic(client.key, secret)


def xapi(http, method, body=None, params=None, version="1.0.3", auth=None, **headers):
    from django.utils.http import urlencode

    url = URL + ("?" + urlencode(params) if params else "")
    if version:
        headers["HTTP_X_EXPERIENCE_API_VERSION"] = version
    if auth:
        headers["HTTP_AUTHORIZATION"] = auth
    call = getattr(http, method.lower())
    if body is None:
        return call(url, **headers)
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    content_type = headers.pop("content_type", "application/json")
    return call(url, data, content_type=content_type, **headers)
