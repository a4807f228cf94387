"""How many queries each page costs, for each role: a GET-only crawl of a built database
(the demo, or the bench's) with the test client, every link followed up to a budget per
person, each address shape (digits replaced) read twice and the second, warm, count kept.

    DJANGO_SETTINGS_MODULE=lms.settings.test DATABASE_URL=sqlite:////path/demo.sqlite3 \\
        .venv/bin/python -m tests.query_crawl [--budget 200] [--over 10] [people...]

Prints every page over the budget (``--over``), worst first, with the people who saw it.
Issue 14 part 2 asks every page to stay at 10 queries or fewer."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import deque
from urllib.parse import urljoin, urlsplit

PEOPLE = ["", "worker", "trainer", "advisor", "manager", "staff.vn", "admin"]
SKIPPED = re.compile(
    r"logout|sign-?out|/delete|/deactivate|/reauthenticate|/password/|/2fa/|/mfa/|/email/"
    r"|/unpublish|/revert|/workflow|/lock/|/unlock/|/move/|/copy/|\.(pdf|zip|csv|xlsx|ics)$"
    r"|/download|/export|/media/|/static/|/documents/|/images/serve",
    re.I,
)
SHAPE = re.compile(r"\d+")
LINK = re.compile(r'href="([^"#]+)', re.I)


def crawl(client, starts, *, budget: int) -> dict[str, tuple[int, int]]:
    """{path: (status, warm query count)} for up to ``budget`` address shapes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seen_shapes: set[str] = set()
    found: dict[str, tuple[int, int]] = {}
    queue = deque(starts)
    while queue and len(found) < budget:
        path = queue.popleft()
        parts = urlsplit(path)
        if parts.netloc and parts.netloc != "testserver":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        shape = SHAPE.sub("N", path)
        if shape in seen_shapes or SKIPPED.search(path) or not path.startswith("/"):
            continue
        seen_shapes.add(shape)
        response = client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        found[path] = (response.status_code, len(queries))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.content.decode("utf-8", "replace")):
            queue.append(urljoin(path, link.replace("&amp;", "&")))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("people", nargs="*", default=PEOPLE)
    parser.add_argument("--budget", type=int, default=200)
    parser.add_argument("--over", type=int, default=10)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from lms.accounts.models import User
    from tests.conftest import confirm_second_factor
    from tests.url_walk import all_routes

    setup_test_environment()
    starts = ["/en/", "/en/accounts/profile/", "/en/dashboard/", "/admin/"]
    starts += [r.path() for r in all_routes() if r.path() is not None and not r.parameters()]
    over: dict[str, list] = {}
    for username in args.people:
        client = Client(raise_request_exception=False)
        if username:
            person = User.objects.get(username=username)
            client.force_login(person)
            confirm_second_factor(client, person)
        found = crawl(client, starts, budget=args.budget)
        print(f"== {username or 'visitor'}: {len(found)} pages", file=sys.stderr)
        for path, (status, count) in found.items():
            if status == 200 and count > args.over:
                over.setdefault(SHAPE.sub("N", path), []).append(
                    (count, username or "visitor", path)
                )
    for _shape, rows in sorted(over.items(), key=lambda item: -max(r[0] for r in item[1])):
        print(max(r[0] for r in rows), " ".join(f"{who}:{n}" for n, who, _ in rows), rows[0][2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
