"""Agents as the xAPI names them, and the people of this site behind them.

An Agent is identified by exactly one Inverse Functional Identifier (xAPI 1.0.3, 4.1.2.3):
``mbox``, ``mbox_sha1sum``, ``openid`` or ``account`` (``homePage`` and ``name``). This site
names its people with an account on its own home page whose name is the person's id, which
is what cmi5 launches carry; a person's e-mail address (or its SHA-1 sum) names them too.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")


class AgentInvalid(ValueError):
    """The agent parameter is not a valid Agent; the message says why (translated)."""


@dataclass(frozen=True)
class AgentRef:
    """One Agent, reduced to its identifier: ``key`` is stable and unique per identifier."""

    ifi: str
    value: str
    home_page: str = ""

    @property
    def key(self) -> str:
        if self.ifi == "account":
            return f"account|{self.home_page}|{self.value}"
        return f"{self.ifi}|{self.value}"


def home_page() -> str:
    """The ``homePage`` of the accounts this site gives its people."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def agent_of(user) -> dict:
    """The Agent by which this site names ``user`` (no personal data: an account id)."""
    return {"objectType": "Agent", "account": {"homePage": home_page(), "name": str(user.pk)}}


def parse_agent(value) -> AgentRef:
    """An Agent object (already decoded from JSON) to its reference; refuses Groups and
    agents with no identifier or more than one."""
    if not isinstance(value, dict):
        raise AgentInvalid(_("The agent must be a JSON object."))
    object_type = value.get("objectType", "Agent")
    if object_type != "Agent":
        raise AgentInvalid(_("The agent must have the objectType Agent."))
    present = [key for key in IFI_KEYS if key in value]
    if len(present) != 1:
        raise AgentInvalid(
            _("An agent needs exactly one identifier: mbox, mbox_sha1sum, openid or account.")
        )
    ifi = present[0]
    raw = value[ifi]
    if ifi == "account":
        if not isinstance(raw, dict):
            raise AgentInvalid(_("The agent's account must be an object."))
        page, name = raw.get("homePage"), raw.get("name")
        if not isinstance(page, str) or not page or not isinstance(name, str) or not name:
            raise AgentInvalid(_("The agent's account needs a homePage and a name."))
        return AgentRef("account", name[:200], page.rstrip("/")[:250])
    if not isinstance(raw, str) or not raw or len(raw) > 250:
        raise AgentInvalid(_("The agent's %(field)s must be a short string.") % {"field": ifi})
    if ifi == "mbox":
        if not raw.startswith("mailto:") or "@" not in raw:
            raise AgentInvalid(_("The agent's mbox must be a mailto: address."))
        return AgentRef("mbox", raw.lower())
    if ifi == "mbox_sha1sum":
        lowered = raw.lower()
        if len(lowered) != 40 or any(ch not in "0123456789abcdef" for ch in lowered):
            raise AgentInvalid(_("The agent's mbox_sha1sum must be 40 hexadecimal digits."))
        return AgentRef("mbox_sha1sum", lowered)
    return AgentRef("openid", raw)


def agent_is_user(agent: AgentRef, user) -> bool:
    """Does ``agent`` name ``user``? (Their account here, their address or its sum.)"""
    if agent.ifi == "account":
        return agent.home_page == home_page() and agent.value == str(user.pk)
    email = (user.email or "").lower()
    if not email:
        return False
    if agent.ifi == "mbox":
        return agent.value == f"mailto:{email}"
    if agent.ifi == "mbox_sha1sum":
        return (
            agent.value
            == hashlib.sha1(f"mailto:{email}".encode(), usedforsecurity=False).hexdigest()
        )
    return False


def user_for_agent(agent: AgentRef):
    """The active person of this site ``agent`` names (their account here, or their e-mail
    address when exactly one person has it), or ``None``: one query at most. An
    ``mbox_sha1sum`` or ``openid`` names nobody here that can be found."""
    people = get_user_model().objects.filter(is_active=True)
    if agent.ifi == "account":
        if agent.home_page != home_page() or not agent.value.isdigit():
            return None
        people = people.filter(pk=int(agent.value))
    elif agent.ifi == "mbox":
        people = people.filter(email__iexact=agent.value.removeprefix("mailto:"))
    else:
        return None
    found = list(people[:2])
    return found[0] if len(found) == 1 else None


def person_of(user) -> dict:
    """The Person object of the Agents resource (xAPI 1.0.3, 7.6): every identifier by
    which this site knows the person."""
    person = {
        "objectType": "Person",
        "account": [{"homePage": home_page(), "name": str(user.pk)}],
    }
    name = getattr(user, "display_name", "") or user.get_full_name() or ""
    if name:
        person["name"] = [name]
    if user.email:
        mbox = f"mailto:{user.email.lower()}"
        person["mbox"] = [mbox]
        person["mbox_sha1sum"] = [hashlib.sha1(mbox.encode(), usedforsecurity=False).hexdigest()]
    return person
