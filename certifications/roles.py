"""Who a signed-in person is acting as: staff, trainer or practitioner.

Staff and active Certified Scrum Trainers each have a home of their own; a person with
several roles switches between them (navbar menu) and the choice is kept in the session.
Everyone is also a practitioner (their own credentials). A plain practitioner has that
one role and sees nothing new.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy

STAFF, TRAINER, PRACTITIONER = "staff", "trainer", "practitioner"
LABELS = {
    STAFF: gettext_lazy("Staff console"),
    TRAINER: gettext_lazy("Trainer home"),
    PRACTITIONER: gettext_lazy("My credentials"),
}
SESSION_KEY = "active_role"


def roles_for(user):
    """The user's roles, the one to land on first. Reads `user.trainer` through the
    related descriptor, so the navbar's own check of it costs no second query."""
    # An organisation's API token signs in no person (it is anonymous by class): it
    # acts as no one's staff, trainer or practitioner.
    if not user.is_authenticated or user.is_anonymous:
        return []
    roles = []
    if user.is_staff:
        roles.append(STAFF)
    try:
        if user.trainer.is_active:
            roles.append(TRAINER)
    except ObjectDoesNotExist:
        pass
    roles.append(PRACTITIONER)
    return roles


ROLES_KEY = "roles"


def remember_roles(sender, request, user, **kwargs):
    """At sign-in (user_logged_in), keep a staff member's roles in the session: their pages
    then show the switcher without asking the database whether they also train. Anyone
    else's roles cost nothing extra (the navbar reads `user.trainer` anyway)."""
    if user.is_staff and hasattr(request, "session"):
        request.session[ROLES_KEY] = [user.pk, roles_for(user)]


def request_roles(request):
    """The signed-in user's roles for this request: staff from the sign-in's record (its
    staff flag checked live), everyone else live."""
    user = request.user
    if not getattr(request, "_roles", None):
        stored = request.session.get(ROLES_KEY) if hasattr(request, "session") else None
        if user.is_staff and stored and stored[0] == user.pk and STAFF in stored[1]:
            request._roles = list(stored[1])
        else:
            request._roles = roles_for(user)
    return request._roles


def active_role(request):
    """The role chosen in this session if the user still has it, else their first."""
    roles = request_roles(request)
    if not roles:
        return None
    chosen = request.session.get(SESSION_KEY)
    return chosen if chosen in roles else roles[0]


def choose_role(request, role):
    """Remember `role` for this session; False when the user does not have it."""
    if role not in request_roles(request):
        return False
    request.session[SESSION_KEY] = role
    return True


def navigation(request):
    """Template context: the user's roles (for the switcher) and the active one."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    roles = request_roles(request)
    return {
        "roles": [(role, LABELS[role]) for role in roles],
        "active_role": active_role(request),
        "acts_as_runner": STAFF in roles or TRAINER in roles,
    }
