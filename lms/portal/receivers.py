"""Where the portal listens to the rooms it connects. Each receiver only hands over to a
task (after commit), so that a failure never undoes the change that was heard of.

Certification's signals are sent after its transaction commits; a certificate issued,
renewed or revoked updates the communities of certificate holders (docs/decisions/0004).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from certification.signals import certificate_issued, certificate_renewed, certificate_revoked
from lms.portal.models import CertificateCommunity


def on_certificate_granted(sender, *, certificate, **kwargs):
    from lms.portal import tasks  # Celery is loaded when a task is sent, not by every worker

    tasks.certificate_communities_grant_task.delay(certificate.pk)


def on_certificate_revoked(sender, *, certificate, **kwargs):
    from lms.portal import tasks

    tasks.certificate_communities_withdraw_task.delay(certificate.holder_id)


def on_link_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from lms.portal import tasks

        link_id = instance.pk
        transaction.on_commit(lambda: tasks.certificate_community_fill_task.delay(link_id))


def on_link_deleted(sender, instance, **kwargs):
    from lms.portal import tasks

    transaction.on_commit(lambda: tasks.certificate_communities_withdraw_task.delay())


def certificates_of_organisation(organisation_id: int) -> list[dict]:
    """The certificates held by an organisation's people, for the training record a factory
    shares with its buyers (compliance may not import certification: the portal hands them
    over, decision 0701). One query."""
    from certification.models import Certificate

    certificates = (
        Certificate.objects.filter(holder__organisation_id=organisation_id)
        .select_related("programme")
        .order_by("holder_name", "issued_on", "pk")
    )
    return [
        {
            "holder_id": c.holder_id,
            "holder_name": c.holder_name,
            "programme": str(c.programme),
            "issued_on": c.issued_on,
            "expires_on": c.expires_on,
            "state": c.state,
            "state_display": str(c.get_state_display()),
        }
        for c in certificates
    ]


def connect():
    from compliance.sharing import certificate_source_register

    certificate_source_register(certificates_of_organisation)
    certificate_issued.connect(on_certificate_granted, dispatch_uid="portal.certificate_issued")
    certificate_renewed.connect(on_certificate_granted, dispatch_uid="portal.certificate_renewed")
    certificate_revoked.connect(on_certificate_revoked, dispatch_uid="portal.certificate_revoked")
    post_save.connect(
        on_link_saved, sender=CertificateCommunity, dispatch_uid="portal.certificate_community"
    )
    post_delete.connect(
        on_link_deleted, sender=CertificateCommunity, dispatch_uid="portal.certificate_community"
    )
