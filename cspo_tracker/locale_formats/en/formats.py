# Django's own date output ({{ value|date }}, the admin) in the app's one format: 9 Jan 2027.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
