from django.urls import path

from . import views

urlpatterns = [
    path(
        ".well-known/openid-credential-issuer",
        views.issuer_metadata,
        name="wallet_issuer_metadata",
    ),
    path(
        ".well-known/oauth-authorization-server",
        views.authorization_server_metadata,
        name="wallet_authorization_server_metadata",
    ),
    path("wallet/token", views.token, name="wallet_token"),
    path("wallet/nonce", views.nonce, name="wallet_nonce"),
    path("wallet/credential", views.credential, name="wallet_credential"),
    path(
        "credentials/<str:certificate_number>/wallet/",
        views.add_to_wallet,
        name="wallet_add",
    ),
]
