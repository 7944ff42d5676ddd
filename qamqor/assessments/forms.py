from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.web.forms import DateInput

from .models import (
    Answer,
    Assessment,
    AssessmentStatus,
    EligibilityDecision,
    Instrument,
    InstrumentKind,
    Item,
    RiskLevel,
    TraffickingDecision,
)

ANSWER_PREFIX = "answer_"
EVIDENCE_PREFIX = "evidence_"


class StartAssessmentForm(forms.Form):
    """Which instrument version to start; the page offers the versions in force today."""

    instrument = forms.ModelChoiceField(
        label=_("instrument"), queryset=Instrument.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, instruments: list[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Instrument.objects.filter(pk__in=[i.pk for i in instruments])


class AnswersForm(forms.Form):
    """One yes / no / not known field per item, and an evidence box for checklist items.

    Saving keeps the assessment a draft and may leave items unanswered; completing
    (`completing=True`) asks for every item, and for a risk instrument takes the
    assessor's professional judgement.
    """

    def __init__(
        self,
        *args: Any,
        assessment: Assessment,
        items: list[Item],
        completing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.completing = completing
        self.instrument = assessment.instrument
        answers, evidence = assessment.answers, assessment.evidence
        for item in items:
            self.fields[ANSWER_PREFIX + item.code] = forms.ChoiceField(
                label=item.text,
                choices=Answer.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=answers.get(item.code, ""),
            )
            if item.takes_evidence:
                self.fields[EVIDENCE_PREFIX + item.code] = forms.CharField(
                    label=_("Evidence"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    initial=evidence.get(item.code, ""),
                )
        self.takes_judgement = assessment.instrument.kind == InstrumentKind.DOMESTIC_VIOLENCE_RISK
        if self.takes_judgement:
            self.fields["judgement_level"] = forms.ChoiceField(
                label=_("professional judgement"),
                choices=[("", _("Keep the computed level")), *RiskLevel.choices],
                required=False,
                help_text=_("Your judgement may raise the computed risk level, never lower it."),
            )
            self.fields["judgement_reason"] = forms.CharField(
                label=_("reason for the judgement"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def item_groups(
        self,
    ) -> list[tuple[str, list[tuple[Item, forms.BoundField, forms.BoundField | None]]]]:
        """The items in their instrument's groups, each with its answer field and, when it
        takes one, its evidence field."""
        groups: dict[str, list[tuple[Item, forms.BoundField, forms.BoundField | None]]] = {}
        for item in self.items:
            evidence = self[EVIDENCE_PREFIX + item.code] if item.takes_evidence else None
            groups.setdefault(item.group, []).append(
                (item, self[ANSWER_PREFIX + item.code], evidence)
            )
        return [(self.instrument.group_name(group), rows) for group, rows in groups.items()]

    def judgement_fields(self) -> list[forms.BoundField]:
        return [self["judgement_level"], self["judgement_reason"]] if self.takes_judgement else []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.completing:
            for item in self.items:
                if not cleaned.get(ANSWER_PREFIX + item.code):
                    self.add_error(
                        ANSWER_PREFIX + item.code, _("Answer this item before completing.")
                    )
        return cleaned

    def answers(self) -> dict[str, str]:
        return {
            item.code: self.cleaned_data[ANSWER_PREFIX + item.code]
            for item in self.items
            if self.cleaned_data.get(ANSWER_PREFIX + item.code)
        }

    def evidence(self) -> dict[str, str]:
        return {
            item.code: self.cleaned_data.get(EVIDENCE_PREFIX + item.code, "")
            for item in self.items
            if item.takes_evidence
        }


def _completed_assessments(field: forms.Field, case_assessments: Any, kind: str) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = case_assessments.filter(instrument__kind=kind).exclude(
        status=AssessmentStatus.DRAFT
    )
    field.required = False


class TraffickingDecisionForm(forms.ModelForm):
    class Meta:
        model = TraffickingDecision
        fields = ["status", "deciding_org_type", "decided_on", "grounds", "assessment"]
        labels = {"assessment": _("based on the assessment")}
        widgets = {"decided_on": DateInput(), "grounds": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, case_assessments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _completed_assessments(
            self.fields["assessment"], case_assessments, InstrumentKind.TRAFFICKING
        )


class EligibilityDecisionForm(forms.ModelForm):
    """The first decision, or (`revising=True`) a revision of the current one."""

    class Meta:
        model = EligibilityDecision
        fields = ["decision", "deciding_body", "decided_on", "reasons", "on_appeal", "assessment"]
        labels = {"assessment": _("based on the assessment")}
        widgets = {"decided_on": DateInput(), "reasons": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args: Any, case_assessments: Any, revising: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not revising:
            del self.fields["on_appeal"]
        _completed_assessments(
            self.fields["assessment"], case_assessments, InstrumentKind.ELIGIBILITY
        )
