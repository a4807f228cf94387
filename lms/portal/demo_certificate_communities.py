"""Demo of the link the portal keeps between certification and community: the certified
trainers' lounge belongs to the trainer programme, so the demo's certified trainer is in it
because of their certificate (the holder of the expired one is not). Runs after both rooms'
demos. Idempotent."""

from certification.models import Programme
from community.models import Community
from lms.portal.models import CertificateCommunity
from lms.portal.services import certificate_community_fill

LINKS = [("certified-trainer", "certified-trainers")]


def load():
    for programme_slug, community_slug in LINKS:
        programme = Programme.objects.canonical().filter(slug=programme_slug).first()
        community = Community.objects.filter(slug=community_slug).first()
        if programme is None or community is None:
            continue
        link, _created = CertificateCommunity.objects.get_or_create(
            programme=programme, community=community
        )
        # The receiver fills a new link after commit; calling it here too costs nothing
        # (idempotent) and makes the demo complete before the command returns.
        certificate_community_fill(link=link)
