"""Run the daily sweep now, synchronously: refresh statuses and send due reminders."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from renewals import services
from renewals.models import SweepRun
from renewals.sweep_runs import run_recorded_sweep


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

        def send_now(reminder_ids, result):
            for reminder_id in reminder_ids:
                try:
                    outcome = services.send_reminder(reminder_id=reminder_id, today=today)
                except OSError as exc:
                    result.failed += 1
                    self.stderr.write(f"reminder {reminder_id} failed, left for a retry: {exc}")
                    continue
                if outcome == services.Outcome.SENT:
                    result.reminders_sent += 1
                elif outcome == services.Outcome.ALREADY:
                    result.already_sent += 1
                else:
                    result.skipped += 1

        result = run_recorded_sweep(
            trigger=SweepRun.Trigger.COMMAND, today=today, dry_run=dry_run, dispatch=send_now
        )
        prefix = "Dry run, nothing written or sent. " if dry_run else ""
        sent_label = "reminders that would be sent" if dry_run else "reminders sent"
        sent = result.reminders_due if dry_run else result.reminders_sent
        self.stdout.write(
            f"{prefix}credentials scanned: {result.credentials_scanned}\n"
            f"statuses changed: {result.statuses_changed}\n"
            f"{sent_label}: {sent}\n"
            f"already sent: {result.already_sent}\n"
            f"failed: {result.failed}\n"
            f"skipped (unsubscribed or met): {result.skipped}"
        )
