"""Benchmark the email outbox against a local SMTP sink (aiosmtpd), on PostgreSQL and
Redis, with 1 and 2 real Celery workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cspo_email \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/3 python bench/emails.py [--emails 3000]

It makes a fresh database `<name of DATABASE_URL's database>_bench` (dropped, created,
migrated) and an SMTP sink in this process that keeps every message's Message-ID. Each
run writes N realistic emails (a renewal reminder's text and branded HTML) to the outbox
and measures, until every row is sent:

- **floor, one connection per message**: this process sends N messages, a new SMTP
  connection each (Django's SMTP backend); and one connection for all of them;
- **workers, 1 and 2**: the ids published as the app does (one broker message per
  OUTBOX_BATCH_SIZE ids) to real `celery worker` processes (`--pool=solo`, persistent
  database connections as in production);
- **beat path**: the broker lost its queue, so only the every-minute `deliver_due` runs
  (in this process); its rate, and what one run of OUTBOX_DELIVER_DUE_SECONDS drains
  (later runs send the rest before duplicates and losses are counted).

For each it prints the rate, the ratio to the one-connection-per-message floor, the
duplicates (a Message-ID received more than once) and the losses (an email never
received). The Redis database of CELERY_BROKER_URL is emptied of its queue.
"""

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _support import fresh_database, start_workers, stop  # noqa: E402  (bench/ is the script's directory)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# The goals: 1 and 2 workers drain the outbox at half the one-connection-per-message
# floor or better, and with the broker's queue lost the beat path alone drains 10,000
# emails a minute.
WORKER_GOAL = 0.5
BEAT_GOAL_A_MINUTE = 10_000


class Sink:
    """The SMTP sink, in a process of its own (as a real server is): it appends each
    message's Message-ID to a file."""

    def __init__(self, path):
        self.out = open(path, "a", buffering=1)  # noqa: SIM115  (open for the process's life)

    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                self.out.write(line.split(b":", 1)[1].strip().decode() + "\n")
                break
        return "250 OK"


def run_sink(port, path):
    from aiosmtpd.controller import Controller

    controller = Controller(Sink(path), hostname="127.0.0.1", port=port)
    controller.start()
    while True:
        time.sleep(3600)


class Received:
    def __init__(self, path):
        self.path = path

    @property
    def received(self):
        with open(self.path) as lines:
            return Counter(line.strip() for line in lines)


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_emails(n, run):
    """N pending outbox rows, bodies of a real reminder, in one INSERT."""
    from cspo_tracker.outbox.models import OutboundEmail
    from staff.emails.previews import previews

    sample = next(p for p in previews() if p.name == "renewal_reminder").email
    rows = [
        OutboundEmail(
            key=f"bench:{run}:{i}",
            template="renewal_reminder",
            to=f"holder{i}@example.org",
            subject=sample.subject,
            body_text=sample.body_text,
            body_html=sample.body_html,
        )
        for i in range(n)
    ]
    return [row.pk for row in OutboundEmail.objects.bulk_create(rows, batch_size=2000)]


def wait_sent(ids, timeout):
    from cspo_tracker.outbox.models import OutboundEmail

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = OutboundEmail.objects.filter(pk__in=ids).exclude(status="sent").count()
        if not left:
            return True
        time.sleep(0.2)
    return False


def outcome(sink, ids, run):
    from cspo_tracker.outbox import services as outbox
    from cspo_tracker.outbox.models import OutboundEmail

    expected = {
        outbox.message_id(key)
        for key in OutboundEmail.objects.filter(pk__in=ids).values_list("key", flat=True)
    }
    got = {mid: n for mid, n in sink.received.items() if mid in expected}  # one read
    duplicates = sum(n - 1 for n in got.values())
    losses = len(expected - set(got))
    return duplicates, losses


def floor(n, port):
    """Seconds to send n messages with a new connection each, and over one connection."""
    from django.core.mail import EmailMultiAlternatives, get_connection

    from staff.emails.previews import previews

    sample = next(p for p in previews() if p.name == "renewal_reminder").email

    def message(i, connection):
        m = EmailMultiAlternatives(
            sample.subject, sample.body_text, "bench@cspo.example.org", [f"f{i}@example.org"],
            connection=connection, headers={"Message-ID": f"<floor-{i}-{time.time()}@bench>"},
        )  # fmt: skip
        m.attach_alternative(sample.body_html, "text/html")
        return m

    started = time.monotonic()
    for i in range(n):
        connection = get_connection()
        connection.send_messages([message(i, connection)])
    per_message = time.monotonic() - started
    started = time.monotonic()
    connection = get_connection()
    connection.open()
    connection.send_messages([message(i, connection) for i in range(n)])
    connection.close()
    return per_message, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=3000)
    parser.add_argument("--sink", nargs=2, metavar=("PORT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        return run_sink(int(args.sink[0]), args.sink[1])
    n = args.emails
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        sys.exit("bench/emails.py needs CELERY_BROKER_URL=redis://... (its queue is emptied)")
    url = fresh_database("emails.py")
    port = free_port()
    os.environ.update(
        DATABASE_URL=url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_USE_TLS="false",
        DEFAULT_FROM_EMAIL="CSPO Tracker <reminders@cspo.example.org>",
        DATABASE_CONN_MAX_AGE="60",
        CELERY_TASK_ALWAYS_EAGER="false",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    import tempfile

    import redis
    from django.conf import settings

    from cspo_tracker import publishing
    from cspo_tracker.outbox import services as outbox

    path = tempfile.mktemp(prefix="email-bench-", suffix=".txt")  # noqa: S306
    open(path, "w").close()
    sink_process = subprocess.Popen([sys.executable, __file__, "--sink", str(port), path])
    time.sleep(2)
    sink = Received(path)
    queue = redis.Redis.from_url(broker)
    queue.delete("celery", "unacked", "unacked_index")
    print(f"{n} emails a run, batches of {settings.OUTBOX_BATCH_SIZE}; load average "
          f"{os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d %H:%M')}")  # fmt: skip

    per_message, one_connection = floor(n, port)
    floor_rate = n / per_message
    print(f"floor, one connection per message: {floor_rate:7.0f} emails/s")
    print(f"floor, one connection for all:     {n / one_connection:7.0f} emails/s")

    for count in (1, 2):
        ids = write_emails(n, f"w{count}")
        workers = start_workers(count, {**os.environ}, name="emailbench")
        try:
            started = time.monotonic()
            publishing._broker_down_until = 0.0
            assert outbox.publish(ids)
            done = wait_sent(ids, timeout=max(120, n / 20))
            elapsed = time.monotonic() - started
        finally:
            stop(workers)
        time.sleep(0.5)
        duplicates, losses = outcome(sink, ids, f"w{count}")
        rate = n / elapsed
        print(f"{count} worker{'s' if count > 1 else ' '}:                         "
              f"{rate:7.0f} emails/s = {rate / floor_rate:4.0%} of the floor "
              f"(goal at least {WORKER_GOAL:.0%}); "
              f"duplicates {duplicates}, losses {losses}{'' if done else ' (timed out)'}")  # fmt: skip

    ids = write_emails(n, "beat")  # the broker lost these: only the beat path sends them
    started = time.monotonic()
    sent, failed = outbox.deliver_due()  # one every-minute run, its time budget included
    elapsed = time.monotonic() - started
    while outbox.deliver_due() != (0, 0):  # the next runs send the rest
        pass
    duplicates, losses = outcome(sink, ids, "beat")
    rate = sent / elapsed
    budget = settings.OUTBOX_DELIVER_DUE_SECONDS
    a_minute = rate * budget  # one run starts every minute and sends for `budget` seconds
    print(f"beat path (deliver_due, no broker): {rate:7.0f} emails/s = {rate / floor_rate:4.0%} "
          f"of the floor; duplicates {duplicates}, losses {losses}, failed {failed}")  # fmt: skip
    print(f"beat path, a minute:               {a_minute:7,.0f} emails a minute (one run of "
          f"{budget} s; goal at least {BEAT_GOAL_A_MINUTE:,}: "
          f"{'met' if a_minute >= BEAT_GOAL_A_MINUTE else 'NOT met'}); "
          f"the first run sent {sent:,} of {n:,}")  # fmt: skip
    print(f"load average at the end {os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d %H:%M')}")
    sink_process.terminate()
    os.unlink(path)


if __name__ == "__main__":
    main()
