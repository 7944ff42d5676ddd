"""Rows of the access matrix (qamqor/web/tests/test_access_matrix.py) for the consent pages.

The matrix's sensitive case is given a consent on a signed form (arguments()), so that
withdrawal and the form's download are walked with a real consent id.
"""

from qamqor.web.tests.matrix import case_change, case_page

# Who sees who the person is sees the consents and the signed form; the editors (the
# same two here) get the withdrawal's confirmation; the de-identified reach is refused,
# and to everyone else the case does not exist.
PAGES: dict[str, dict[str, int]] = {
    "referrals:consent_list": case_page(200, de_identified=403),
    "referrals:consent_withdraw": case_page(200, de_identified=403),
    "referrals:consent_form": case_page(200, de_identified=403),
}

# Recording (an empty form: 400 for the editors) and withdrawal (the first editor
# withdraws, the second is told it is withdrawn already).
POSTS: dict[str, dict[str, set[int]]] = {
    "referrals:consent_list": case_change(),
    "referrals:consent_withdraw": case_change(),
}


def arguments(case):  # type: ignore[no-untyped-def]
    """A consent to referral on a signed form for the matrix's case, recorded by alice.

    The matrix gives its tests no media folder of their own, so the form is written to
    the default storage afresh (under the keys in use now) and removed when the test
    process ends.
    """
    import atexit

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from qamqor.clock import now, today
    from qamqor.referrals.models import Consent, ConsentMethod, ConsentPurpose, DataScope

    consent = Consent.objects.filter(case=case, signed_form__gt="").first()
    if consent is None:
        name = default_storage.save("consents/access-matrix.pdf", ContentFile(b"%PDF-1.7\n"))
        atexit.register(default_storage.delete, name)
        consent = Consent.objects.create(
            case=case,
            purpose=ConsentPurpose.REFERRAL,
            scope=DataScope.IDENTITY,
            given=True,
            method=ConsentMethod.SIGNED_FORM,
            signed_form=name,
            given_on=today(),
            recorded_by=case.created_by,
            recorded_at=now(),
        )
    return {"consent_id": consent.pk}
