from django.urls import path

from . import views

urlpatterns = [
    path("audits/<int:pk>/", views.audit, name="audit"),
]
