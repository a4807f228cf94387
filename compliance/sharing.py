"""Sharing a factory's information with its buyers (issue 17): who is a buyer, the live grants
every read checks, access requests, grants and withdrawals, the append-only access log and
the keys of the read API.

Rules:

- a buyer's user holds the ``buyer`` role and belongs to an organisation of kind ``buyer``;
- a factory's managers list the buyers they supply, grant each buyer one or more scopes
  (``SharingScope``) and withdraw them; nobody else grants on the factory's behalf;
- every read by a buyer asks the database for a live grant at that moment (no cache), so a
  withdrawal takes effect on the next request;
- every page, export and API answer that shows a factory's information to a buyer's user
  writes one ``AccessLogEntry`` per factory shown.
"""

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.models import (
    AccessGrant,
    AccessLogEntry,
    AccessRequest,
    BuyerLink,
    BuyerToken,
    Factory,
    SharingScope,
)
from lms.accounts.models import Organisation, Role, User

# --- who is who --------------------------------------------------------------------------------


def buyer_of(user) -> Organisation | None:
    """The buyer organisation ``user`` acts for, or ``None`` when they are not a buyer's
    user (the role and an organisation of kind buyer are both needed)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not user.has_role(Role.Code.BUYER) or not user.organisation_id:
        return None
    organisation = user.organisation
    if organisation.kind != Organisation.Kind.BUYER:
        return None
    return organisation


def is_factory_manager(user, factory: Factory) -> bool:
    """The factory's own managers: they decide what their factory shares."""
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.organisation_id == factory.organisation_id
        and user.has_role(Role.Code.MANAGER)
    )


def can_read_sharing(user, factory: Factory) -> bool:
    """The sharing page and the access log: the factory's managers, and the programme staff
    responsible for the factory (global, or its country's)."""
    from compliance import permissions

    return (
        is_factory_manager(user, factory)
        or permissions.is_global(user)
        or permissions.is_country_staff_for(user, factory)
    )


# --- live grants (never cached) -----------------------------------------------------------------


def live_scopes(*, factory_id: int, buyer_id: int) -> set[str]:
    """The scopes ``buyer`` holds on ``factory`` right now. One query."""
    return set(
        AccessGrant.objects.filter(
            factory_id=factory_id, buyer_id=buyer_id, withdrawn_at__isnull=True
        ).values_list("scope", flat=True)
    )


def live_scopes_by_factory(*, buyer_id: int, factory_ids: Iterable[int] | None = None):
    """{factory id: scopes} for every factory that shares something with ``buyer`` now.
    One query."""
    grants = AccessGrant.objects.filter(buyer_id=buyer_id, withdrawn_at__isnull=True)
    if factory_ids is not None:
        grants = grants.filter(factory_id__in=list(factory_ids))
    found: dict[int, set[str]] = defaultdict(set)
    for factory_id, scope in grants.values_list("factory_id", "scope"):
        found[factory_id].add(scope)
    return dict(found)


def require_scope(*, buyer: Organisation | None, factory_id: int, scope: str) -> None:
    """Refuse (403) unless ``buyer`` holds ``scope`` on the factory at this moment."""
    if buyer is None or scope not in live_scopes(factory_id=factory_id, buyer_id=buyer.pk):
        raise PermissionDenied


# --- the access log ------------------------------------------------------------------------------


def access_log_write(
    *,
    user,
    buyer: Organisation,
    factory_ids: Iterable[int],
    action: str,
    what: str,
    scope: str = "",
    token: BuyerToken | None = None,
) -> int:
    """One entry per factory shown to a buyer's user. One query."""
    name = str(user) if user is not None else ""
    entries = [
        AccessLogEntry(
            factory_id=factory_id,
            buyer=buyer,
            user=user,
            user_name=name[:150],
            token=token,
            action=action,
            scope=scope,
            what=what[:300],
        )
        for factory_id in sorted(set(factory_ids))
    ]
    AccessLogEntry.objects.bulk_create(entries)
    return len(entries)


# --- what factories and buyers do ----------------------------------------------------------------


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    scopes = list(dict.fromkeys(scopes))
    if not scopes or any(scope not in SharingScope.values for scope in scopes):
        raise ValidationError({"scopes": _("Choose what to share from the list.")})
    return scopes


def buyers_available() -> "Iterable[Organisation]":
    return Organisation.objects.filter(kind=Organisation.Kind.BUYER).order_by("name")


@transaction.atomic
def buyer_link_add(*, factory: Factory, buyer: Organisation, user) -> BuyerLink:
    """The factory lists a buyer it supplies (a manager of the factory)."""
    if not is_factory_manager(user, factory):
        raise PermissionDenied
    if buyer.kind != Organisation.Kind.BUYER:
        raise ValidationError({"buyer": _("Choose a buyer organisation.")})
    link, _created = BuyerLink.objects.get_or_create(
        factory=factory, buyer=buyer, defaults={"buyer_name": buyer.name}
    )
    return link


@transaction.atomic
def grants_set(*, factory: Factory, buyer: Organisation, scopes: Iterable[str], user) -> set[str]:
    """Make ``scopes`` exactly what ``buyer`` may read of ``factory``: new scopes are granted,
    the others withdrawn at once. Returns the scopes newly granted. A manager of the factory
    only; the buyer is told of what is newly shared."""
    if not is_factory_manager(user, factory):
        raise PermissionDenied
    if buyer.kind != Organisation.Kind.BUYER:
        raise ValidationError({"buyer": _("Choose a buyer organisation.")})
    wanted = set(scopes)
    if wanted - set(SharingScope.values):
        raise ValidationError({"scopes": _("Choose what to share from the list.")})
    now = timezone.now()
    live = AccessGrant.objects.select_for_update().filter(
        factory=factory, buyer=buyer, withdrawn_at__isnull=True
    )
    held = set()
    for grant in live:
        if grant.scope in wanted:
            held.add(grant.scope)
        else:
            grant.withdrawn_at = now
            grant.withdrawn_by = user
            grant.save(update_fields=["withdrawn_at", "withdrawn_by"])
    added = wanted - held
    for scope in sorted(added):
        AccessGrant.objects.create(factory=factory, buyer=buyer, scope=scope, granted_by=user)
    BuyerLink.objects.get_or_create(
        factory=factory, buyer=buyer, defaults={"buyer_name": buyer.name}
    )
    if added:
        from compliance import tasks

        factory_id, buyer_id, scope_list = factory.pk, buyer.pk, sorted(added)
        stamp = now.strftime("%Y%m%d%H%M%S%f")
        transaction.on_commit(
            lambda: tasks.sharing_granted_notify.delay(factory_id, buyer_id, scope_list, stamp)
        )
    return added


def withdraw_all(*, factory: Factory, buyer: Organisation, user) -> None:
    grants_set(factory=factory, buyer=buyer, scopes=[], user=user)


ALREADY_ASKED = _("Your organisation already asked this factory; it has not answered yet.")


@transaction.atomic
def access_request_create(
    *, factory: Factory, buyer_user, scopes: Iterable[str], message: str = ""
) -> AccessRequest:
    """A buyer's user asks a supplier for access. Only a factory that lists the buyer (its
    supplier) can be asked; one request waits per factory and buyer."""
    buyer = buyer_of(buyer_user)
    if buyer is None:
        raise PermissionDenied
    if not BuyerLink.objects.filter(factory=factory, buyer=buyer).exists():
        raise PermissionDenied
    scopes = _clean_scopes(scopes)
    pending = AccessRequest.objects.filter(
        factory=factory, buyer=buyer, state=AccessRequest.State.PENDING
    ).first()
    if pending is not None:
        raise ValidationError(
            _("Your organisation already asked this factory; it has not answered yet.")
        )
    try:
        with transaction.atomic():
            request = AccessRequest.objects.create(
                factory=factory,
                buyer=buyer,
                scopes=scopes,
                message=message.strip()[:2000],
                requested_by=buyer_user,
            )
    except IntegrityError as error:
        raise ValidationError(ALREADY_ASKED) from error
    from compliance import tasks

    request_id = request.pk
    transaction.on_commit(lambda: tasks.access_asked_notify.delay(request_id))
    return request


@transaction.atomic
def access_request_decide(
    *, access_request: AccessRequest, user, accept: bool, scopes: Iterable[str] = ()
) -> AccessRequest:
    """The factory accepts (granting the scopes it chooses, added to what it shares already)
    or declines a buyer's request."""
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    factory = access_request.factory
    if not is_factory_manager(user, factory):
        raise PermissionDenied
    if access_request.state != AccessRequest.State.PENDING:
        raise ValidationError(_("This request was already answered."))
    if accept:
        chosen = _clean_scopes(scopes)
        current = live_scopes(factory_id=factory.pk, buyer_id=access_request.buyer_id)
        grants_set(
            factory=factory, buyer=access_request.buyer, scopes=current | set(chosen), user=user
        )
    access_request.state = AccessRequest.State.ACCEPTED if accept else AccessRequest.State.DECLINED
    access_request.decided_by = user
    access_request.decided_at = timezone.now()
    access_request.save(update_fields=["state", "decided_by", "decided_at"])
    return access_request


# --- API keys ------------------------------------------------------------------------------------

KEY_BYTES = 32
KEY_PREFIX = "bwb_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def buyer_token_create(*, user, name: str) -> tuple[BuyerToken, str]:
    """A new API key for the user's buyer organisation; returns the row and the key, which
    is not stored (only its hash)."""
    buyer = buyer_of(user)
    if buyer is None:
        raise PermissionDenied
    key = KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
    token = BuyerToken(
        buyer=buyer, user=user, name=name.strip(), key_prefix=key[:8], key_hash=_hash(key)
    )
    token.full_clean(exclude=["key_hash", "key_prefix"])
    token.save()
    return token, key


def buyer_token_revoke(*, token: BuyerToken, user) -> None:
    """Any user of the same buyer may revoke its keys (someone leaves, a key leaks)."""
    buyer = buyer_of(user)
    if buyer is None or token.buyer_id != buyer.pk:
        raise PermissionDenied
    BuyerToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user
    )


def token_for_key(key: str) -> BuyerToken | None:
    """The live key: not revoked, its maker still active and still a user of that buyer
    with the buyer role. One query (plus a write at most once a minute)."""
    if not key or len(key) > 200:
        return None
    token = (
        BuyerToken.objects.select_related("buyer", "user")
        .filter(
            key_hash=_hash(key),
            revoked_at__isnull=True,
            user__is_active=True,
            buyer__kind=Organisation.Kind.BUYER,
        )
        .first()
    )
    if token is None or token.user.organisation_id != token.buyer_id:
        return None
    if not token.user.has_role(Role.Code.BUYER):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        BuyerToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- certificates: a hook, since compliance may not import certification ------------------------
#
# The training record shows the certificates of the factory's people. Certification is
# another room (compliance may not import it, decision 0701): the portal, which may read
# every room, registers a source at start-up (lms.portal.receivers).

CertificateSource = Callable[[int], list[dict]]
_certificate_sources: list[CertificateSource] = []


def certificate_source_register(source: CertificateSource) -> None:
    """``source(organisation_id)`` returns the certificates held by the organisation's
    people: dicts with ``holder_id``, ``holder_name``, ``programme``, ``issued_on``,
    ``expires_on`` and ``state``. One query each."""
    if source not in _certificate_sources:
        _certificate_sources.append(source)


def certificates_for(organisation_id: int) -> list[dict]:
    found = []
    for source in _certificate_sources:
        found.extend(source(organisation_id))
    return found


def buyer_users(buyer_id: int):
    return User.objects.filter(
        organisation_id=buyer_id, roles__code=Role.Code.BUYER, is_active=True
    ).distinct()
