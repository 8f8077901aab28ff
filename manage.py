#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except OperationalError:
        # A database that does not answer is an operator's situation, not a bug: one line
        # and a non-zero exit instead of a traceback. Other database errors (a missing
        # table, a failed constraint) still raise with their traceback.
        reason = database_unreachable()
        if reason is None:
            raise
        sys.stderr.write(f"Database unavailable: {reason}\n")
        sys.exit(1)


def database_unreachable():
    """The first line of the error a fresh connection attempt raises, None if it connects."""
    from django.db import DatabaseError, connections

    connection = connections["default"]
    try:
        connection.close()
        connection.ensure_connection()
    except DatabaseError as exc:
        settings = connection.settings_dict
        where = settings.get("HOST") or settings.get("NAME")
        first_line = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
        return f"{first_line} ({settings['ENGINE'].rsplit('.', 1)[-1]} at {where})"
    return None


if __name__ == "__main__":
    main()
