"""Shapes shared by several endpoints."""

from rest_framework import serializers
from rest_framework.exceptions import NotFound

from seus.models import SeuCategory

from .problems import NOT_FOUND_DETAIL

MAX_ID = 2**63 - 1


def object_id(pk):
    """A path id the database can hold; anything larger is simply not found."""
    if not 0 < pk <= MAX_ID:
        raise NotFound(NOT_FOUND_DETAIL)
    return pk


class CategoryField(serializers.SlugRelatedField):
    """An SEU category by its code (A, B, C…), like the SEU log's filter. The categories
    are read once per request body, however many rows name one (a provider's 500)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=SeuCategory.objects.all(), **kwargs)

    def to_internal_value(self, data):
        categories = getattr(self.root, "_seu_categories", None)
        if categories is None:
            categories = {c.code: c for c in self.get_queryset()}
            self.root._seu_categories = categories
        if not isinstance(data, str | int):
            self.fail("invalid")
        category = categories.get(str(data))
        if category is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data))
        return category


class SeuFieldsSerializer(serializers.Serializer):
    """The fields of an SEU entry a person or a provider sends. Types and lengths are
    checked here; the log's rules (no future date, quarter steps, daily and category
    caps) by seus.services, with the SEU form's messages."""

    earned_on = serializers.DateField()
    category = CategoryField()
    activity = serializers.CharField(max_length=200)
    seus = serializers.DecimalField(max_digits=5, decimal_places=2)
    description = serializers.CharField(
        max_length=2000, allow_blank=True, required=False, default=""
    )
