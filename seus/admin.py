from django.contrib import admin

from cspo_tracker.admin_scale import LargeTableAdmin

from .models import SeuCategory, SeuEntry


@admin.register(SeuCategory)
class SeuCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "cap"]
    search_fields = ["code", "name"]


@admin.register(SeuEntry)
class SeuEntryAdmin(LargeTableAdmin):
    list_display = ["earned_on", "practitioner", "category", "activity", "seus", "consumed_by"]
    list_filter = ["category", "earned_on", ("consumed_by", admin.EmptyFieldListFilter)]
    search_fields = ["activity", "provider", "practitioner__user__email"]
    list_select_related = ["practitioner__user", "category"]
    raw_id_fields = ["practitioner", "consumed_by"]
