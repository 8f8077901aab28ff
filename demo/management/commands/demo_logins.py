"""Print where the demo runs and how each demo user logs in (bin/run prints it last)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from ...seed import DEMO_EMAIL, DEMO_PASSWORD, STAFF_EMAIL, TRAINER_EMAIL


class Command(BaseCommand):
    help = "Print the demo's address and its logins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=settings.SITE_URL)

    def handle(self, *args, url, **options):
        self.stdout.write(
            f"\n  CSPO Tracker runs at {url}/\n\n"
            f"  Practitioner  {DEMO_EMAIL} / {DEMO_PASSWORD}\n"
            f"  Trainer       {TRAINER_EMAIL} / {DEMO_PASSWORD}\n"
            f"  Staff         {STAFF_EMAIL} / {DEMO_PASSWORD}   (the admin: {url}/admin/)\n"
            "  Trainer and staff then type a two-factor code: bin/manage demo_totp_code\n\n"
            "  Emails are printed here. Stop with Ctrl+C.\n"
        )
