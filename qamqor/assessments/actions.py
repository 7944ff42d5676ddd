"""Changes to assessments and decisions. Each takes the acting user first, checks that
they may change the case, validates, writes, and records its audit event in the same
transaction. Audit details carry codes, versions, levels and statuses, never evidence,
grounds or reasons."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qamqor.accounts.models import User
from qamqor.audit.events import record
from qamqor.cases.access import require_case_edit
from qamqor.cases.models import Case
from qamqor.clock import now, today

from .models import (
    Answer,
    Assessment,
    AssessmentStatus,
    EligibilityDecision,
    Instrument,
    InstrumentKind,
    RiskLevel,
    TraffickingDecision,
    TraffickingStatus,
    instrument_in_force,
)
from .scoring import JudgementLowersLevel, RiskRules, risk_result, yes_count


def start_assessment(actor: User, case: Case, instrument: Instrument) -> Assessment:
    """A new draft of `instrument` (a version in force today) for the case."""
    require_case_edit(actor, case)
    if not instrument.in_force_on(today()):
        raise ValidationError(
            {"instrument": _("This version of the instrument is not in force today.")}
        )
    with transaction.atomic():
        assessment = Assessment(
            case=case,
            instrument=instrument,
            assessed_on=today(),
            started_at=now(),
            started_by=actor,
        )
        assessment.full_clean()
        assessment.save()
        _record(actor, "assessment.start", assessment)
    return assessment


def save_answers(
    actor: User,
    assessment: Assessment,
    answers: Mapping[str, str],
    evidence: Mapping[str, str] | None = None,
) -> Assessment:
    """Add or change answers (and evidence) of a draft; other answers stay as they were."""
    require_case_edit(actor, assessment.case)
    items = {item.code: item for item in assessment.instrument.items.all()}
    errors: list[str] = []
    for code, answer in answers.items():
        if code not in items:
            errors.append(_("%(item)s is not a question of this instrument.") % {"item": code})
        elif answer not in Answer.values:
            errors.append(_("%(item)s: answer yes, no or not known.") % {"item": code})
    for code, text in (evidence or {}).items():
        if text.strip() and (code not in items or not items[code].takes_evidence):
            errors.append(_("%(item)s does not take evidence.") % {"item": code})
    if errors:
        raise ValidationError({"answers": errors})
    with transaction.atomic():
        locked = _locked_draft(assessment)
        locked.answers = {**locked.answers, **answers}
        if evidence:
            locked.set_evidence({**locked.evidence, **evidence})
        locked.full_clean()
        locked.save()
        _record(actor, "assessment.answers", locked, answered=len(locked.answers))
    return locked


def complete_assessment(
    actor: User,
    assessment: Assessment,
    *,
    judgement_level: str = "",
    judgement_reason: str = "",
) -> Assessment:
    """Fix the answers and compute the score. Every item must be answered.

    For a risk instrument the level comes from the yes count, potential escalation (the
    case's incidents in the instrument's window) and the assessor's judgement, which may
    raise the level and needs a reason; a judgement below the result is refused.
    """
    require_case_edit(actor, assessment.case)
    with transaction.atomic():
        locked = _locked_draft(assessment)
        instrument = locked.instrument
        codes = list(instrument.items.values_list("code", flat=True))
        missing = [code for code in codes if code not in locked.answers]
        if missing:
            raise ValidationError(
                {
                    "answers": _("Answer every item before completing: %(count)d left.")
                    % {"count": len(missing)}
                }
            )
        answers = {code: locked.answers[code] for code in codes}
        locked.assessed_on = today()
        locked.yes_count = yes_count(answers)
        if instrument.kind == InstrumentKind.DOMESTIC_VIOLENCE_RISK:
            _score_risk(locked, answers, judgement_level, judgement_reason)
        elif judgement_level:
            raise ValidationError(
                {"judgement_level": _("Only a risk assessment takes a risk judgement.")}
            )
        locked.status = AssessmentStatus.COMPLETED
        locked.completed_at = now()
        locked.completed_by = actor
        locked.full_clean()
        locked.save()
        if locked.supersedes_id is not None:
            Assessment.objects.filter(pk=locked.supersedes_id).update(
                status=AssessmentStatus.SUPERSEDED
            )
        _record(
            actor,
            "assessment.complete",
            locked,
            yes_count=locked.yes_count,
            level=locked.level,
            escalated=locked.escalated,
            judgement=locked.judgement_level,
            conference_proposed=locked.conference_proposed,
            supersedes=locked.supersedes_id,
        )
    return locked


def _score_risk(
    assessment: Assessment, answers: dict[str, str], judgement: str, reason: str
) -> None:
    if judgement and judgement not in RiskLevel.values:
        raise ValidationError({"judgement_level": _("Unknown risk level.")})
    if judgement and not reason.strip():
        raise ValidationError({"judgement_reason": _("Say why your judgement raises the level.")})
    incident_dates = assessment.case.incidents.filter(
        occurred_on__lte=assessment.assessed_on
    ).values_list("occurred_on", flat=True)
    try:
        result = risk_result(
            RiskRules.from_data(assessment.instrument.rules),
            answers,
            incident_dates=list(incident_dates),
            assessed_on=assessment.assessed_on,
            judgement=judgement,
        )
    except JudgementLowersLevel as refused:
        raise ValidationError(
            {
                "judgement_level": _(
                    "Professional judgement may raise the risk level, never lower it: the "
                    "answers and incidents give %(level)s."
                )
                % {"level": RiskLevel(refused.level).label}
            }
        ) from None
    assessment.count_level = result.count_level
    assessment.incidents_in_window = result.incidents_in_window
    assessment.escalated = result.escalated
    assessment.level = result.level
    assessment.conference_proposed = result.conference_proposed
    assessment.judgement_level = judgement
    assessment.judgement_reason = reason.strip() if judgement else ""


def supersede(actor: User, assessment: Assessment) -> Assessment:
    """A new draft that will replace a completed assessment once it is completed.

    It uses the version of the instrument in force today and starts from the answers of
    the one it replaces. Asked twice, it returns the same draft.
    """
    require_case_edit(actor, assessment.case)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status != AssessmentStatus.COMPLETED:
            raise ValidationError({"status": _("Only a completed assessment can be superseded.")})
        waiting = Assessment.objects.filter(supersedes=locked).first()
        if waiting is not None:
            return waiting
        try:
            instrument = instrument_in_force(locked.instrument.code)
        except Instrument.DoesNotExist:
            raise ValidationError(
                {"instrument": _("No version of this instrument is in force today.")}
            ) from None
        codes = set(instrument.items.values_list("code", flat=True))
        draft = Assessment(
            case=locked.case,
            instrument=instrument,
            assessed_on=today(),
            started_at=now(),
            started_by=actor,
            supersedes=locked,
            answers={code: answer for code, answer in locked.answers.items() if code in codes},
        )
        draft.set_evidence({code: text for code, text in locked.evidence.items() if code in codes})
        draft.full_clean()
        draft.save()
        _record(actor, "assessment.supersede", draft, supersedes=locked.pk)
    return draft


def _locked_draft(assessment: Assessment) -> Assessment:
    locked = (
        Assessment.objects.select_for_update()
        .select_related("instrument", "case")
        .get(pk=assessment.pk)
    )
    if locked.status != AssessmentStatus.DRAFT:
        raise ValidationError(
            {"status": _("A completed assessment cannot be changed; supersede it with a new one.")}
        )
    return locked


def _record(actor: User, action: str, assessment: Assessment, **details: object) -> None:
    record(
        actor,
        action,
        assessment,
        case_code=assessment.case.code,
        instrument=assessment.instrument.code,
        version=assessment.instrument.version,
        **details,
    )


def _decision_assessment(case: Case, assessment: Assessment | None, kind: str) -> None:
    if assessment is None:
        return
    if (
        assessment.case_id != case.pk
        or assessment.instrument.kind != kind
        or assessment.status == AssessmentStatus.DRAFT
    ):
        raise ValidationError(
            {"assessment": _("Base the decision on a completed assessment of this case.")}
        )


def record_trafficking_decision(
    actor: User,
    case: Case,
    *,
    status: str,
    deciding_org_type: str,
    decided_on: datetime.date,
    grounds: str,
    assessment: Assessment | None = None,
) -> TraffickingDecision:
    """Record a trafficking status decision; it supersedes the case's current one.

    A "possible victim" decision starts a recovery and reflection period whose length
    is the identification instrument's (the assessment's version, or the one in force).
    """
    require_case_edit(actor, case)
    _decision_assessment(case, assessment, InstrumentKind.TRAFFICKING)
    reflection_days = None
    if status == TraffickingStatus.POSSIBLE:
        instrument = assessment.instrument if assessment else _identification_instrument()
        reflection_days = int(instrument.rules["reflection_days"])
    with transaction.atomic():
        # The case row lock queues two decisions for one case; the current decision is
        # then the one nobody supersedes yet.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        current = TraffickingDecision.objects.filter(case=case, superseded_by__isnull=True).first()
        decision = TraffickingDecision(
            case=case,
            assessment=assessment,
            status=status,
            deciding_org_type=deciding_org_type,
            decided_on=decided_on,
            decided_by=actor,
            grounds=grounds.strip(),
            reflection_days=reflection_days,
            recorded_at=now(),
            supersedes=current,
        )
        decision.full_clean()
        decision.save()
        record(
            actor,
            "trafficking_decision.create",
            decision,
            case_code=case.code,
            status=status,
            deciding_org_type=deciding_org_type,
            reflection_days=reflection_days,
            supersedes=current.pk if current else None,
        )
    return decision


def _identification_instrument() -> Instrument:
    instrument = (
        Instrument.objects.filter(kind=InstrumentKind.TRAFFICKING, effective_from__lte=today())
        .order_by("-effective_from", "-version")
        .first()
    )
    if instrument is None or not instrument.in_force_on(today()):
        raise ValidationError(
            {"status": _("No trafficking identification instrument is in force today.")}
        )
    return instrument


def record_eligibility_decision(
    actor: User,
    case: Case,
    *,
    decision: str,
    deciding_body: str,
    decided_on: datetime.date,
    reasons: str,
    assessment: Assessment | None = None,
) -> EligibilityDecision:
    """The case's first eligibility decision; a later one is a revision."""
    require_case_edit(actor, case)
    if EligibilityDecision.objects.filter(case=case).exists():
        raise ValidationError(
            {"decision": _("This case has an eligibility decision: revise it instead.")}
        )
    return _save_eligibility(
        actor, case, None, decision, deciding_body, decided_on, reasons, assessment, False
    )


def revise_eligibility_decision(
    actor: User,
    previous: EligibilityDecision,
    *,
    decision: str,
    deciding_body: str,
    decided_on: datetime.date,
    reasons: str,
    on_appeal: bool = False,
    assessment: Assessment | None = None,
) -> EligibilityDecision:
    """A new decision replacing the current one (after an appeal or new information);
    the earlier decisions stay on record."""
    require_case_edit(actor, previous.case)
    if decided_on and decided_on < previous.decided_on:
        raise ValidationError(
            {"decided_on": _("A revision cannot predate the decision it revises.")}
        )
    return _save_eligibility(
        actor,
        previous.case,
        previous,
        decision,
        deciding_body,
        decided_on,
        reasons,
        assessment,
        on_appeal,
    )


def _save_eligibility(
    actor: User,
    case: Case,
    previous: EligibilityDecision | None,
    decision: str,
    deciding_body: str,
    decided_on: datetime.date,
    reasons: str,
    assessment: Assessment | None,
    on_appeal: bool,
) -> EligibilityDecision:
    _decision_assessment(case, assessment, InstrumentKind.ELIGIBILITY)
    with transaction.atomic():
        if previous is not None:
            locked = EligibilityDecision.objects.select_for_update().get(pk=previous.pk)
            if EligibilityDecision.objects.filter(supersedes=locked).exists():
                raise ValidationError(
                    {"decision": _("This decision has been revised already: revise the latest.")}
                )
        made = EligibilityDecision(
            case=case,
            assessment=assessment,
            decision=decision,
            deciding_body=deciding_body.strip(),
            decided_on=decided_on,
            decided_by=actor,
            reasons=reasons.strip(),
            on_appeal=on_appeal,
            recorded_at=now(),
            supersedes=previous,
        )
        made.full_clean()
        made.save()
        record(
            actor,
            "eligibility_decision.revise" if previous else "eligibility_decision.create",
            made,
            case_code=case.code,
            decision=decision,
            on_appeal=on_appeal,
            supersedes=previous.pk if previous else None,
        )
    return made
