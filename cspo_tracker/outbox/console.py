"""The development email backend: each email printed as a person reads it.

Django's console backend prints the MIME source, where quoted-printable breaks every
line over 76 characters with a soft "=" (``.../confirm-ema=``), so links cannot be
clicked in a terminal. This one prints the headers that matter and the decoded text
part, links whole."""

from django.core.mail.backends.console import EmailBackend as ConsoleBackend

HEADERS = ("From", "To", "Subject", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post")


class EmailBackend(ConsoleBackend):
    def write_message(self, message):
        mime = message.message()
        for name in HEADERS:
            if mime[name]:
                self.stream.write(f"{name}: {mime[name]}\n")
        html = any(kind == "text/html" for _body, kind in getattr(message, "alternatives", []))
        if html:
            self.stream.write("(an HTML part is sent too)\n")
        self.stream.write("\n")
        self.stream.write(message.body)
        if not message.body.endswith("\n"):
            self.stream.write("\n")
        self.stream.write("-" * 79 + "\n")
