"""Cursor pagination: stable pages while entries are added, and no COUNT(*) over the
whole log (a fixed number of queries for any page size)."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


class SeuCursor(Cursor):
    ordering = ("-earned_on", "-id")


class CourseCursor(Cursor):
    ordering = ("-starts_on", "-id")
