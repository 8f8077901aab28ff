from django.core.management.base import BaseCommand

from renewals.demo import DEMO_EMAIL, DEMO_PASSWORD, STAFF_EMAIL, TRAINER_EMAIL, seed_demo


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
