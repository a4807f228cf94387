"""The controlled experiment: reproducible assignment within strata, the check, locking,
outcomes, balance, the difference-in-differences estimate on a planted effect, the panel
export, permissions and query budgets."""

import csv
import datetime as dt
import io
import random
from collections import Counter
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from django.core.exceptions import ValidationError

from compliance.models import MonthlyFigures
from lms.reports.studies import assignment
from lms.reports.studies.analysis import balance, build_panel, did_estimates
from lms.reports.studies.models import Study, StudyExport, StudyFactory
from lms.reports.studies.outcomes import OUTCOMES, outcomes_for_years, year_period
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.compliance.factories import published_assessment
from tests.first_request import forget_what_processes_keep
from tests.reports.studies_data import (
    factory_in,
    plant_efficiency,
    stratified_factories,
    study_with,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("second_factor_for_everyone")]


def arms_of(study):
    return dict(StudyFactory.objects.filter(study=study).values_list("factory_id", "arm_id"))


def test_the_assignment_is_derived_again_from_the_seed_and_the_eligible_list():
    study = study_with(stratified_factories(24))
    derived = assignment.study_assign(study=study, seed=20260401)
    members = list(StudyFactory.objects.filter(study=study).values_list("factory_id", "stratum"))

    shuffled = members[:]
    random.Random(3).shuffle(shuffled)
    assert assignment.derive(20260401, shuffled, 2) == derived
    # The same seed on the study again gives the same arms; another seed another assignment.
    first = arms_of(study)
    assignment.study_assign(study=study, seed=20260401)
    assert arms_of(study) == first
    assignment.study_assign(study=study, seed=99)
    assert arms_of(study) != first
    study.refresh_from_db()
    assert study.seed == 99
    assert assignment.assignment_check(study=study).matches


def test_arms_are_balanced_within_every_stratum():
    factories = [*stratified_factories(24), factory_in("vn", city="Binh Duong", workers=300)]
    study = study_with(factories)
    assignment.study_assign(study=study)
    strata = assignment.stratum_counts(study)
    # 2 provinces x 3 size bands: 6 strata of 4, and one stratum of 5.
    assert sorted(sum(row["arms"].values()) for row in strata) == [4, 4, 4, 4, 4, 5]
    for row in strata:
        sizes = list(row["arms"].values())
        assert max(sizes) - min(sizes) <= 1
    assert {row["stratum"] for row in strata} >= {
        "province=Binh Duong|size=<500",
        "province=Dong Nai|size=1500+",
        "province=Binh Duong|size=500-1499",
    }


def test_the_check_finds_an_assignment_changed_behind_the_studys_back():
    study = study_with(stratified_factories(12))
    assignment.study_assign(study=study)
    study.refresh_from_db()
    member = StudyFactory.objects.filter(study=study).first()
    other_arm = study.arms.exclude(pk=member.arm_id).get()
    StudyFactory.objects.filter(pk=member.pk).update(arm=other_arm)

    result = assignment.assignment_check(study=study)
    assert not result.matches
    assert result.differences == [member.factory_id]
    with pytest.raises(ValidationError):
        assignment.study_lock(study=study, user=global_admin())


def test_a_locked_assignment_cannot_change(client):
    staff = country_staff("vn")
    study = study_with(stratified_factories(12))
    assignment.study_assign(study=study)
    assignment.study_lock(study=study, user=staff)
    locked = arms_of(study)
    study.refresh_from_db()

    with pytest.raises(ValidationError):
        assignment.study_assign(study=study)
    with pytest.raises(ValidationError):
        assignment.study_members_set(study=study, factories=[factory_in("vn")])
    with pytest.raises(ValidationError):
        assignment.study_lock(study=study, user=staff)
    client.force_login(staff)
    response = client.post(f"/admin/studies/{study.pk}/assign/", follow=True)
    assert "locked" in response.content.decode()
    assert arms_of(study) == locked
    assert Study.objects.get(pk=study.pk).seed == study.seed
    assert assignment.assignment_check(study=study).matches


def test_non_compliance_rate_is_the_share_of_points_non_compliant_in_the_latest_assessment():
    item = factory_in("vn")
    # Six questions over three points (Q.1 and Q.4 on the first): one point non-compliant.
    published_assessment(item, non_compliant_codes=("Q.1", "Q.4"))
    outcome = OUTCOMES["non_compliance_rate"]
    assert outcome([item.pk], year_period(2026)) == {item.pk: 33.33}
    assert outcome([item.pk], year_period(2025)) == {}


def test_monthly_outcomes_are_means_of_the_months_reported(django_assert_num_queries):
    study = study_with(stratified_factories(4), outcomes=("efficiency", "employment"))
    assignment.study_assign(study=study, seed=1)
    plant_efficiency(study, effect=0)
    member = study.members.first()
    values = list(
        member.factory.monthly_figures.filter(month__year=2022).values_list(
            "efficiency_percent", flat=True
        )
    )
    expected = round(float(sum(values)) / 2, 2)
    assert OUTCOMES["efficiency"]([member.factory_id], year_period(2022)) == {
        member.factory_id: expected
    }
    assert OUTCOMES["employment"]([member.factory_id], year_period(2022)) == {
        member.factory_id: 1000.0
    }
    assert OUTCOMES["employment"]([member.factory_id], year_period(2030)) == {}


def test_the_difference_in_differences_finds_a_planted_effect():
    study = study_with(stratified_factories(24), outcomes=("efficiency", "defect_rate"))
    assignment.study_assign(study=study, seed=5)
    plant_efficiency(study, effect=5.0)

    estimates = {e.outcome: e for e in did_estimates(study)}
    efficiency = estimates["efficiency"]
    assert efficiency.low <= 5.0 <= efficiency.high
    assert efficiency.low > 0  # the interval excludes no effect
    assert abs(efficiency.effect - 5.0) < 1.0
    assert efficiency.factories == 24
    assert efficiency.observations == 24 * 4
    # No defect figures were planted: no estimate, and the reason says why.
    assert estimates["defect_rate"].effect is None
    assert estimates["defect_rate"].reason


def test_without_an_effect_the_interval_holds_zero_about_as_often_as_it_says():
    # One draw is a lottery (a 95% interval misses zero one time in twenty, and the arms
    # follow the factories' ids, which differ between databases): twenty draws of noise
    # must hold zero nearly every time. Fewer than 16 of 20 has a chance under 0.2% for a
    # well-made 95% interval, and is what an interval too narrow by half would give.
    study = study_with(stratified_factories(24))
    assignment.study_assign(study=study, seed=11)
    members = list(study.members.values_list("factory_id", flat=True))
    held = 0
    for seed in range(20):
        MonthlyFigures.objects.filter(factory_id__in=members).delete()
        plant_efficiency(study, effect=0.0, seed=seed)
        (efficiency,) = did_estimates(study)
        held += efficiency.low < 0 < efficiency.high
    assert held >= 16


def test_balance_shows_each_arms_baseline_mean():
    study = study_with(stratified_factories(12))
    assignment.study_assign(study=study, seed=2)
    plant_efficiency(study, effect=5.0)
    arms, rows = balance(study)
    workers, efficiency = rows
    assert [a.name for a in arms] == ["Services now", "Services a year later"]
    assert workers.counts == [6, 6]
    panel = build_panel(study)
    treated_baseline = [
        r["efficiency"] for r in panel.rows if r["arm"] == "Services now" and not r["post"]
    ]
    # Mean over factories of each factory's baseline mean (two years each: the plain mean).
    assert efficiency.means[0] == round(sum(treated_baseline) / len(treated_baseline), 2)
    assert efficiency.standardised_difference is not None


def test_the_panel_export_has_every_factory_year_and_no_names_or_people(
    client, django_capture_on_commit_callbacks
):
    staff = country_staff("vn")
    factories = stratified_factories(6)
    study = study_with(factories, outcomes=("efficiency", "non_compliance_rate"))
    assignment.study_assign(study=study)
    plant_efficiency(study)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/studies/{study.pk}/export/")
    export = StudyExport.objects.get()
    assert export.status == StudyExport.Status.READY, export.error
    assert export.rows == 6 * 4

    parquet = client.get(f"/admin/studies/exports/{export.pk}/parquet/")
    table = pq.read_table(io.BytesIO(b"".join(parquet.streaming_content)))
    expected = [
        "factory",
        "country",
        "stratum",
        "arm",
        "comparison",
        "year",
        "post",
        "efficiency",
        "non_compliance_rate",
    ]
    assert table.column_names == expected
    assert table.num_rows == 24
    assert Counter(table.column("year").to_pylist()) == {2022: 6, 2023: 6, 2024: 6, 2025: 6}
    assert set(table.column("post").to_pylist()) == {False, True}

    text = b"".join(client.get(f"/admin/studies/exports/{export.pk}/csv/").streaming_content)
    rows = list(csv.DictReader(io.StringIO(text.decode())))
    assert list(rows[0]) == expected
    assert len(rows) == 24
    dictionary = b"".join(
        client.get(f"/admin/studies/exports/{export.pk}/dictionary/").streaming_content
    ).decode()
    assert [r["column"] for r in csv.DictReader(io.StringIO(dictionary))] == expected
    for item in factories:
        assert item.legal_name not in text.decode()
        assert item.organisation.name not in text.decode()
    assert not {str(item.pk) for item in factories} & {r["factory"] for r in rows}
    people = [staff.username, staff.email, staff.display_name]
    assert not any(p in text.decode() or p in dictionary for p in people)
    # Someone else cannot download it.
    client.force_login(country_staff("vn"))
    refused = client.get(f"/admin/studies/exports/{export.pk}/csv/", follow=True)
    assert refused.status_code == 404


def test_staff_create_a_study_through_the_form(client):
    staff = country_staff("vn")
    factories = stratified_factories(4)
    elsewhere = factory_in("jo")
    client.force_login(staff)
    data = {
        "name": "Vietnam trial",
        "country": staff.country_id,
        "first_year": 2022,
        "intervention_year": 2024,
        "last_year": 2025,
        "strata": ["province"],
        "size_bands": "500, 1500",
        "outcomes": ["efficiency", "non_compliance_rate"],
        "arms": "Services now\nServices a year later",
        "factories": [f.pk for f in factories] + [elsewhere.pk],
    }
    refused = client.post("/admin/studies/new/", data)
    assert refused.status_code == 200
    assert 'value="Vietnam trial"' in refused.content.decode()  # what was typed stays
    data["factories"] = [f.pk for f in factories]
    response = client.post("/admin/studies/new/", data)
    study = Study.objects.get()
    assert response.status_code == 302
    assert study.outcomes == ["efficiency", "non_compliance_rate"]
    assert [a.is_comparison for a in study.arms.all()] == [False, True]
    assert study.members.count() == 4
    client.post(f"/admin/studies/{study.pk}/assign/")
    study.refresh_from_db()
    assert study.seed is not None
    checked = client.post(f"/admin/studies/{study.pk}/check/", follow=True)
    assert "the same assignment" in checked.content.decode()


@pytest.mark.parametrize("path", ["", "assign/", "check/", "lock/", "export/"])
def test_only_staff_of_the_studys_country_reach_it(client, path):
    study = study_with(stratified_factories(4, code="jo"), code="jo")
    assignment.study_assign(study=study)
    url = f"/admin/studies/{study.pk}/{path}"
    send = client.get if not path else client.post

    anonymous = send(url)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    client.force_login(UserFactory(roles=["worker"]))
    assert send(url).status_code in (302, 403)
    client.force_login(country_staff("vn"))
    assert send(url, follow=True).status_code == 404
    assert study.name not in client.get("/admin/studies/").content.decode()
    client.force_login(country_staff("jo"))
    assert send(url).status_code in (200, 302)


def test_a_study_across_countries_is_for_global_staff(client):
    study = study_with(stratified_factories(4), code=None)
    client.force_login(country_staff("vn"))
    assert client.get(f"/admin/studies/{study.pk}/", follow=True).status_code == 404
    client.force_login(global_admin())
    assert client.get(f"/admin/studies/{study.pk}/").status_code == 200


# Country staff on a study's page: session, person, permissions, the study with its arms
# (and whether they asked for exports), the members with their factories, the monthly
# figures' outcomes for all the years (one query however many), the non-compliance rate for
# all the years, and the admin's locales, page and collection permissions.
STUDY_PAGE_QUERIES = 10


def test_the_study_page_takes_ten_queries_at_most_at_two_sizes_and_any_number_of_outcomes(
    client, django_assert_max_num_queries
):
    """Issue 14: a study of 8 factories and one of 32, with two outcomes over four years,
    the same queries, ten at most, on a process's first request (what each process keeps
    forgotten) and on the next; and a study measuring every outcome the same again
    (decision 0623: the monthly figures' outcomes are read together)."""
    client.force_login(country_staff("vn"))
    two = ("efficiency", "non_compliance_rate")
    counts = {}
    for size, outcomes in ((8, two), (32, two), (32, tuple(OUTCOMES))):
        study = study_with(stratified_factories(size), outcomes=outcomes)
        assignment.study_assign(study=study, seed=3)
        plant_efficiency(study)
        forget_what_processes_keep()
        for request in ("first", "again"):
            with django_assert_max_num_queries(STUDY_PAGE_QUERIES) as captured:
                response = client.get(f"/admin/studies/{study.pk}/")
            assert response.status_code == 200
            html = response.content.decode()
            assert "Difference-in-differences" in html
            assert all(str(OUTCOMES[key].label) in html for key in outcomes)
            counts[request, size, len(outcomes)] = len(captured)
    assert len(OUTCOMES) > 3
    for request in ("first", "again"):
        assert (
            counts[request, 8, 2] == counts[request, 32, 2] == counts[request, 32, len(OUTCOMES)]
        ), counts


def test_every_outcome_read_for_several_years_at_once_is_what_each_year_gives(
    django_assert_num_queries,
):
    """The study page reads an outcome for all its years in one go (``for_years``): the
    values must be those of the one-period form, year by year, on varied data (months
    without a figure, accidents, assessments twice a year, a year without data)."""
    rng = random.Random(14)
    factories = stratified_factories(6)
    for item in factories:
        for year in (2022, 2023, 2025):
            for month in rng.sample(range(1, 13), 3):
                MonthlyFigures.objects.create(
                    factory=item,
                    month=dt.date(year, month, 1),
                    employees_women=rng.randint(100, 900),
                    employees_men=rng.randint(0, 300),
                    efficiency_percent=rng.choice([None, Decimal(f"{rng.uniform(40, 90):.2f}")]),
                    absenteeism_percent=Decimal(f"{rng.uniform(1, 9):.2f}"),
                    lost_time_accidents=rng.choice([None, 0, 1, 3]),
                )
    published_assessment(factories[0], starts_on=dt.date(2023, 3, 10), non_compliant_codes=("Q.1",))
    published_assessment(factories[0], starts_on=dt.date(2023, 9, 10))
    published_assessment(
        factories[1], starts_on=dt.date(2025, 5, 10), non_compliant_codes=("Q.1", "Q.4")
    )
    ids = [item.pk for item in factories]
    years = [2022, 2023, 2024, 2025]
    expected = {
        key: {year: o(ids, year_period(year)) for year in years} for key, o in OUTCOMES.items()
    }
    for key, outcome in OUTCOMES.items():
        assert outcome.for_years(ids, years) == expected[key], key
    assert OUTCOMES["non_compliance_rate"].for_years(ids, years)[2023] == {factories[0].pk: 0.0}
    # All of them together (a study's page): the monthly figures' outcomes in one query.
    with django_assert_num_queries(2):
        together = outcomes_for_years(list(OUTCOMES), ids, years)
    assert together == expected
    assert outcomes_for_years(["efficiency", "lost_time_accidents"], ids, years) == {
        key: expected[key] for key in ("efficiency", "lost_time_accidents")
    }
