"""Which optional reminders a practitioner does not want: one row per reminder kind
turned off (the expiry-day notice cannot be turned off), and the unsubscribe links
already used."""

from django.db import models


class ReminderOptOut(models.Model):
    practitioner = models.ForeignKey(
        "certifications.Practitioner", on_delete=models.CASCADE, related_name="reminder_opt_outs"
    )
    offset = models.ForeignKey(
        "renewals.ReminderOffset", on_delete=models.CASCADE, related_name="opt_outs"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practitioner", "offset"], name="reminder_opt_out_once")
        ]

    def __str__(self):
        return f"{self.practitioner} opted out of {self.offset}"


class UsedUnsubscribeLink(models.Model):
    """An unsubscribe link that did its work. Each reminder's link carries a nonce of its
    own (renewals/reminders/services.py: unsubscribe_token); once used it changes
    nothing again, so a replayed or forwarded link cannot undo a later "turn them back
    on"."""

    nonce = models.CharField(max_length=64, unique=True)
    practitioner = models.ForeignKey(
        "certifications.Practitioner", on_delete=models.CASCADE, related_name="+"
    )
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"unsubscribe link used by {self.practitioner} at {self.used_at}"
