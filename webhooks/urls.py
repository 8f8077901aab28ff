from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("<int:pk>/", views.subscription_detail, name="detail"),
    path("<int:pk>/delete/", views.subscription_delete, name="delete"),
    path("<int:pk>/active/", views.subscription_active, name="active"),
    path("deliveries/<int:pk>/redeliver/", views.redeliver, name="redeliver"),
    path("organisations/", views.organisation_consents, name="consents"),
]
