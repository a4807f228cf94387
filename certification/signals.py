"""Signals certification sends, after the transaction commits, for higher rooms (portal,
reports) to react without certification importing them. Keyword argument: ``certificate``.

``certificate_issued`` -- a certificate was issued (once per candidacy)
``certificate_revoked`` -- a certificate was revoked
``certificate_renewed`` -- a certificate's validity was extended (also ``renewal``)
"""

from django.dispatch import Signal

certificate_issued = Signal()
certificate_revoked = Signal()
certificate_renewed = Signal()
