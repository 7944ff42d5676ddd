from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "qamqor.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import on_logged_in

        # Every way of signing in starts the session clock, not only the sign-in page.
        user_logged_in.connect(on_logged_in, dispatch_uid="qamqor.accounts.session_clock")
