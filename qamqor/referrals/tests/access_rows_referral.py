"""Access-matrix rows (qamqor/web/tests/test_access_matrix.py) of the referral pages.

The matrix's sensitive case is referred (arguments()) to a crisis centre none of the cast
works in: for the cast the referral pages are the referring side's. The receiving side is
walked in test_referral_shared_fields.py, at every data scope.
"""

from qamqor.web.tests.matrix import case_change, case_page, everyone

RECIPIENT_CHANGES = [
    "referrals:referral_accept",
    "referrals:referral_decline",
    "referrals:referral_start",
    "referrals:referral_complete",
    "referrals:referral_delivery",
]

PAGES: dict[str, dict[str, int]] = {
    # The pathway and the send form: those who see the whole case; the de-identified
    # reach is refused, and to everyone else the case does not exist.
    "referrals:case_referrals": case_page(200, de_identified=403),
    # One referral: its referring side (alice, carol) and the agency it was sent to.
    "referrals:detail": case_page(200, de_identified=403),
    "referrals:referral_revoke": everyone(405),
    **{name: everyone(405) for name in RECIPIENT_CHANGES},
}


def _receiving_side_only() -> dict[str, set[int]]:
    """Answers and deliveries belong to the receiving agency: the referring side and the
    de-identified reach are refused (403), and to everyone else the case does not exist."""
    statuses = case_change()
    statuses.update(alice={403}, carol={403})
    return statuses


POSTS: dict[str, dict[str, set[int]]] = {
    "referrals:case_referrals": case_change(),
    "referrals:referral_revoke": case_change(),
    **{name: _receiving_side_only() for name in RECIPIENT_CHANGES},
}


def arguments(case):  # type: ignore[no-untyped-def]
    """A referral of the matrix's case, sent by its owner (alice) to a crisis centre
    outside the cast: the minimum, for protection in an emergency (no consent needed)."""
    from qamqor.accounts.models import Agency, AgencyKind
    from qamqor.referrals.models import Referral, ReferralPurpose, Urgency
    from qamqor.referrals.referral_actions import send_referral

    referral = Referral.objects.filter(case=case).first()
    if referral is None:
        centre = Agency.objects.create(
            name_kk="Matrix centre", name_ru="Matrix centre", name_en="Matrix centre",
            kind=AgencyKind.objects.get(code="crisis_centre_ngo"), region=case.region,
        )  # fmt: skip
        referral = send_referral(
            case.created_by,
            case,
            centre,
            purpose=ReferralPurpose.PROTECTION,
            urgency=Urgency.objects.get(emergency=True),
            scope="minimum",
        )
    return {"referral_id": referral.pk}
