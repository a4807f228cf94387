"""Factories for taxonomy terms. The data migration loads the real ones; these make more."""

import factory
from wagtail.models import Locale

from lms.taxonomy.models import Cluster, CompliancePoint, Country, Sector


def default_locale():
    return Locale.get_default()


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country

    locale = factory.LazyFunction(default_locale)
    code = factory.Sequence(lambda n: f"c{n}")
    name = factory.Sequence(lambda n: f"Country {n}")
    iso_code = factory.Sequence(lambda n: f"{chr(65 + n % 26)}{chr(65 + n // 26 % 26)}")
    languages = factory.LazyFunction(lambda: ["en"])


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    locale = factory.LazyFunction(default_locale)
    code = factory.Sequence(lambda n: f"sector-{n}")
    name = factory.Sequence(lambda n: f"Sector {n}")


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    locale = factory.LazyFunction(default_locale)
    code = factory.Sequence(lambda n: f"cluster-{n}")
    name = factory.Sequence(lambda n: f"Cluster {n}")
    kind = Cluster.Kind.CONDITIONS


class CompliancePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompliancePoint

    locale = factory.LazyFunction(default_locale)
    code = factory.Sequence(lambda n: f"point-{n}")
    name = factory.Sequence(lambda n: f"Point {n}")
    cluster = factory.SubFactory(ClusterFactory)


def country(code: str) -> Country:
    """A country loaded by the data migration, in the default language."""
    return Country.objects.canonical().get(code=code)


def sector(code: str) -> Sector:
    return Sector.objects.canonical().get(code=code)


def cluster(code: str) -> Cluster:
    return Cluster.objects.canonical().get(code=code)
