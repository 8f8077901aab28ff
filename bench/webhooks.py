"""Benchmark webhook delivery against a local HTTP receiver, on PostgreSQL and Redis,
with 1 and 2 real Celery workers on the `webhooks` queue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cspo_webhooks \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/2 python bench/webhooks.py [--events 3000]

It makes a fresh database `<name of DATABASE_URL's database>_bench` (dropped, created,
migrated) and a receiver in a process of its own (http.server, threaded) that answers
204 and keeps every request's `webhook-id`. Each run writes N events, each with one
delivery, spread over 10 subscriptions, and measures until every delivery is delivered:

- **floor**: this process sends N signed POSTs, a new connection each (what one attempt
  costs on the network, without the database);
- **workers, 1 and 2**: the delivery ids published as the app does (one broker message
  per WEBHOOKS_BATCH_SIZE ids) to real `celery worker -Q webhooks` processes (`--pool=solo`, persistent
  database connections as in production).

For each it prints the rate, the ratio to the floor, the duplicates (a webhook-id
received more than once) and the losses (a delivery never received). The Redis database
of CELERY_BROKER_URL is emptied of its queue.
"""

import argparse
import http.client
import http.server
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
SUBSCRIPTIONS = 10


def run_receiver(port, path):
    out = open(path, "a", buffering=1)  # noqa: SIM115  (open for the process's life)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            out.write(self.headers.get("webhook-id", "") + "\n")
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.request_queue_size = 256
    server.serve_forever()


def received(path):
    with open(path) as lines:
        return Counter(line.strip() for line in lines)


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_deliveries(n, subscriptions, run):
    """N events, one delivery each, round-robin over the subscriptions: ids, msg ids."""
    from django.utils import timezone

    from webhooks.models import WebhookDelivery, WebhookEvent

    now = timezone.now()
    events = WebhookEvent.objects.bulk_create(
        [
            WebhookEvent(
                msg_id=f"msg_bench{run}x{i:08d}",
                type="seu.created",
                payload={"type": "seu.created", "timestamp": now.isoformat(), "data": {"i": i}},
                created_at=now,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                event=event,
                subscription=subscriptions[i % len(subscriptions)],
                next_attempt_at=now,
                created_at=now,
            )
            for i, event in enumerate(events)
        ],
        batch_size=2000,
    )
    return [d.pk for d in deliveries], {e.msg_id for e in events}


def wait_delivered(ids, timeout):
    from webhooks.models import WebhookDelivery

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = WebhookDelivery.objects.filter(pk__in=ids).exclude(status="delivered").count()
        if not left:
            return True
        time.sleep(0.2)
    return False


def floor(n, port, secret):
    """Seconds to send n signed POSTs to the receiver, a new connection each."""
    from webhooks import signing

    started = time.monotonic()
    for i in range(n):
        body = b'{"type":"seu.created","data":{"i":%d}}' % i
        headers = signing.headers(
            secret, msg_id=f"msg_floor{i}", timestamp=int(time.time()), body=body
        )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        connection.request(
            "POST", "/hooks", body=body, headers={"Content-Type": "application/json", **headers}
        )
        connection.getresponse().read()
        connection.close()
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--receiver", nargs=2, metavar=("PORT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receiver:
        return run_receiver(int(args.receiver[0]), args.receiver[1])
    n = args.events
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        sys.exit("bench/webhooks.py needs CELERY_BROKER_URL=redis://... (its queue is emptied)")
    url = fresh_database("webhooks.py")
    port = free_port()
    os.environ.update(
        DATABASE_URL=url,
        DATABASE_CONN_MAX_AGE="60",
        CELERY_TASK_ALWAYS_EAGER="false",
        WEBHOOKS_ALLOW_HTTP="true",
        WEBHOOKS_ALLOW_PRIVATE_TARGETS="true",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    import tempfile

    import redis
    from django.conf import settings

    from cspo_tracker import publishing
    from tests.factories import PractitionerFactory
    from webhooks import services
    from webhooks.events import DELIVER_TASK

    path = tempfile.mktemp(prefix="webhook-bench-", suffix=".txt")  # noqa: S306
    open(path, "w").close()
    receiver = subprocess.Popen([sys.executable, __file__, "--receiver", str(port), path])
    time.sleep(2)
    queue = redis.Redis.from_url(broker)
    queue.delete("webhooks", "celery", "unacked", "unacked_index")
    owner = PractitionerFactory().user
    subscriptions = [
        services.create_subscription(
            owner=owner, url=f"http://127.0.0.1:{port}/hooks/{i}", events=["seu.created"]
        )
        for i in range(SUBSCRIPTIONS)
    ]
    print(f"{n} deliveries a run over {SUBSCRIPTIONS} subscriptions, batches of "
          f"{settings.WEBHOOKS_BATCH_SIZE}; load average "
          f"{os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d %H:%M')}")  # fmt: skip

    floor_rate = n / floor(n, port, subscriptions[0].secret)
    print(f"floor, a signed POST on a new connection: {floor_rate:6.0f} events/s")
    rates = {}
    for count in (1, 2):
        ids, msg_ids = write_deliveries(n, subscriptions, f"w{count}")
        workers = start_workers(count, {**os.environ}, name="webhookbench", queue="webhooks")
        try:
            started = time.monotonic()
            publishing._broker_down_until = 0.0
            assert publishing.publish(DELIVER_TASK, ids, batch_size=settings.WEBHOOKS_BATCH_SIZE)
            done = wait_delivered(ids, timeout=max(120, n / 10))
            elapsed = time.monotonic() - started
        finally:
            stop(workers)
        got = {mid: k for mid, k in received(path).items() if mid in msg_ids}
        duplicates = sum(k - 1 for k in got.values())
        losses = len(msg_ids - set(got))
        rates[count] = rate = n / elapsed
        print(f"{count} worker{'s' if count > 1 else ' '}:                              "
              f"{rate:6.0f} events/s = {rate / floor_rate:4.0%} of the floor; "
              f"duplicates {duplicates}, losses {losses}{'' if done else ' (timed out)'}")  # fmt: skip
    print(f"the second worker adds {rates[2] / rates[1] - 1:+.0%}")
    receiver.terminate()
    os.unlink(path)


if __name__ == "__main__":
    main()
