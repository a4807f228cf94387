"""Random assignment of a study's factories to arms, within strata, reproducibly.

The algorithm (written out in docs/rooms/reports.md) uses nothing but SHA-256, so any
language can derive the same assignment from the stored seed and the ordered eligible list:

1. Each eligible factory's stratum is fixed when the study is assigned (e.g.
   ``province=Binh Duong|size=500-1499``) and stored with it.
2. Within a stratum, the factories are ordered by ``sha256("<seed>:<factory id>")`` (the hex
   digest, then the id): a random permutation that depends on the seed only.
3. The arms (in their stored order) are dealt out in turn along that order, starting at arm
   number ``int(sha256("<seed>:<stratum>"), 16) % number of arms``, so each stratum's arms
   differ in size by at most one, and which arm gets the extra factory is itself random.

``assignment_check`` derives it again and compares it with what is stored; ``study_lock``
fixes it for good (every write below refuses a locked study).
"""

import hashlib
import itertools
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.reports.studies.models import Study, StudyFactory


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def size_band(workers: int, limits: list[int]) -> str:
    """``"<500"``, ``"500-1499"``, ``"1500+"`` for limits [500, 1500]."""
    limits = sorted(int(limit) for limit in limits)
    if not limits:
        return "all"
    if workers < limits[0]:
        return f"<{limits[0]}"
    for low, high in itertools.pairwise(limits):
        if low <= workers < high:
            return f"{low}-{high - 1}"
    return f"{limits[-1]}+"


def stratum_of(study: Study, factory) -> str:
    """The stratum of a factory (its organisation loaded), as a stable text key."""
    organisation = factory.organisation
    parts = []
    for name in study.strata:
        if name == Study.Stratum.COUNTRY:
            value = organisation.country.code if organisation.country_id else ""
        elif name == Study.Stratum.PROVINCE:
            value = (organisation.city or "").strip()
        elif name == Study.Stratum.SECTOR:
            value = organisation.sector.code if organisation.sector_id else ""
        elif name == Study.Stratum.SIZE:
            value = size_band(factory.workers_total, study.size_bands)
        else:
            continue
        parts.append(f"{name}={value or '-'}")
    return "|".join(parts) or "all"


def derive(seed: int, members: list[tuple[int, str]], arms: int) -> dict[int, int]:
    """The arm (0-based position) of each factory id, from the seed and the eligible list
    of ``(factory id, stratum)`` in any order."""
    if arms < 2:
        raise ValueError("a study needs at least two arms")
    by_stratum: dict[str, list[int]] = defaultdict(list)
    for factory_id, stratum in members:
        by_stratum[stratum].append(factory_id)
    result = {}
    for stratum, factory_ids in sorted(by_stratum.items()):
        ordered = sorted(factory_ids, key=lambda pk: (_digest(f"{seed}:{pk}"), pk))
        start = int(_digest(f"{seed}:{stratum}"), 16) % arms
        for i, factory_id in enumerate(ordered):
            result[factory_id] = (start + i) % arms
    return result


def fingerprint(seed: int, assignment: dict[int, int]) -> str:
    """One digest of the seed and every (factory, arm): shown so others can compare."""
    body = ";".join(f"{pk}:{arm}" for pk, arm in sorted(assignment.items()))
    return _digest(f"{seed}|{body}")


def _refuse_when_locked(study: Study) -> None:
    if study.is_locked:
        raise ValidationError(_("This study's assignment is locked and cannot change."))


@transaction.atomic
def study_members_set(*, study: Study, factories) -> None:
    """Set the eligible factories (before assignment is locked; an assignment made is
    cleared, as the eligible list changed)."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    _refuse_when_locked(study)
    wanted = {factory.pk for factory in factories}
    StudyFactory.objects.filter(study=study).exclude(factory_id__in=wanted).delete()
    existing = set(StudyFactory.objects.filter(study=study).values_list("factory_id", flat=True))
    StudyFactory.objects.bulk_create(
        StudyFactory(study=study, factory_id=pk) for pk in sorted(wanted - existing)
    )
    StudyFactory.objects.filter(study=study).update(arm=None, stratum="")
    Study.objects.filter(pk=study.pk).update(seed=None, assigned_at=None, assignment_digest="")


@transaction.atomic
def study_assign(*, study: Study, seed: int | None = None) -> dict[int, int]:
    """Assign (or assign again, until locked) with a new random seed, or the one given."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    _refuse_when_locked(study)
    arms = list(study.arms.order_by("position"))
    if len(arms) < 2:
        raise ValidationError(_("Give the study at least two arms before assigning."))
    members = list(
        StudyFactory.objects.filter(study=study).select_related(
            "factory__organisation__country", "factory__organisation__sector"
        )
    )
    if len(members) < len(arms):
        raise ValidationError(_("There are fewer eligible factories than arms."))
    seed = secrets.randbits(62) if seed is None else int(seed)
    for member in members:
        member.stratum = stratum_of(study, member.factory)
    assignment = derive(seed, [(m.factory_id, m.stratum) for m in members], len(arms))
    for member in members:
        member.arm = arms[assignment[member.factory_id]]
    StudyFactory.objects.bulk_update(members, ["stratum", "arm"], batch_size=500)
    study.seed = seed
    study.assigned_at = timezone.now()
    study.assignment_digest = fingerprint(seed, assignment)
    study.save(update_fields=["seed", "assigned_at", "assignment_digest"])
    return assignment


@dataclass(frozen=True)
class CheckResult:
    matches: bool
    derived_fingerprint: str
    stored_fingerprint: str
    differences: list[int]  # factory ids whose stored arm is not the derived one


def assignment_check(*, study: Study) -> CheckResult:
    """Derive the assignment again from the stored seed, strata and arms; compare."""
    if study.seed is None:
        raise ValidationError(_("The study has not been assigned yet."))
    positions = {arm.pk: i for i, arm in enumerate(study.arms.order_by("position"))}
    rows = list(
        StudyFactory.objects.filter(study=study).values_list("factory_id", "stratum", "arm_id")
    )
    derived = derive(study.seed, [(pk, stratum) for pk, stratum, _arm in rows], len(positions))
    stored = {pk: positions.get(arm) for pk, _stratum, arm in rows}
    differences = sorted(pk for pk in derived if derived[pk] != stored.get(pk))
    derived_print = fingerprint(study.seed, derived)
    return CheckResult(
        matches=not differences and derived_print == study.assignment_digest,
        derived_fingerprint=derived_print,
        stored_fingerprint=study.assignment_digest,
        differences=differences,
    )


@transaction.atomic
def study_lock(*, study: Study, user) -> Study:
    """Fix the assignment for good, once it checks out."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    _refuse_when_locked(study)
    if study.seed is None:
        raise ValidationError(_("Assign the factories before locking."))
    if not assignment_check(study=study).matches:
        raise ValidationError(_("The stored assignment does not match its seed: assign again."))
    study.locked_at = timezone.now()
    study.locked_by = user
    study.save(update_fields=["locked_at", "locked_by"])
    return study


def stratum_counts(study: Study, *, members=None) -> list[dict]:
    """Factories per stratum and arm (one query, none when the caller has the study's
    members): the balance of the assignment itself."""
    counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if members is None:
        pairs = StudyFactory.objects.filter(study=study).values_list("stratum", "arm_id")
    else:
        pairs = [(m.stratum, m.arm_id) for m in members]
    for stratum, arm_id in pairs:
        counts[stratum][arm_id] += 1
    return [{"stratum": s, "arms": dict(c)} for s, c in sorted(counts.items())]
