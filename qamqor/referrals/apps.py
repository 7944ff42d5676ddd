from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "qamqor.referrals"
    label = "referrals"
