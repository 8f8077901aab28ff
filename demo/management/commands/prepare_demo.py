"""Ready the embedded demo in one process, one line a step (bin/run): the database's
migrations, the demo data, and one daily sweep whose emails are kept in the outbox
rather than printed."""

import logging

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import override_settings

from cspo_tracker.outbox.models import OutboundEmail
from renewals.models import SweepRun
from renewals.sweep.runs import run_recorded_sweep

from ...seed import seed_demo


class Command(BaseCommand):
    help = "Migrate, seed the demo data and run the daily sweep once, a line a step."

    def handle(self, *args, **options):
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        call_command("migrate", interactive=False, verbosity=0)
        where = connection.settings_dict["NAME"]
        self.stdout.write(
            f"==> Database {where}: {pending} migrations applied"
            if pending
            else f"==> Database {where}: up to date"
        )
        # The demo's reminders are real emails: kept in the outbox, not printed here, and
        # the in-process Celery tasks that deliver them say nothing either.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            counts = seed_demo()
            run_recorded_sweep(trigger=SweepRun.Trigger.COMMAND)
        made = counts["credentials"] + counts["seu_entries"]
        self.stdout.write(
            f"==> Demo data: {counts['credentials']} credentials and "
            f"{counts['seu_entries']} SEU entries made"
            if made
            else "==> Demo data: in place"
        )
        self.stdout.write(
            f"==> Daily sweep run: {OutboundEmail.objects.count()} emails in the outbox "
            "(staff: /admin/cspo_tracker/outboundemail/)"
        )
