from django.core.management.base import BaseCommand

from ...seed import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    STAFF_EMAIL,
    TRAINER_EMAIL,
    demo_totp_uri,
    seed_demo,
)


class Command(BaseCommand):
    help = "Create demo data (idempotent: a second run creates nothing)."

    def handle(self, *args, **options):
        counts = seed_demo()
        self.stdout.write(
            f"Demo data ready: {counts['credentials']} credentials and "
            f"{counts['seu_entries']} SEU entries created."
        )
        self.stdout.write(f"Practitioner login: {DEMO_EMAIL} / {DEMO_PASSWORD}")
        self.stdout.write(f"Trainer login:      {TRAINER_EMAIL} / {DEMO_PASSWORD}")
        self.stdout.write(f"Staff login:        {STAFF_EMAIL} / {DEMO_PASSWORD} (admin at /admin/)")
        self.stdout.write(
            f"Trainer and staff also type a code from an authenticator app holding the demo "
            f"TOTP secret {DEMO_TOTP_SECRET}:\n"
            f"  {demo_totp_uri(TRAINER_EMAIL)}\n"
            f"  {demo_totp_uri(STAFF_EMAIL)}\n"
            f"  or print the current code: bin/manage demo_totp_code"
        )
