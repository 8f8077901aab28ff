"""The holder's payment pages under /renewals/ (Stripe's webhook is in config/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/pay/", views.pay, name="pay"),
    path("<int:pk>/payment/", views.payment_return, name="payment_return"),
]
