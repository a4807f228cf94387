"""Bulk upload of people with their roles, from CSV or XLSX (issue 21.1): a preview with every
row's errors first, then all rows or none. Files are read with tablib (decision 0008)."""

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from lms.accounts.models import Organisation, Role, User
from lms.accounts.services import person_create, person_scope_errors
from lms.taxonomy.models import Country

if TYPE_CHECKING:
    import tablib

COLUMNS = ["username", "display_name", "email", "country", "organisation", "roles", "language"]
MAX_ROWS = 2000


@dataclass
class PersonRow:
    line: int
    values: dict
    changes: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    @property
    def cells(self) -> list[str]:
        return [self.values.get(column, "") for column in COLUMNS]


@dataclass
class PeoplePlan:
    rows: list
    errors: list = field(default_factory=list)  # errors of the whole file

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.errors and not any(r.errors for r in self.rows)


def _dataset(data: bytes, filename: str) -> "tablib.Dataset":
    import tablib  # only for an import's own requests

    if filename.lower().endswith(".xlsx"):
        return tablib.Dataset().load(data, format="xlsx")
    return tablib.Dataset().load(data.decode("utf-8-sig"), format="csv")


def people_import_plan(*, actor: User, data: bytes, filename: str) -> PeoplePlan:
    try:
        dataset = _dataset(data, filename)
    except UnicodeDecodeError:
        return PeoplePlan(rows=[], errors=[_("Save the file as UTF-8 CSV or as XLSX.")])
    except Exception:  # tablib raises many kinds for a damaged file
        return PeoplePlan(rows=[], errors=[_("This file cannot be read as CSV or XLSX.")])
    headers = [str(h or "").strip().lower() for h in (dataset.headers or [])]
    if "username" not in headers:
        return PeoplePlan(
            rows=[],
            errors=[
                _("The first row must name the columns: %(columns)s.")
                % {"columns": ", ".join(COLUMNS)}
            ],
        )
    if len(dataset) > MAX_ROWS:
        return PeoplePlan(
            rows=[], errors=[_("At most %(count)s people at a time.") % {"count": MAX_ROWS}]
        )
    countries = {c.code: c for c in Country.objects.canonical()}
    organisations = {(o.country_id, o.name.lower()): o for o in Organisation.objects.all()}
    roles = {r.code for r in Role.objects.all()}
    languages = {code for code, _name in settings.LANGUAGES}
    usernames = [str(r[headers.index("username")] or "").strip() for r in dataset]
    emails = (
        [str(r[headers.index("email")] or "").strip().lower() for r in dataset]
        if "email" in headers
        else []
    )
    taken_usernames = {
        u.lower()
        for u in User.objects.filter(username__in=[u for u in usernames if u]).values_list(
            "username", flat=True
        )
    }
    taken_emails = {
        e.lower()
        for e in User.objects.filter(email__in=[e for e in emails if e]).values_list(
            "email", flat=True
        )
    }
    seen: dict[str, int] = {}
    rows = []
    for number, raw in enumerate(dataset, start=2):
        values = {
            h: str(v if v is not None else "").strip() for h, v in zip(headers, raw, strict=False)
        }
        row = PersonRow(line=number, values=values)
        rows.append(row)
        username = values.get("username", "")
        if not re.fullmatch(r"[\w.@+-]{3,150}", username):
            row.errors.append(_("A username has 3 to 150 letters, digits and . @ + - _ only."))
        elif username.lower() in taken_usernames:
            row.errors.append(_("The username %(name)s is taken.") % {"name": username})
        email = values.get("email", "").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.errors.append(_("“%(email)s” is not an email address.") % {"email": email})
            if email in taken_emails:
                row.errors.append(_("Someone already has this email address."))
        for key in (username.lower(), email):
            if key and key in seen:
                row.errors.append(
                    _("Line %(line)s has the same username or email.") % {"line": seen[key]}
                )
            elif key:
                seen[key] = number
        code = values.get("country", "").lower()
        if code:
            country = countries.get(code)
            if country is None:
                row.errors.append(_("No country has the code “%(code)s”.") % {"code": code})
        else:
            # Left empty: the uploader's own country (none for global staff without one).
            country = Country.objects.filter(pk=actor.country_id).first()
        organisation = None
        if values.get("organisation"):
            organisation = organisations.get(
                (getattr(country, "pk", None), values["organisation"].lower())
            )
            if organisation is None:
                row.errors.append(
                    _("No organisation called “%(name)s” in this country.")
                    % {"name": values["organisation"]}
                )
        wanted = [c.strip() for c in re.split(r"[;,|]", values.get("roles", "")) if c.strip()]
        unknown = [c for c in wanted if c not in roles]
        if unknown:
            row.errors.append(
                _("Unknown roles: %(roles)s. Use: %(choices)s.")
                % {"roles": ", ".join(unknown), "choices": ", ".join(sorted(roles))}
            )
        language = values.get("language", "") or settings.LANGUAGE_CODE
        if language not in languages:
            row.errors.append(_("No language has the code “%(code)s”.") % {"code": language})
        row.changes = {
            "display_name": values.get("display_name", "")[:80],
            "email": email,
            "country": country,
            "organisation": organisation,
            "preferred_language": language,
            "roles": [c for c in wanted if c in roles],
        }
        newcomer = User(country=country)
        newcomer._role_codes = frozenset()
        for messages in person_scope_errors(
            actor=actor, person=newcomer, changes=row.changes
        ).values():
            row.errors.extend(str(m) for m in messages)
    return PeoplePlan(rows=rows)


@transaction.atomic
def people_import_run(*, actor: User, data: bytes, filename: str) -> list[User]:
    """Create every person of the file, or nobody if any row is wrong."""
    plan = people_import_plan(actor=actor, data=data, filename=filename)
    if not plan.valid:
        raise ValidationError(_("The file has errors; nobody was added."))
    return [
        person_create(actor=actor, username=row.values["username"], changes=row.changes)
        for row in plan.rows
    ]
