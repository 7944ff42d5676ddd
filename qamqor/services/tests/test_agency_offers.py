"""An agency declares which concrete services it provides, and in which settings."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from qamqor.accounts.models import Agency
from qamqor.services.models import AgencyOffer, Service, ServiceSetting


def test_agencies_are_found_by_the_service_and_setting_they_offer(agency, other_agency):
    accommodation = Service.objects.get(code="accommodation")
    inpatient = ServiceSetting.objects.get(code="inpatient")
    home = ServiceSetting.objects.get(code="home_based")
    AgencyOffer.objects.create(agency=agency, service=accommodation, setting=inpatient)
    AgencyOffer.objects.create(agency=other_agency, service=accommodation, setting=home)

    offering = Agency.objects.filter(
        service_offers__service__code="accommodation", service_offers__setting__code="inpatient"
    )
    assert list(offering) == [agency]


def test_an_offer_is_declared_once_and_keeps_its_service(agency):
    accommodation = Service.objects.get(code="accommodation")
    inpatient = ServiceSetting.objects.get(code="inpatient")
    AgencyOffer.objects.create(agency=agency, service=accommodation, setting=inpatient)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyOffer.objects.create(agency=agency, service=accommodation, setting=inpatient)
    with pytest.raises(ProtectedError):
        accommodation.delete()
