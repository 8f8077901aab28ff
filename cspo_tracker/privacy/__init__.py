"""Personal data has a lifetime: three registries every app fills from its own
`privacy.py`, in its AppConfig.ready, so this lowest layer never imports the apps above.

- `retention`: rules that prune rows kept only for a while (sent emails, stored API
  answers, webhook deliveries, import files), run by the `prune-personal-data` beat task
  in bounded batches and counted in /metrics.
- `export`: each app's part of a person's archive (GDPR art. 20), streamed as one zip.
- `erasure`: each app's step of an account erasure (GDPR art. 17), run in order after
  the request and resumed where it stopped.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """Whose data an export or an erasure is about: the account, every email address it
    holds or held (emails were sent to each), and the names it was known by."""

    user_id: int
    emails: tuple = ()
    names: tuple = ()
