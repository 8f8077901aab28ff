from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...imports.services import ImportRefused, import_credentials


class Command(BaseCommand):
    help = (
        "Import credentials from a CSV file with the header "
        "email,first_name,last_name,program,certificate_number,issued_on[,expires_on]. "
        "A file with any bad row is refused whole; re-importing changes nothing."
    )
    service = staticmethod(import_credentials)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        progress = TerminalProgress(self.stdout, shown=self.stdout.isatty())
        try:
            result = self.service(text=text, dry_run=dry_run, progress=progress)
        except ImportRefused as refused:
            progress.finish()
            for line, problem in refused.errors:
                self.stderr.write(f"{file}: line {line}: {problem}")
            raise CommandError(
                f"{file} refused: {len(refused.errors)} bad row(s); nothing was written."
            ) from None
        progress.finish()
        self.stdout.write(self.style.SUCCESS(result.summary()))


class TerminalProgress:
    """On a terminal: one line rewritten in place ("\\r") at every 10 % of each stage
    (checking the rows, then writing them); a pipe or a file gets only the summary."""

    def __init__(self, out, *, shown):
        self.out, self.enabled, self.shown = out, shown, None

    def __call__(self, stage, done, total):
        tenth = done * 10 // total if total else 10
        if not self.enabled or (stage, tenth) == self.shown:
            return
        self.shown = (stage, tenth)
        self.out.write(f"\r{stage}: {done:,} of {total:,} rows ({tenth * 10} %)", ending="")
        self.out.flush()

    def finish(self):
        if self.shown:
            self.out.write("")  # ends the rewritten line
