"""Benchmark writing renewal reminders: one by one, as before (each email's links
reversed and its three templates rendered through render_to_string), against per chunk
(renewals.reminders.services: the links reversed once, one EmailRenderer).

    python bench/rendering.py [--emails 2000] [--rounds 5]

No database: the holders, credentials and programs are unsaved rows, every program and
offset, with and without a name, in grace or not. Both ways render the same emails (the
bench checks they are equal), interleaved round by round; it prints this process's CPU
milliseconds an email (time.process_time, which a loaded machine's waiting for a core
does not inflate), the median of the rounds.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
TODAY = datetime.date(2026, 6, 1)


def contexts(n):
    """(reminder context without links, optional, token) for n holders."""
    from certifications.models import Credential, Practitioner, Program, User
    from renewals import selectors

    programs = [
        Program(code=code, name=name)
        for code, name in [("CSPO", "Certified Scrum Product Owner"), ("A-CSPO", "Advanced CSPO"),
                           ("CSM", "Certified ScrumMaster")]
    ]  # fmt: skip
    rows = []
    for i in range(n):
        user = User(
            email=f"holder{i}@example.com",
            first_name="" if i % 7 == 0 else f"Holder{i}",
            last_name="O'Brien & Co",
        )
        holder = Practitioner(pk=i + 1, user=user, time_zone="Europe/Berlin")
        program = programs[i % 3]
        days_left = (90, 60, 30, 7, 0, -30)[i % 6]
        expires = TODAY + datetime.timedelta(days=days_left)
        credential = Credential(
            pk=i + 1, holder=holder, program=program, certificate_number=f"B-{i:08d}",
            expires_on=expires,
        )  # fmt: skip
        context = {
            "practitioner": holder,
            "credential": credential,
            "program": program,
            "offset": None,
            "deadline": expires,
            "time_zone": holder.time_zone,
            "days_left": days_left,
            "expired": days_left < 0,
            "missing": "8 SEUs and the US$100 fee",
            "seus_missing": selectors.format_seus(Decimal(8)),
            "seus_missing_count": Decimal(8),
            "grace_ends_on": expires + datetime.timedelta(days=30),
            "fee": "US$100",
        }
        rows.append((context, days_left != 0, f"token.{i:06d}:abcDEF-_"))
    return rows


def one_by_one(rows):
    """As send_reminders wrote them before: links reversed and templates looked up for
    each email."""
    from django.conf import settings
    from django.urls import reverse

    from cspo_tracker.outbox.emails import render_email

    out = []
    for context, optional, token in rows:
        context = {
            **context,
            "dashboard_url": settings.SITE_URL + reverse("dashboard"),
            "renew_url": settings.SITE_URL
            + reverse("renewals:submit")
            + f"?credential={context['credential'].pk}",
            "unsubscribe_url": settings.SITE_URL + reverse("renewals:unsubscribe", args=[token])
            if optional
            else None,
        }
        out.append(render_email("renewal_reminder", context))
    return out


def per_chunk(rows):
    """As send_reminders writes them now."""
    from cspo_tracker.outbox.emails import EmailRenderer
    from renewals.reminders.services import ReminderLinks

    links = ReminderLinks.read()
    renderer = EmailRenderer("renewal_reminder")
    out = []
    for context, optional, token in rows:
        context = {
            **context,
            "dashboard_url": links.dashboard_url,
            "renew_url": links.renew_url + f"?credential={context['credential'].pk}",
            "unsubscribe_url": links.unsubscribe_url(token) if optional else None,
        }
        out.append(renderer.render(context))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    rows = contexts(args.emails)
    assert one_by_one(rows) == per_chunk(rows), "the two ways wrote different emails"
    times = {"one by one": [], "per chunk": []}
    for _ in range(args.rounds):
        for name, way in (("one by one", one_by_one), ("per chunk", per_chunk)):
            started = time.process_time()
            way(rows)
            times[name].append((time.process_time() - started) / args.emails * 1000)
    print(f"{args.emails} reminders, {args.rounds} rounds, load average {os.getloadavg()[0]:.1f}")
    before = statistics.median(times["one by one"])
    for name, ms in times.items():
        median = statistics.median(ms)
        print(f"{name:12} {median:6.3f} CPU ms an email ({min(ms):.3f}-{max(ms):.3f}), "
              f"{median / before:4.0%} of one by one")  # fmt: skip


if __name__ == "__main__":
    main()
