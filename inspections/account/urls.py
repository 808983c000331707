from django.urls import path

from . import two_factor, views

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/two-factor/", two_factor.two_factor, name="two-factor"),
    path("sign-in/code/", two_factor.sign_in_code, name="sign-in-code"),
    path("account/password/done/", views.password_change_done, name="password-change-done"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("password-reset/complete/", views.password_reset_complete, name="password-reset-complete"),
]
