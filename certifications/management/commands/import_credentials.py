from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certifications.imports import ImportRefused, import_credentials


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
        try:
            result = self.service(text=text, dry_run=dry_run)
        except ImportRefused as refused:
            for line, problem in refused.errors:
                self.stderr.write(f"{file}: line {line}: {problem}")
            raise CommandError(
                f"{file} refused: {len(refused.errors)} bad row(s); nothing was written."
            ) from None
        self.stdout.write(self.style.SUCCESS(result.summary()))
