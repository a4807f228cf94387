"""What a study shows: its panel (factory × year × arm × outcomes), the balance between arms
at baseline, and a difference-in-differences estimate per outcome (statsmodels OLS with
cluster-robust standard errors by factory; decision 0610)."""

import hashlib
import hmac
import math
import statistics
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lms.reports.studies.models import Study, StudyFactory
from lms.reports.studies.outcomes import OUTCOMES, outcomes_for_years

CONFIDENCE = 0.95


def factory_pseudonym(study: Study, factory_id: int) -> str:
    """A factory's code in this study's exports. Factories are organisations, not people,
    but assessment results are confidential to a factory and its buyers: the panel carries
    a code that only the system can turn back into the factory."""
    key = settings.SECRET_KEY.encode()
    message = f"study:{study.pk}:factory:{factory_id}".encode()
    return "F" + hmac.new(key, message, hashlib.sha256).hexdigest()[:10]


@dataclass
class Panel:
    study: Study
    outcome_keys: list[str]
    rows: list[
        dict
    ]  # factory_id, pseudonym, country, stratum, arm, comparison, year, post, outcomes
    members: list[StudyFactory] = field(default_factory=list)  # the assigned, with factory


def study_outcomes(study: Study) -> list[str]:
    return [key for key in study.outcomes if key in OUTCOMES]


def panel_members(study: Study):
    """The study's factories, each with its factory, organisation, country and arm (those
    not assigned yet included), in the order of the study's assignment table: what the panel
    and the study's page show of them."""
    return (
        StudyFactory.objects.filter(study=study)
        .select_related("arm", "factory__organisation__country")
        .order_by("stratum", "factory__legal_name")
    )


def build_panel(study: Study, *, members: list[StudyFactory] | None = None) -> Panel:
    """Every assigned factory in every year of the study. Queries: one for the members
    (none when the caller gives them, as ``panel_members`` reads them), then one for all the
    outcomes read from the monthly figures and one for each other outcome, for all the
    years (never per factory or per year)."""
    if members is None:
        members = list(panel_members(study))
    members = sorted((m for m in members if m.arm_id is not None), key=lambda m: m.factory_id)
    ids = [m.factory_id for m in members]
    keys = study_outcomes(study)
    by_year = outcomes_for_years(keys, ids, study.years())
    values = {(key, year): by_year[key][year] for key in keys for year in study.years()}
    rows = []
    for member in members:
        for year in study.years():
            row = {
                "factory_id": member.factory_id,
                "factory": factory_pseudonym(study, member.factory_id),
                "country": member.factory.organisation.country.iso_code,
                "stratum": member.stratum,
                "arm": member.arm.name,
                "arm_position": member.arm.position,
                "comparison": member.arm.is_comparison,
                "year": year,
                "post": year >= study.intervention_year,
            }
            for key in keys:
                row[key] = values[(key, year)].get(member.factory_id)
            rows.append(row)
    return Panel(study=study, outcome_keys=keys, rows=rows, members=members)


def _mean(values):
    values = [v for v in values if v is not None]
    return round(statistics.fmean(values), 2) if values else None


def _sd(values):
    values = [v for v in values if v is not None]
    return statistics.stdev(values) if len(values) > 1 else None


@dataclass
class BalanceRow:
    label: str
    means: list  # one per arm, in arm order
    counts: list  # factories with a value, per arm
    standardised_difference: float | None  # first arm against the comparison arm

    @property
    def pairs(self):
        return list(zip(self.means, self.counts, strict=True))


def _arms(study: Study, arms: list | None) -> list:
    return list(study.arms.order_by("position")) if arms is None else arms


def balance(
    study: Study, panel: Panel | None = None, *, arms: list | None = None
) -> tuple[list, list[BalanceRow]]:
    """The arms' means at baseline (the years before services start) on the factory's size
    and every outcome, with the standardised difference between the first arm and the
    comparison arm (difference of means over the pooled standard deviation; below 0.1 is
    commonly read as balanced). ``arms``: the study's, in position order, when the caller
    has them."""
    panel = panel or build_panel(study)
    arms = _arms(study, arms)
    comparison = next((a for a in arms if a.is_comparison), arms[-1] if arms else None)
    treated = next((a for a in arms if a is not comparison), None)
    baseline = [row for row in panel.rows if not row["post"]]
    workers = {m.factory_id: m.factory.workers_total for m in panel.members}
    arm_of = {m.factory_id: m.arm_id for m in panel.members}

    def per_factory(key) -> dict[int, float]:
        by_factory: dict[int, list] = {}
        for row in baseline:
            if row[key] is not None:
                by_factory.setdefault(row["factory_id"], []).append(row[key])
        return {pk: statistics.fmean(v) for pk, v in by_factory.items()}

    measures = [(_("Workers"), {pk: float(n) for pk, n in workers.items()})]
    measures += [(OUTCOMES[key].label, per_factory(key)) for key in panel.outcome_keys]
    rows = []
    for label, values in measures:
        groups = {
            arm.pk: [v for pk, v in values.items() if arm_of.get(pk) == arm.pk] for arm in arms
        }
        difference = None
        if treated and comparison:
            a, b = groups[treated.pk], groups[comparison.pk]
            sd_a, sd_b = _sd(a), _sd(b)
            if sd_a is not None and sd_b is not None:
                pooled = math.sqrt((sd_a**2 + sd_b**2) / 2)
                if pooled > 0:
                    difference = round((statistics.fmean(a) - statistics.fmean(b)) / pooled, 3)
        rows.append(
            BalanceRow(
                label=label,
                means=[_mean(groups[arm.pk]) for arm in arms],
                counts=[len(groups[arm.pk]) for arm in arms],
                standardised_difference=difference,
            )
        )
    return arms, rows


@dataclass
class Estimate:
    outcome: str
    label: str
    arm: str
    effect: float | None = None
    low: float | None = None
    high: float | None = None
    p_value: float | None = None
    observations: int = 0
    factories: int = 0
    reason: str = ""  # why there is no estimate


def did_estimates(
    study: Study, panel: Panel | None = None, *, arms: list | None = None
) -> list[Estimate]:
    """For each outcome and each arm against the comparison arm: the coefficient of
    arm × post in ``y ~ arm + post + arm:post`` (OLS), its 95 % confidence interval from
    standard errors clustered by factory."""
    import pandas as pd
    import statsmodels.formula.api as smf

    panel = panel or build_panel(study)
    arms = _arms(study, arms)
    comparison = next((a for a in arms if a.is_comparison), arms[-1] if arms else None)
    estimates = []
    for key in panel.outcome_keys:
        for arm in arms:
            if arm is comparison:
                continue
            estimate = Estimate(outcome=key, label=str(OUTCOMES[key].label), arm=arm.name)
            data = pd.DataFrame(
                [
                    {
                        "y": row[key],
                        "treated": int(row["arm_position"] == arm.position),
                        "post": int(row["post"]),
                        "cluster": row["factory_id"],
                    }
                    for row in panel.rows
                    if row[key] is not None
                    and row["arm_position"] in (arm.position, comparison.position)
                ]
            )
            estimate.observations = len(data)
            estimate.factories = int(data["cluster"].nunique()) if len(data) else 0
            cells = (
                data.groupby(["treated", "post"])["cluster"].nunique() if len(data) else pd.Series()
            )
            if len(cells) < 4 or cells.min() < 2:
                estimate.reason = str(
                    _("Not enough data: each arm needs two factories or more before and after.")
                )
                estimates.append(estimate)
                continue
            fit = smf.ols("y ~ treated + post + treated:post", data=data).fit(
                cov_type="cluster", cov_kwds={"groups": data["cluster"]}
            )
            low, high = fit.conf_int(alpha=1 - CONFIDENCE).loc["treated:post"]
            effect = fit.params["treated:post"]
            if not all(math.isfinite(v) for v in (effect, low, high)):
                estimate.reason = str(_("The model could not be estimated on these data."))
            else:
                estimate.effect = round(float(effect), 3)
                estimate.low = round(float(low), 3)
                estimate.high = round(float(high), 3)
                estimate.p_value = round(float(fit.pvalues["treated:post"]), 4)
            estimates.append(estimate)
    return estimates
