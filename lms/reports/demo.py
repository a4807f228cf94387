"""Demo content for the impact dashboard: coverage targets for Viet Nam and Jordan, the
optional demographics of demo learners (so the gender and migrant charts say something),
registered workers and supervisors not yet trained (so coverage is below 100%), and a
month of awareness-media views. Idempotent."""

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from lms.accounts.models import Organisation, Role, User
from lms.accounts.services import user_roles_set
from lms.reports.models import CoverageTarget
from lms.taxonomy.models import Country

DEMO_NAMESPACE = uuid.UUID("6d1f3f0e-7a7c-4c55-9a49-0d2b8f0a6060")

TARGETS = {
    # Jordan's published targets (managers, supervisors, workers); Viet Nam's plan.
    "jo": {"manager": 100, "supervisor": 50, "worker": 20},
    "vn": {"manager": 100, "supervisor": 60, "worker": 25},
}

# People registered by their factory who have not been trained yet.
UNTRAINED = {"vn": {"worker": 30, "supervisor": 4}, "jo": {"worker": 24, "supervisor": 3}}


def load_targets():
    for code, targets in TARGETS.items():
        country = Country.objects.canonical().filter(code=code).first()
        if country is None:
            continue
        for role, percent in targets.items():
            CoverageTarget.objects.get_or_create(
                country=country, role=role, defaults={"percent": percent}
            )


def load_demographics():
    """Fill in the optional gender and migrant status of demo learners who left them
    blank, in a fixed pattern (never overwriting what a person chose)."""
    genders = ["woman", "woman", "man", "woman", "man", "undisclosed"]
    statuses = ["local", "local", "migrant", "local", "undisclosed"]
    learners = (
        User.objects.filter(
            roles__code__in=["worker", "supervisor", "manager"], country__isnull=False
        )
        .distinct()
        .order_by("pk")
    )
    for number, person in enumerate(learners):
        changed = []
        if not person.gender:
            person.gender = genders[number % len(genders)]
            changed.append("gender")
        if not person.migrant_status:
            person.migrant_status = statuses[number % len(statuses)]
            changed.append("migrant_status")
        if changed:
            person.save(update_fields=changed)


def load_untrained():
    for code, roles in UNTRAINED.items():
        country = Country.objects.canonical().filter(code=code).first()
        if country is None:
            continue
        organisations = list(Organisation.objects.filter(country=country).order_by("pk"))
        for role, count in roles.items():
            for number in range(1, count + 1):
                username = f"demo-{code}-{role}-{number:02d}"
                if User.objects.filter(username=username).exists():
                    continue
                person = User(
                    username=username,
                    display_name=f"{role.title()} {code.upper()}-{number:02d}",
                    country=country,
                    organisation=organisations[number % len(organisations)]
                    if organisations
                    else None,
                    gender="woman" if number % 3 else "man",
                    migrant_status="migrant" if code == "jo" and number % 4 == 0 else "local",
                    preferred_language={"vn": "vi", "jo": "ar"}[code],
                )
                person.set_unusable_password()
                person.save()
                user_roles_set(user=person, roles=[Role.Code(role)])


def load_reach():
    """A month of views of the demo videos, by language and country."""
    from media_library.models import ReachEvent, VideoItem

    videos = list(VideoItem.objects.order_by("pk")[:6])
    countries = {c.code: c for c in Country.objects.canonical().filter(code__in=["vn", "jo"])}
    if not videos or not countries:
        return
    today = timezone.localdate()
    events = []
    for v_number, video in enumerate(videos):
        for code, language in (("vn", "vi"), ("jo", "ar"), ("jo", "en")):
            if code not in countries:
                continue
            for day in range(30):
                views = (v_number + day + len(language)) % 4
                for n in range(views):
                    for action in ("view", "complete") if n == 0 else ("view",):
                        key = f"{video.pk}:{code}:{language}:{day}:{n}:{action}"
                        events.append(
                            ReachEvent(
                                id=uuid.uuid5(DEMO_NAMESPACE, key),
                                kind=ReachEvent.Kind.VIDEO,
                                video=video,
                                language=language,
                                country=countries[code],
                                action=action,
                                day=today - dt.timedelta(days=day),
                            )
                        )
    ReachEvent.objects.bulk_create(events, ignore_conflicts=True)


@transaction.atomic
def load():
    load_targets()
    load_demographics()
    load_untrained()
    load_reach()
