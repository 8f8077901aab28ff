"""The time zones offered in forms: real places only (the IANA zone1970.tab list, e.g.
Europe/Berlin, America/Sao_Paulo) plus UTC, not the legacy aliases and Etc/GMT+5-style
names that zoneinfo also knows. Validation (models.validate_time_zone) still accepts every
known name, so a zone stored earlier stays valid."""

import importlib.resources
import zoneinfo
from functools import cache
from pathlib import Path

from .models import time_zone_names


def _zone_table():
    for root in zoneinfo.TZPATH:
        path = Path(root) / "zone1970.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return (
            importlib.resources.files("tzdata")
            .joinpath("zoneinfo/zone1970.tab")
            .read_text(encoding="utf-8")
        )
    except (ModuleNotFoundError, FileNotFoundError):
        return None


@cache
def place_zone_names():
    """Sorted zone names of real places, plus UTC; every known name if no table is found."""
    table = _zone_table()
    known = time_zone_names()
    if table is None:
        return sorted(known)
    names = {
        line.split("\t")[2]
        for line in table.splitlines()
        if line and not line.startswith("#") and len(line.split("\t")) > 2
    }
    return sorted((names & known) | {"UTC"})


def time_zone_choices(current=None):
    """Choices for a time zone field: the places, and `current` if it is another name."""
    names = place_zone_names()
    if current and current not in names and current in time_zone_names():
        names = sorted([*names, current])
    return [(name, name.replace("_", " ")) for name in names]
