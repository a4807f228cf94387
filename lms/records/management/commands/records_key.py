"""Make or revoke a personal recording key: `manage.py records_key <username> --name kiosk`."""

from django.core.management.base import BaseCommand, CommandError

from lms.accounts.models import User
from lms.records.models import AccessToken
from lms.records.tokens import access_token_create, access_token_revoke


class Command(BaseCommand):
    help = "Make a recording key for a person (shown once), or revoke one with --revoke ID."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="app")
        parser.add_argument("--revoke", type=int, help="the id of a key to revoke")

    def handle(self, *args, username, name, revoke, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No one is called {username}.")
        if revoke:
            token = AccessToken.objects.filter(user=user, pk=revoke).first()
            if token is None:
                raise CommandError(f"{username} has no key {revoke}.")
            access_token_revoke(token=token)
            self.stdout.write(f"Key {revoke} of {username} is revoked.")
            return
        token, key = access_token_create(user=user, name=name)
        self.stdout.write(f"Key {token.pk} for {username} ({name}), shown only now:\n{key}")
        self.stdout.write("Send it as: Authorization: Bearer <key>")
