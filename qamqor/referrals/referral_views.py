"""The referral pages: a case's referrals (the pathway) with the send form, one referral
for both sides with its actions, the deliveries the receiving agency records, and the
view of a case shared with who the person is but not its story (shared_case).

Who reaches what (docs/referrals.md):
- the referring side: those who see the whole case through its owning agency (or by
  break-glass, read only); its editors send and revoke;
- the receiving side: the members of the agency a referral was sent to whose role works
  on cases there, for as long as the share is in force; those who may change cases there
  accept, decline, start, complete and record deliveries;
- anyone else who reaches the case is refused (403); to everyone else it does not exist.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qamqor.accounts.models import User
from qamqor.audit.events import record_access
from qamqor.cases.access import (
    CaseAccess,
    CaseNotFound,
    access_case,
    case_access,
    visible_cases,
)
from qamqor.cases.models import Case
from qamqor.clock import now, today
from qamqor.plans.actions import record_delivery
from qamqor.plans.models import OPEN_STATUSES, Delivery, PlannedService
from qamqor.web.forms import add_validation_error

from . import referral_actions as actions
from .access import received_referrals, referral_covers
from .consents import consents_in_force
from .models import LIVE, ConsentPurpose, Referral, ReferralPurpose, ReferralStatus
from .referral_forms import CompleteForm, DeclineForm, ReferralDeliveryForm, ReferralForm
from .states import Side, allowed_targets

# The relations through which a user stands on the referring side of a case.
OWNER_SIDE = frozenset({"agency", "assigned", "break_glass"})


def _submission_key(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None


# The case's referrals -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_referrals(request: HttpRequest, code: str) -> HttpResponse:
    """The pathway of the case (who referred it to whom, when, the answers and outcomes)
    for those who see the whole case, and the send form for its editors."""
    user: User = request.user  # type: ignore[assignment]
    case = access_case(user, code)
    access = case_access(user, case)
    if not access.full_file:
        raise PermissionDenied(_("Your reach of this case does not show its referrals."))
    may_override = actions.may_override_consent(user, case)
    form = None
    if access.edit:
        form = ReferralForm(
            request.POST if request.method == "POST" else None,
            owner=case.owner_agency,
            may_override=may_override,
            # An agency chosen in the referral directory ("Refer here"): ?to=<agency id>.
            initial={"to_agency": request.GET.get("to", "")},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Your role does not allow changing this case."))
        if form.is_valid():
            try:
                referral = actions.send_referral(user, case, **form.cleaned_data)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("Referral sent to %(agency)s.") % {"agency": referral.to_agency.name},
                )
                return redirect("referrals:detail", code=case.code, referral_id=referral.pk)
    record_access(user, "case.referrals.view", case, case_code=case.code)
    consents = consents_in_force(case).filter(purpose=ConsentPurpose.REFERRAL)
    context = {
        "case": case,
        "access": access,
        "pathway": pathway(case),
        "form": form,
        "may_override": may_override,
        "consents": list(consents.select_related("recipient_agency", "recipient_kind")),
        "now": now(),
    }
    return render(
        request,
        "referrals/referral_case_list.html",
        context,
        status=400 if form and form.errors else 200,
    )


def pathway(case: Case) -> list[Referral]:
    """Every referral of the case, the earliest first, with who and when."""
    return list(
        Referral.objects.filter(case=case)
        .select_related("from_agency", "to_agency", "urgency", "sent_by", "responded_by")
        .order_by("sent_at", "pk")
    )


# One referral ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralReach:
    referral: Referral
    case: Case
    access: CaseAccess | None  # None: the user no longer reaches the case
    sender: bool
    recipient: bool

    def may(self, user: User, target: ReferralStatus) -> bool:
        side = Side.SENDER if target == ReferralStatus.REVOKED else Side.RECIPIENT
        if target not in allowed_targets(self.referral.status, side):
            return False
        if side == Side.SENDER:
            return self.sender and self.access is not None and self.access.edit
        return self.recipient and actions.may_act(user, self.referral, side)


def referral_reach(user: User, code: str, referral_id: int) -> ReferralReach:
    """The referral of case `code` and the side the user stands on; 403 for someone who
    reaches the case otherwise, and the same 404 as a missing case for everyone else."""
    referral = (
        Referral.objects.select_related(
            "case__owner_agency",
            "case__region",
            "case__person",
            "from_agency",
            "to_agency__region",
            "urgency",
            "consent",
            "sent_by",
            "responded_by",
            "revoked_by",
        )
        .filter(pk=referral_id, case__code=code)
        .first()
    )
    if referral is None:
        raise CaseNotFound()
    case = referral.case
    recipient = received_referrals(user).filter(pk=referral.pk).exists()
    visible = visible_cases(user).filter(pk=case.pk).exists()
    access = case_access(user, case) if visible else None
    sender = access is not None and access.full_file and bool(access.relations & OWNER_SIDE)
    if not (sender or recipient):
        if visible:
            raise PermissionDenied(_("This referral is between other agencies."))
        raise CaseNotFound()
    return ReferralReach(referral, case, access, sender, recipient)


@login_required
@require_GET
def referral_detail(request: HttpRequest, code: str, referral_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    reach = referral_reach(user, code, referral_id)
    return _render_detail(request, user, reach)


def _render_detail(
    request: HttpRequest, user: User, reach: ReferralReach, *, status: int = 200, **forms: BaseForm
) -> HttpResponse:
    referral, case = reach.referral, reach.case
    shared = referral.status in (ReferralStatus.SENT, *LIVE)
    # The receiving side sees of the case what its reach shows now (the minimum until it
    # accepts), and nothing of it once the referral has ended.
    receiving_view = reach.recipient and not reach.sender
    seen = reach.access if shared and receiving_view else None
    shows_person = seen is not None and seen.sees_person
    record_access(
        user,
        "referral.view",
        referral,
        case_code=case.code,
        side="sender" if reach.sender else "recipient",
        identity=shows_person,
    )
    context: dict[str, Any] = {
        "referral": referral,
        "case": case,
        "reach": reach,
        "shared": shared,
        "receiving_view": receiving_view,
        "seen": seen,
        "shows_person": shows_person,
        "person": case.person if shows_person else None,
        "documents": list(case.person.documents.all()) if shows_person else [],
        "services": list(referral.services.select_related("service_type")),
        "service_types": list(referral.service_types.all()),
        "now": now(),
        "today": today(),
        "may_accept": reach.may(user, ReferralStatus.ACCEPTED),
        "may_decline": reach.may(user, ReferralStatus.DECLINED),
        "may_start": reach.may(user, ReferralStatus.IN_PROGRESS),
        "may_complete": reach.may(user, ReferralStatus.COMPLETED),
        "may_revoke": reach.may(user, ReferralStatus.REVOKED),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "complete_form": forms.get("complete_form") or CompleteForm(),
        "submission_key": uuid.uuid4(),
    }
    context.update(_delivery_context(user, reach, forms.get("delivery_form")))
    return render(request, "referrals/referral_detail.html", context, status=status)


def _covered_services(referral: Referral) -> list[PlannedService]:
    """The planned services of the owner's open plan that the referral is for."""
    planned = PlannedService.objects.filter(
        plan__case_id=referral.case_id, plan__status__in=OPEN_STATUSES
    ).select_related("service", "provider", "plan")
    return [
        p
        for p in planned
        if p.provider_id == referral.to_agency_id
        or referral_covers(referral, p.service_id, p.service.service_type_id)
    ]


def _delivery_context(user: User, reach: ReferralReach, form: BaseForm | None) -> dict[str, Any]:
    """The deliveries the receiving agency recorded on the owner's plan (both sides see
    them: the owner follows the progress), and its form to record one."""
    referral = reach.referral
    if referral.purpose != ReferralPurpose.SERVICES:
        return {}
    deliveries = list(
        Delivery.objects.filter(plan__case_id=referral.case_id, provider_id=referral.to_agency_id)
        .select_related("service", "recorded_by")
        .order_by("-delivered_on", "-pk")
    )
    context: dict[str, Any] = {"deliveries": deliveries, "delivery_form": None}
    acting = (
        reach.recipient
        and referral.status in LIVE
        and actions.may_act(user, referral, Side.RECIPIENT)
    )
    if acting:
        planned = _covered_services(referral)
        context["planned"] = planned
        if planned:
            # Its own ids: the completion form on the same page has an "outcome" too.
            context["delivery_form"] = form or ReferralDeliveryForm(
                planned=planned, initial={"delivered_on": today()}, auto_id="id_delivery_%s"
            )
    return context


# Changes ---------------------------------------------------------------------------


def _done(request: HttpRequest, reach: ReferralReach, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("referrals:detail", code=reach.case.code, referral_id=reach.referral.pk)


def _refused(request: HttpRequest, reach: ReferralReach, error: ValidationError) -> HttpResponse:
    """A change refused on the referral as it is now (e.g. someone else answered first)."""
    for message in error.messages:
        messages.error(request, message)
    return redirect("referrals:detail", code=reach.case.code, referral_id=reach.referral.pk)


def _reach_for_change(
    request: HttpRequest, code: str, referral_id: int
) -> tuple[User, ReferralReach]:
    """The referral as the user saw it: the action forms carry the status shown, so a
    change someone else made since is refused rather than acted upon blindly."""
    user: User = request.user  # type: ignore[assignment]
    reach = referral_reach(user, code, referral_id)
    seen = request.POST.get("status", "")
    if seen in ReferralStatus.values:
        reach.referral.status = seen
    return user, reach


@login_required
@require_POST
def referral_accept(request: HttpRequest, code: str, referral_id: int) -> HttpResponse:
    user, reach = _reach_for_change(request, code, referral_id)
    try:
        actions.accept_referral(user, reach.referral)
    except ValidationError as error:
        return _refused(request, reach, error)
    return _done(request, reach, _("Referral accepted."))


@login_required
@require_POST
def referral_start(request: HttpRequest, code: str, referral_id: int) -> HttpResponse:
    user, reach = _reach_for_change(request, code, referral_id)
    try:
        actions.start_referral(user, reach.referral)
    except ValidationError as error:
        return _refused(request, reach, error)
    return _done(request, reach, _("Work on the referral has started."))


@login_required
@require_POST
def referral_revoke(request: HttpRequest, code: str, referral_id: int) -> HttpResponse:
    user, reach = _reach_for_change(request, code, referral_id)
    try:
        actions.revoke_referral(user, reach.referral)
    except ValidationError as error:
        return _refused(request, reach, error)
    return _done(request, reach, _("Referral revoked: the agency no longer sees the case."))


@login_required
@require_POST
def referral_decline(request: HttpRequest, code: str, referral_id: int) -> HttpResponse:
    user, reach = _reach_for_change(request, code, referral_id)
    if not actions.may_act(user, reach.referral, Side.RECIPIENT):
        raise PermissionDenied(_("Only the agency the referral was sent to can do this."))
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            actions.decline_referral(user, reach.referral, form.cleaned_data["decline_reason"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, reach, error)
            add_validation_error(form, error)
        else:
            return _done(request, reach, _("Referral declined."))
    return _render_detail(request, user, reach, status=400, decline_form=form)


@login_required
@require_POST
def referral_complete(request: HttpRequest, code: str, referral_id: int) -> HttpResponse:
    user, reach = _reach_for_change(request, code, referral_id)
    if not actions.may_act(user, reach.referral, Side.RECIPIENT):
        raise PermissionDenied(_("Only the agency the referral was sent to can do this."))
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            actions.complete_referral(user, reach.referral, form.cleaned_data["outcome"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, reach, error)
            add_validation_error(form, error)
        else:
            return _done(request, reach, _("Referral completed."))
    return _render_detail(request, user, reach, status=400, complete_form=form)


@login_required
@require_POST
def referral_delivery(request: HttpRequest, code: str, referral_id: int) -> HttpResponse:
    """A delivery the receiving agency gave, recorded against the owner's plan."""
    user, reach = _reach_for_change(request, code, referral_id)
    referral = reach.referral
    acting = (
        reach.recipient
        and referral.purpose == ReferralPurpose.SERVICES
        and referral.status in LIVE
        and actions.may_act(user, referral, Side.RECIPIENT)
    )
    if not acting:
        raise PermissionDenied(
            _("Only the agency a live referral for services was sent to can do this.")
        )
    planned = _covered_services(referral)
    form = ReferralDeliveryForm(request.POST, planned=planned, auto_id="id_delivery_%s")
    if form.is_valid():
        chosen: PlannedService = form.cleaned_data.pop("planned_service")
        try:
            record_delivery(
                user,
                chosen.plan,
                planned_service=chosen,
                provider=referral.to_agency,
                submission_key=_submission_key(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _done(request, reach, _("Delivery recorded on the plan of the case."))
    return _render_detail(request, user, reach, status=400, delivery_form=form)


# A case shared with who the person is ----------------------------------------------


def shared_case(request: HttpRequest, case: Case, access: CaseAccess) -> HttpResponse:
    """The case file of a user whom a referral shows who the person is, and no more:
    the person, their documents and contacts, the de-identified facts, the referrals to
    their agency. cases.views.case_detail hands over when access.person_only (it has
    recorded the view already)."""
    user: User = request.user  # type: ignore[assignment]
    referrals = list(
        received_referrals(user)
        .filter(case=case)
        .select_related("to_agency", "urgency")
        .order_by("-sent_at")
    )
    context = {
        "case": case,
        "access": access,
        "person": case.person,
        "documents": list(case.person.documents.all()),
        "referrals": referrals,
        "today": today(),
    }
    return render(request, "referrals/referral_shared_case.html", context)
