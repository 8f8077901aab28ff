"""Trainers (and staff): their courses, a course's roster with attendance, attendance
saved as a whole grid (bulk PUT), and closing — certifications.courses.services and selectors."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from certifications.courses import services as courses
from certifications.selectors import attendance_grid, courses_for

from ..authentication import token_of
from ..idempotency import idempotent
from ..pagination import CourseCursor
from ..permissions import HasScope, PersonOnly
from ..problems import NOT_FOUND_DETAIL, validation_problem
from ..serializers import object_id
from ..tokens import runs_courses

READ = ("courses:write", "attendance:write")


class RunsCourses(BasePermission):
    message = gettext_lazy("Only staff and Certified Scrum Trainers run courses.")

    def has_permission(self, request, view):
        return runs_courses(token_of(request), request.user)


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    held_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=2)


class CourseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    program = serializers.CharField(source="program.code")
    trainer = serializers.CharField(source="trainer.user.email")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    is_online = serializers.BooleanField()
    location = serializers.CharField()
    capacity = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["planned", "closed"])
    enrolled = serializers.IntegerField()
    issued = serializers.IntegerField(help_text=gettext_lazy("Credentials issued by this course."))


class CellSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)


class RosterRowSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    attendance = CellSerializer(many=True)
    hours_total = serializers.DecimalField(max_digits=6, decimal_places=2)
    met = serializers.BooleanField(help_text=gettext_lazy("Met the program's attendance rule."))
    missing = serializers.CharField(help_text=gettext_lazy("What is missing to meet it, or empty."))
    certificate_number = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("The credential this course issued, once closed.")
    )


class RosterSerializer(serializers.Serializer):
    course = CourseSerializer()
    sessions = SessionSerializer(many=True)
    rows = RosterRowSerializer(many=True)


class AttendanceCellSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField(min_value=1)
    session = serializers.IntegerField(min_value=1)
    hours = serializers.CharField(
        allow_blank=True,
        max_length=20,
        help_text=gettext_lazy('Hours attended, e.g. "7.5"; "" for none.'),
    )


class AttendanceSerializer(serializers.Serializer):
    attendance = AttendanceCellSerializer(many=True, max_length=10000)


class ClosingSerializer(serializers.Serializer):
    issued = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("New numbers.")
    )
    already_issued = serializers.ListField(child=serializers.CharField())
    already_held = serializers.ListField(child=serializers.CharField())
    renewed = serializers.ListField(child=serializers.CharField())
    missed = serializers.ListField(
        child=serializers.EmailField(),
        help_text=gettext_lazy("Attendees who did not meet the rule."),
    )


def _course(request, pk):
    course = courses_for(request.user).filter(pk=object_id(pk)).first()
    if course is None:
        raise NotFound(NOT_FOUND_DETAIL)  # another trainer's course answers like none
    return course


def _roster(course):
    grid = attendance_grid(course)
    rows = []
    for row in grid.rows:
        user = row.enrollment.practitioner.user
        rows.append(
            {
                "enrollment": row.enrollment.pk,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "attendance": [{"session": s.pk, "hours": h} for s, h in row.cells],
                "hours_total": row.outcome.total,
                "met": row.outcome.met,
                "missing": "" if row.outcome.met else row.outcome.describe_missing(),
                "certificate_number": row.credential.certificate_number if row.credential else None,
            }
        )
    return RosterSerializer({"course": course, "sessions": grid.sessions, "rows": rows}).data


class CourseViews:
    permission_classes = [HasScope, PersonOnly, RunsCourses]


class CourseListView(CourseViews, generics.ListAPIView):
    required_scopes = {"GET": READ}
    serializer_class = CourseSerializer
    pagination_class = CourseCursor

    def get_queryset(self):
        return courses_for(self.request.user)

    @extend_schema(summary=gettext_lazy("My courses (all, for staff)"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RosterView(CourseViews, generics.GenericAPIView):
    required_scopes = {"GET": READ}
    serializer_class = RosterSerializer

    @extend_schema(summary=gettext_lazy("A course's roster and attendance"))
    def get(self, request, pk):
        return Response(_roster(_course(request, pk)))


class AttendanceView(CourseViews, generics.GenericAPIView):
    required_scopes = {"PUT": "attendance:write"}
    serializer_class = AttendanceSerializer

    @extend_schema(
        request=AttendanceSerializer,
        responses=RosterSerializer,
        summary=gettext_lazy("Record attendance (the cells sent; others unchanged)"),
        description=_(
            "All or nothing: a bad cell is named in `errors` "
            "(`attendance[3].hours`) and nothing is saved. Each changed cell is audited."
        ),
    )
    def put(self, request, pk):
        course = _course(request, pk)
        grid = AttendanceSerializer(data=request.data)
        grid.is_valid(raise_exception=True)
        cells = grid.validated_data["attendance"]
        index = {(c["enrollment"], c["session"]): i for i, c in enumerate(cells)}
        try:
            courses.record_attendance(
                course=course,
                hours={(c["enrollment"], c["session"]): c["hours"] for c in cells},
                by=request.user,
            )
        except ValidationError as error:
            return validation_problem(
                {
                    f"attendance[{index[cell]}].hours": [m for e in errors for m in e.messages]
                    for cell, errors in error.error_dict.items()
                }
            )
        return Response(_roster(course))


class CloseView(CourseViews, generics.GenericAPIView):
    required_scopes = {"POST": "courses:write"}
    serializer_class = ClosingSerializer

    @extend_schema(
        request=None,
        responses=ClosingSerializer,
        summary=gettext_lazy("Close the course: issue credentials to those who met the rule"),
        description=_("Closing again issues and mails nothing twice."),
    )
    @idempotent
    def post(self, request, pk):
        result = courses.close_course(course=_course(request, pk), by=request.user)
        return Response(
            ClosingSerializer(
                {
                    "issued": [c.certificate_number for c in result.issued],
                    "already_issued": [c.certificate_number for c in result.already_issued],
                    "already_held": [c.certificate_number for c in result.already_held],
                    "renewed": [c.certificate_number for c in result.renewed],
                    "missed": [row.enrollment.practitioner.user.email for row in result.missed],
                }
            ).data
        )
