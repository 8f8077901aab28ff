"""Inline SVG for the dashboard's at-a-glance charts, drawn on the server: no script, no
style attribute (the CSP forbids them); colours come from classes in
static/css/glance.css and geometry from SVG presentation attributes."""

from decimal import Decimal

from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT = 320, 120
LEFT, RIGHT, TOP, BOTTOM = 34, 310, 10, 92


def _num(value):
    return f"{float(value):.1f}"


def _seus(amount):
    amount = Decimal(amount)
    return f"{amount.normalize():f}" if amount != amount.to_integral() else f"{int(amount)}"


def earned_chart(glance, *, label):
    """A step line of SEUs counted over the window, the even-pace line from 0 at the
    window's start to the requirement at its end, and a marker for today."""
    days = glance.window_days
    top = max(glance.required, glance.counted, Decimal("1"))

    def x(day):
        offset = min(max((day - glance.window_starts_on).days, 0), days)
        return LEFT + (RIGHT - LEFT) * offset / days

    scale = (BOTTOM - TOP) / float(top)

    def y(amount):
        return BOTTOM - scale * float(amount)

    # One step per unit of width (a pixel at the chart's size; a two-year window has
    # ~2.6 days per unit): days that share a unit make one vertical step, not a point
    # per entry; a step moves by at most half a unit.
    steps = [(LEFT, 0)]  # (x, SEUs counted)
    previous = 0
    for day, total in glance.points:
        px = round(x(day))
        if len(steps) > 1 and steps[-1][0] == px == steps[-2][0]:
            steps[-1] = (px, total)
        else:
            steps += [(px, previous), (px, total)]
        previous = total
    end = x(min(max(glance.today, glance.window_starts_on), glance.ends_on))
    steps.append((end, previous))
    earned = " ".join(f"{_num(px)},{_num(y(amount))}" for px, amount in steps)
    parts = [
        format_html(
            '<line class="glance-axis" x1="{}" y1="{}" x2="{}" y2="{}" />',
            LEFT,
            BOTTOM,
            RIGHT,
            BOTTOM,
        ),
        format_html(
            '<line class="glance-target" x1="{}" y1="{}" x2="{}" y2="{}" stroke-dasharray="4 3" />',
            LEFT,
            BOTTOM,
            RIGHT,
            _num(y(glance.required)),
        ),
        format_html('<polyline class="glance-earned" fill="none" points="{}" />', earned),
    ]
    if glance.window_starts_on <= glance.today <= glance.ends_on:
        today = _num(x(glance.today))
        parts.append(
            format_html(
                '<line class="glance-today" x1="{}" y1="{}" x2="{}" y2="{}" />',
                today,
                TOP,
                today,
                BOTTOM,
            )
        )
    pace_date = glance.pace_date
    if pace_date is not None and glance.window_starts_on <= pace_date <= glance.ends_on:
        parts.append(
            format_html(
                '<circle class="glance-pace{}" cx="{}" cy="{}" r="3.5" />',
                " glance-behind" if glance.behind else "",
                _num(x(pace_date)),
                _num(y(glance.counted)),
            )
        )
    labels = [
        (LEFT - 4, y(top) + 4, "end", _seus(top)),
        (LEFT - 4, BOTTOM + 4, "end", "0"),
        # Django's date format names the month in the active language ("Jan 2027").
        (LEFT, HEIGHT - 6, "start", date_format(glance.window_starts_on, "M Y")),
        (RIGHT, HEIGHT - 6, "end", date_format(glance.ends_on, "M Y")),
    ]
    parts.append(
        format_html_join(
            "",
            '<text class="glance-label" x="{}" y="{}" text-anchor="{}">{}</text>',
            ((_num(lx), _num(ly), anchor, text) for lx, ly, anchor, text in labels),
        )
    )
    return format_html(
        '<svg class="glance-chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        HEIGHT,
        label,
        label,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


def category_rows(glance):
    """One row per category with SEUs counted: code, name, SEUs and the bar's length as
    a whole percent of the requirement (drawn with the .w-pct-N classes of app.css)."""
    scale = max(glance.required, sum((r.seus for r in glance.categories), Decimal("0")))
    scale = scale or Decimal("1")
    return [
        {
            "code": row.code,
            "name": row.name,
            "seus": _seus(row.seus),
            "percent": max(1, min(100, int(row.seus / scale * 100))),
        }
        for row in glance.categories
    ]
