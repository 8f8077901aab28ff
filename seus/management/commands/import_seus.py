from certifications.management.commands.import_credentials import Command as ImportCommand

from ...imports import import_seus


class Command(ImportCommand):
    help = (
        "Import SEU entries from a CSV file with the header "
        "email,earned_on,category,seus,activity (category is a code A-F). "
        "A file with any bad row is refused whole; re-importing changes nothing."
    )
    service = staticmethod(import_seus)
