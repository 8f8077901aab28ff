"""What the privacy machinery records about itself: how many rows each retention rule
pruned (read by /metrics), and each account erasure with the progress of its steps."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy


class PrunedRows(models.Model):
    """The running count of one retention rule (cspo_tracker/privacy/retention.py): kept
    in the database because the prune task runs in a worker and /metrics is answered by
    the web processes."""

    kind = models.CharField(max_length=50, unique=True, help_text=gettext_lazy("The rule's name."))
    total = models.PositiveBigIntegerField(
        default=0, help_text=gettext_lazy("Rows pruned since install.")
    )
    last_count = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("Rows pruned by the last run.")
    )
    left_over = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy(
            "Rows still past their limit when the last run stopped (its batch cap)."
        ),
    )
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = gettext_lazy("pruned rows")
        verbose_name_plural = gettext_lazy("pruned rows")

    def __str__(self):
        return f"{self.kind}: {self.total}"


class Retirement(models.Model):
    """One account erasure (GDPR art. 17), shaped like Open edX's user retirement: the
    request locks the account at once and is this row; each app's step then erases its
    own data (cspo_tracker/privacy/erasure.py) and is recorded in `steps_done`, so a
    failed step is retried from where it stopped. `emails` and `names` are what the
    steps look for; they are emptied when the erasure completes, and the row stays as
    the record that the account was erased, with no personal data in it."""

    class State(models.TextChoices):
        ERASING = "erasing", gettext_lazy("Erasing")
        COMPLETE = "complete", gettext_lazy("Complete")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="retirement"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ERASING)
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    steps_done = models.JSONField(
        default=list, blank=True, help_text=gettext_lazy("Steps finished, in order.")
    )
    last_error = models.TextField(
        blank=True, help_text=gettext_lazy("Why the last attempt stopped.")
    )
    emails = models.JSONField(default=list, blank=True)
    names = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = gettext_lazy("account erasure")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="erasing", completed_at__isnull=True)
                | Q(state="complete", completed_at__isnull=False),
                name="retirement_complete_has_time",
            )
        ]

    def __str__(self):
        return gettext("Erasure of account #%(id)s") % {"id": self.user_id}

    @property
    def is_complete(self):
        return self.state == self.State.COMPLETE
