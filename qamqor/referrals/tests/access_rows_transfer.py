"""Access-matrix rows of the case transfer pages (see qamqor/web/tests/matrix.py).

The matrix's sensitive case is proposed for transfer to an agency in which no one of the
cast works (arguments()), so every page is walked with a real transfer id and no user of
the cast is told of it. Who accepts and declines is pinned by test_transfer_pages.py with
the receiving agency's own supervisor.
"""

from qamqor.web.tests.matrix import CAST, case_change, case_page, everyone

CHANGES = ["referrals:transfer_withdraw", "referrals:transfer_accept", "referrals:transfer_decline"]

PAGES: dict[str, dict[str, int]] = {
    # The case's editors; the de-identified reach is refused, to others there is no case.
    "referrals:transfer_page": case_page(200, de_identified=403),
    # The receiving agency's supervisors (none in the cast) and the case's editors.
    "referrals:transfer_detail": case_page(200, de_identified=403),
    **{name: everyone(405) for name in CHANGES},
    # Those who answer proposals for an agency (supervisors); to anyone else it does not exist.
    "referrals:transfer_inbox": everyone(404, carol=200),
}


def _answer() -> dict[str, set[int]]:
    """Accepting or declining: the owner's editors reach the transfer but do not answer it
    (403), the de-identified reach is refused (403), to everyone else there is no case."""
    return {user: {403} if user in ("alice", "carol", "gulnara") else {404} for user in CAST}


POSTS: dict[str, dict[str, set[int]]] = {
    "referrals:transfer_page": case_change(),
    "referrals:transfer_withdraw": case_change(),
    "referrals:transfer_accept": _answer(),
    "referrals:transfer_decline": _answer(),
}


def arguments(case):  # type: ignore[no-untyped-def]
    """A proposal to transfer the matrix's case, made by its owner (alice)."""
    from qamqor.accounts.models import Agency, AgencyKind, Region
    from qamqor.referrals.models import CaseTransfer, TransferStatus
    from qamqor.referrals.transfer_actions import propose_transfer

    transfer = CaseTransfer.objects.filter(case=case, status=TransferStatus.PROPOSED).first()
    if transfer is None:
        receiving, _created = Agency.objects.get_or_create(
            name_en="Matrix receiving centre",
            defaults={
                "name_kk": "Matrix receiving centre",
                "name_ru": "Matrix receiving centre",
                "kind": AgencyKind.objects.get(code="crisis_centre_ngo"),
                "region": Region.objects.get(iso_code="KZ-71"),
            },
        )
        transfer = propose_transfer(case.created_by, case, receiving, "Matrix: a transfer.")
    return {"transfer_id": transfer.pk}
