"""Run the daily sweep now, in this process: refresh statuses, send due reminders and
deliver the outbox."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from cspo_tracker.outbox import services as outbox

from ...models import SweepRun
from ...sweep.runs import run_recorded_sweep


class Command(BaseCommand):
    help = (
        "Refresh every credential's status and send the renewal reminders that are due, "
        "in this process (the same sweep the daily Celery beat task runs)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Run as of this date (YYYY-MM-DD) instead of each holder's local today.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would change and be sent; write and send nothing.",
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        if today:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today must be a date as YYYY-MM-DD, not {today!r}") from exc

        result = run_recorded_sweep(trigger=SweepRun.Trigger.COMMAND, today=today, dry_run=dry_run)
        emails_sent = emails_failed = 0
        if not dry_run:  # this process delivers what the sweep wrote to the outbox
            emails_sent, emails_failed = outbox.deliver_due()
        for credential_id, problem in result.bad_rows:
            self.stderr.write(f"credential {credential_id} skipped, fix its dates: {problem}")
        prefix = "Dry run, nothing written or sent. " if dry_run else ""
        sent_label = "reminders that would be sent" if dry_run else "reminders sent"
        sent = result.reminders_due if dry_run else result.reminders_sent
        self.stdout.write(
            f"{prefix}credentials scanned: {result.credentials_scanned}\n"
            f"statuses changed: {result.statuses_changed}\n"
            f"{sent_label}: {sent}\n"
            f"already sent: {result.already_sent}\n"
            f"emails delivered by this run: {emails_sent}\n"
            f"emails not delivered by this run, tried again later: {emails_failed}\n"
            f"emails given up (send them again from the staff renewals page): "
            f"{outbox.given_up() if not dry_run else 0}\n"
            f"skipped (unsubscribed or met): {result.skipped}"
        )
