"""Which optional reminders a practitioner does not want (issue 8, "Notifications"):
one row per reminder kind turned off. The expiry-day notice cannot be turned off."""

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
