"""Staff issue xAPI clients in the admin: the secret is shown once, only its hash is kept;
country staff see and issue their own country's clients only."""

import pytest

from lms.records.models import XapiClient
from lms.records.xapi_auth import client_for_basic
from tests.accounts.factories import country_staff
from tests.records.xapi_helpers import EXTERNAL, issue
from tests.taxonomy.factories import country

pytestmark = pytest.mark.django_db


def test_country_staff_issue_a_client_and_see_the_secret_once(client, second_factor_for_everyone):
    import base64
    import re

    staff = country_staff("vn")
    client.force_login(staff)
    issue(people="country", country=country("kh"))  # another country's
    listing = client.get("/admin/xapi_clients/")
    assert listing.status_code == 200
    assert "Partner tool" not in listing.content.decode()
    response = client.post(
        "/admin/xapi_clients/new/",
        {
            "name": "Kiosk app",
            "country": country("vn").pk,
            "people": "country",
            "activity_prefixes": EXTERNAL,
            "can_write": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    made = XapiClient.objects.get(name="Kiosk app")
    assert made.issued_by == staff
    text = response.content.decode()
    secret = re.search(r"Secret: (\S+?)(<|\s)", text).group(1)
    assert secret not in made.secret_hash
    header = base64.b64encode(f"{made.key}:{secret}".encode()).decode()
    assert client_for_basic(header) == made
