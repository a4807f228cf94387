"""Print one demo login per role."""

from django.core.management.base import BaseCommand

from lms.accounts.demo import DEMO_PASSWORD
from lms.portal.demo import PEOPLE


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        self.stdout.write("")
        self.stdout.write("Better Work Learning is at http://127.0.0.1:8000  (admin: /admin/)")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for person in PEOPLE:
            roles = ", ".join(person.roles)
            self.stdout.write(f"  {person.username:<12} {roles:<28} {person.display_name}")
        # People other rooms' demo steps add (the compliance room's advisor, labour inspector
        # and union member in Vietnam, the buyer of issue 17).
        from lms.accounts.models import User

        listed = {person.username for person in PEOPLE}
        others = ["advisor.vn", "inspector.vn", "union.vn", "buyer"]
        for user in User.objects.filter(username__in=others).exclude(username__in=listed):
            roles = ", ".join(sorted(user.role_codes()))
            self.stdout.write(f"  {user.username:<12} {roles:<28} {user.display_name}")
        self.stdout.write(
            "Factories and their assessments, plans and figures: /en/factories/ "
            "(advisors, managers and staff)."
        )
        self.stdout.write(
            "The buyer (buyer) sees its suppliers at /en/factories/buyers/; the factory's "
            "manager (manager) shares with buyers at its factory's Sharing page."
        )
        self.stdout.write(
            "Public factory pages: /en/transparency/ (anyone). Labour inspection: "
            "/en/factories/inspection/ (inspector.vn); country figures: /en/factories/partners/ "
            "(union.vn); factory responses to approve: /en/factories/public/responses/ (staff.vn)."
        )
        self.stdout.write(
            "A factory's workforce (training, certificates, overdue required training): "
            "/en/workforce/ (manager and hr.vn at Dong Nai Footwear, with a second factor)."
        )
        self.stdout.write(
            "Staff (staff.vn, staff.jo, admin) are asked to set up two-factor authentication "
            "(any TOTP app) before the admin opens."
        )
        self.stdout.write("")
