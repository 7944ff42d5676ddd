"""From a case's send form to the referral directory and back with the agency chosen."""

import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import translation

from qamqor.conftest import make_agency, signed_in

DIRECTORY = reverse("referrals:directory")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def refer_links(body: str) -> list[str]:
    return re.findall(r'<a class="refer-here" href="([^"]+)"', body)


def test_the_directory_opened_for_a_case_links_each_agency_to_its_send_form(
    alice, case, agency, region
):
    centre = make_agency(region, name="Almaty centre")
    send_form = reverse("referrals:case_referrals", args=[case.code])
    assert f'href="{DIRECTORY}?case={case.code}"' in signed_in(alice).get(send_form).text

    body = signed_in(alice).get(DIRECTORY, {"case": case.code}).text
    assert f"Choosing where to refer case {case.code}" in body
    links = refer_links(body)
    assert f"{send_form}?to={centre.pk}#send" in links
    # Not to the agency that owns the case; filters keep the case.
    assert f"{send_form}?to={agency.pk}#send" not in links
    assert f'<input type="hidden" name="case" value="{case.code}">' in body

    form = signed_in(alice).get(send_form, {"to": centre.pk}).text
    assert re.search(rf'<option value="{centre.pk}" selected>Almaty centre', form)


def test_without_a_case_the_directory_links_nowhere(alice, case, region):
    make_agency(region, name="Almaty centre")
    assert refer_links(signed_in(alice).get(DIRECTORY).text) == []


def test_a_case_the_user_may_not_refer_is_refused_as_the_case_itself(case, carol, charlie, bob):
    # Charlie's agency neither owns nor was sent the case; Bob was not given it.
    for user in (charlie, bob):
        assert signed_in(user).get(DIRECTORY, {"case": case.code}).status_code == 404
    assert signed_in(charlie).get(DIRECTORY, {"case": "ALA-2026-999999"}).status_code == 404
    assert signed_in(carol).get(DIRECTORY, {"case": case.code}).status_code == 200


def test_a_stranger_agency_id_chooses_nothing(alice, case):
    form = signed_in(alice).get(
        reverse("referrals:case_referrals", args=[case.code]), {"to": "999999"}
    )
    assert form.status_code == 200
    assert " selected>" not in form.text.split('id="send-form"')[1].split("</select>")[0]
