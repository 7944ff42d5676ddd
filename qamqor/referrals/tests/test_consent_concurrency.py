"""Two editors withdraw the same consent at the same moment: exactly one withdrawal is
recorded, the other is told it was withdrawn already (PostgreSQL).

SQLite serialises every write to the whole database, so the race exists only where
transactions run side by side; there the consent row's lock decides it.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from qamqor.accounts.models import Notification
from qamqor.audit.models import AuditEvent
from qamqor.conftest import make_agency, make_user
from qamqor.referrals.consent_actions import withdraw_consent
from qamqor.referrals.models import Consent, Referral, ReferralStatus

from . import consent_helpers
from .consent_helpers import make_referral

# The shared fixtures, named here so that pytest finds them in this module.
_english = consent_helpers._english
media = consent_helpers.media
frozen_today = consent_helpers.frozen_today
consent_for = consent_helpers.consent_for

if connection.vendor == "postgresql":

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_two_withdrawals_at_once_one_is_recorded(alice, carol, case, region, consent_for):
        shelter = make_agency(region, kind="crisis_centre_state", name="Shelter")
        worker = make_user("dinara", shelter)
        consent = consent_for(case)
        make_referral(case, shelter, consent, status=ReferralStatus.ACCEPTED)
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def withdraw(user):
            # A thread starts in the default language; the refusal is read in English.
            try:
                with translation.override("en"):
                    copy = Consent.objects.select_related("case").get(pk=consent.pk)
                    start.wait()
                    try:
                        outcomes.append(f"ended {withdraw_consent(user, copy)}")
                    except ValidationError as refusal:
                        outcomes.append(" ".join(refusal.messages))
            finally:
                connection.close()  # each thread opened a connection of its own

        threads = [threading.Thread(target=withdraw, args=(u,)) for u in (alice, carol)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["This consent has already been withdrawn.", "ended 1"]
        assert AuditEvent.objects.filter(action="consent.withdraw").count() == 1
        assert Notification.objects.filter(recipient=worker, kind="share_ended").count() == 1
        assert Referral.objects.get().share_ended_at is not None
