"""Changes to the standards catalogue and to the services agencies declare, each audited in
the transaction that makes it."""

import datetime
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qamqor.accounts.access import has_capability
from qamqor.accounts.models import Agency, Capability
from qamqor.audit.events import record
from qamqor.translated import TranslatedName

from .catalogue import (
    CODE_PATTERN,
    LANGUAGES,
    Span,
    Tally,
    apply_catalogue,
    existing_catalogue,
    read_catalogue,
)
from .models import (
    CODE_LENGTH,
    AgencyOffer,
    ExtensionReason,
    RecipientCategory,
    Service,
    ServiceSetting,
    ServiceType,
    Standard,
    StandardTimeLimit,
    TimeLimit,
)


def import_catalogue(
    actor: Any, text: str, *, source_name: str, dry_run: bool = False
) -> dict[str, Tally]:
    """Import a standards catalogue file: all of it or, on any problem, nothing.

    Raises CatalogueError listing every bad row. `actor` is None from the command line.
    A dry run checks and writes in a transaction that is then rolled back, so its counts
    are exactly those a real import would give.
    """
    return _import(actor, text, source_name=source_name, dry_run=dry_run).tallies


@dataclass(frozen=True)
class RewrittenStandard:
    """A stored version whose figures a file changes in place, and the plans following it."""

    code: str
    plans: int
    changes: list[str]  # the fields and relations that change


@dataclass(frozen=True)
class ImportOutcome:
    tallies: dict[str, Tally]
    rewritten: list[RewrittenStandard]


def preview_catalogue(actor: Any, text: str, *, source_name: str) -> ImportOutcome:
    """A dry run that also names the stored versions whose figures the file would change
    (anything but their last day), since every plan following such a version changes too."""
    return _import(actor, text, source_name=source_name, dry_run=True)


def _import(actor: Any, text: str, *, source_name: str, dry_run: bool) -> ImportOutcome:
    if actor is not None:
        _require_reference_manager(actor)
    with transaction.atomic():
        # The overlap check reads the stored standards; holding the category rows makes a
        # second import wait until this one has written (SQLite's IMMEDIATE transactions
        # already let one writer in at a time).
        list(RecipientCategory.objects.select_for_update().values_list("pk", flat=True))
        catalogue = read_catalogue(text, existing_catalogue(apps))
        codes = [row.code for row in catalogue.standards]
        before = _figures(codes) if dry_run else {}
        tallies = apply_catalogue(apps, catalogue)
        rewritten = []
        if dry_run:
            after = _figures(list(before))
            plans = dict(
                Standard.objects.filter(code__in=before)
                .annotate(plans=Count("service_plans"))
                .values_list("code", "plans")
            )
            for code, figures in before.items():
                changes = [
                    name
                    for name, value in figures.items()
                    if name != "effective_to" and after[code][name] != value
                ]
                if changes:
                    rewritten.append(RewrittenStandard(code, plans.get(code, 0), changes))
            transaction.set_rollback(True)
        else:
            record(
                actor,
                "standards.import",
                file=source_name,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                counts={section: tally.as_dict() for section, tally in tallies.items()},
            )
    return ImportOutcome(tallies, rewritten)


def _figures(codes: list[str]) -> dict[str, dict[str, Any]]:
    """What each stored standard of `codes` says, relations included, to compare."""
    figures: dict[str, dict[str, Any]] = {}
    standards = Standard.objects.filter(code__in=codes).prefetch_related(
        "extension_reasons",
        "required_service_types",
        "required_services",
        "allowed_settings",
        "limits__time_limit",
    )
    for standard in standards:
        values: dict[str, Any] = {
            field.name: getattr(standard, field.attname)
            for field in Standard._meta.concrete_fields
            if field.name not in ("id", "code")
        }
        for relation in (
            "extension_reasons",
            "required_service_types",
            "required_services",
            "allowed_settings",
        ):
            values[relation] = {row.code for row in getattr(standard, relation).all()}
        values["time_limits"] = {
            limit.time_limit.code: limit.days for limit in standard.limits.all()
        }
        figures[standard.code] = values
    return figures


def _require_reference_manager(actor: Any) -> None:
    if not has_capability(actor, Capability.MANAGE_REFERENCE_DATA):
        raise PermissionDenied(_("Your role does not allow changing reference data."))


@dataclass(frozen=True)
class StandardVersion:
    """The figures of a new version of a standard, as a system administrator enters them."""

    category: RecipientCategory
    code: str
    version: str
    effective_from: datetime.date
    service_period_days: int
    extension_days: int
    extension_reasons: Sequence[ExtensionReason]
    required_service_types: Sequence[ServiceType]
    required_services: Sequence[Service]
    allowed_settings: Sequence[ServiceSetting]
    time_limits: Mapping[TimeLimit, int]  # days per limit; a limit not listed does not apply
    source: str
    verified: bool = False


def _figure_errors(new: StandardVersion) -> dict[str, list[str]]:
    """The rules a version must keep on its own (the importer keeps the same ones)."""
    errors: dict[str, list[str]] = {}
    if not CODE_PATTERN.fullmatch(new.code):
        errors["code"] = [
            _(
                "Use lower-case Latin letters, digits, '_' and '-', at most %(length)d "
                "characters, starting with a letter or digit."
            )
            % {"length": CODE_LENGTH}
        ]
    if not new.required_service_types:
        errors["required_service_types"] = [_("Choose at least one service type.")]
    if not new.allowed_settings:
        errors["allowed_settings"] = [_("Choose at least one setting.")]
    required_types = {service_type.pk for service_type in new.required_service_types}
    outside = [s.name for s in new.required_services if s.service_type_id not in required_types]
    if outside:
        errors["required_services"] = [
            _("These services are of a type the standard does not require: %(services)s.")
            % {"services": ", ".join(outside)}
        ]
    if new.extension_days and not new.extension_reasons:
        errors["extension_reasons"] = [_("An extension needs the reasons that allow it.")]
    if new.extension_reasons and not new.extension_days:
        errors["extension_days"] = [_("Reasons for an extension need its number of days.")]
    if any(days < 0 for days in new.time_limits.values()):
        errors["time_limits"] = [_("A time limit is a number of days, 0 or more.")]
    return errors


def _span(standard: Standard) -> Span:
    return Span(
        standard.code, str(standard.category_id), standard.effective_from, standard.effective_to
    )


def enter_standard_version(
    actor: Any, new: StandardVersion, *, based_on: Standard | None = None
) -> Standard:
    """Enter a new version of the standard for a category, from its effective_from on.

    The latest version of the category so far is ended the day before (its effective_to),
    and nothing else of it changes: plans started under it keep its figures. Refused, with
    the reason per field and nothing written: a start on or before the latest version's
    start or a plan's start under it, a span overlapping another version, a code in use,
    figures that break the rules.
    """
    _require_reference_manager(actor)
    errors = _figure_errors(new)
    with transaction.atomic():
        # The same lock as an import's: versions of the catalogue are entered one at a time.
        list(RecipientCategory.objects.select_for_update().values_list("pk", flat=True))
        versions = list(Standard.objects.filter(category=new.category).order_by("effective_from"))
        previous = versions[-1] if versions else None
        previous_end: datetime.date | None = None
        if previous is not None:
            if new.effective_from <= previous.effective_from:
                errors.setdefault("effective_from", []).append(
                    _(
                        "A new version must start after the latest one, %(code)s, which is "
                        "in force from %(date)s."
                    )
                    % {"code": previous.code, "date": date_format(previous.effective_from)}
                )
            elif previous.effective_to is None or previous.effective_to >= new.effective_from:
                previous_end = new.effective_from - datetime.timedelta(days=1)
                # A plan keeps the version in force on its first day: the new version may
                # not take over a day on which a plan has already started under the old one.
                latest_start = Standard.objects.filter(pk=previous.pk).aggregate(
                    latest=Max("service_plans__started_on")
                )["latest"]
                if latest_start is not None and latest_start >= new.effective_from:
                    errors.setdefault("effective_from", []).append(
                        _(
                            "Plans under %(code)s have started up to %(date)s: a new version "
                            "must start after that day."
                        )
                        % {"code": previous.code, "date": date_format(latest_start)}
                    )
        standard = Standard(
            category=new.category,
            code=new.code,
            version=new.version.strip(),
            effective_from=new.effective_from,
            service_period_days=new.service_period_days,
            extension_days=new.extension_days,
            source=new.source.strip(),
            verified=new.verified,
        )
        if "effective_from" not in errors:
            span = _span(standard)
            for other in versions:
                other_span = _span(other)
                if other is previous and previous_end is not None:
                    other_span = Span(
                        other.code, other_span.category, other.effective_from, previous_end
                    )
                if span.overlaps(other_span):
                    errors.setdefault("effective_from", []).append(
                        _("It would be in force at the same time as %(code)s (%(span)s).")
                        % {"code": other.code, "span": _describe_span(other_span)}
                    )
        try:
            standard.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

        if previous is not None and previous_end is not None:
            previous.effective_to = previous_end
            previous.save(update_fields=["effective_to"])
            record(
                actor,
                "standard.end",
                previous,
                code=previous.code,
                effective_to=previous_end.isoformat(),
                next_version=new.code,
            )
        standard.save()
        standard.extension_reasons.set(new.extension_reasons)
        standard.required_service_types.set(new.required_service_types)
        standard.required_services.set(new.required_services)
        standard.allowed_settings.set(new.allowed_settings)
        StandardTimeLimit.objects.bulk_create(
            StandardTimeLimit(standard=standard, time_limit=limit, days=days)
            for limit, days in new.time_limits.items()
        )
        record(
            actor,
            "standard.new_version",
            standard,
            code=standard.code,
            category=new.category.code,
            version=standard.version,
            effective_from=standard.effective_from.isoformat(),
            based_on=based_on.code if based_on else None,
            previous=previous.code if previous else None,
        )
    return standard


def _describe_span(span: Span) -> str:
    start = date_format(span.effective_from)
    if span.effective_to is None:
        return _("from %(start)s, open ended") % {"start": start}
    return _("%(start)s to %(end)s") % {"start": start, "end": date_format(span.effective_to)}


def rename_catalogue_entry(actor: Any, entry: TranslatedName, names: Mapping[str, str]) -> bool:
    """Give a catalogue entry (a service, setting, category...) new names in kk, ru, en.

    Its code, by which files and records refer to it, stays. Returns whether anything
    changed; an unchanged entry is neither written nor audited.
    """
    _require_reference_manager(actor)
    fields = [f"name_{language}" for language in LANGUAGES]
    wanted = {name: names.get(name, "").strip() for name in fields}
    before = {name: getattr(entry, name) for name in fields}
    if wanted == before:
        return False
    with transaction.atomic():
        for name, value in wanted.items():
            setattr(entry, name, value)
        entry.full_clean()
        entry.save(update_fields=fields)
        record(
            actor,
            "catalogue.rename",
            entry,
            code=getattr(entry, "code", ""),
            before=before,
            after=wanted,
        )
    return True


@dataclass(frozen=True)
class OfferChange:
    """What a declaration added and removed, as (service code, setting code) pairs."""

    added: list[tuple[str, str]]
    removed: list[tuple[str, str]]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def declare_agency_offers(
    actor: Any, agency: Agency, offers: Iterable[tuple[Service, ServiceSetting]]
) -> OfferChange:
    """Replace what `agency` declares it provides with `offers` (service, setting pairs).

    One audited change listing what was added and removed; a declaration that changes
    nothing writes nothing.
    """
    if not agency.is_active or not has_capability(actor, Capability.MANAGE_AGENCY_SERVICES, agency):
        raise PermissionDenied(_("Your role does not allow declaring this agency's services."))
    wanted = {(service.pk, setting.pk): (service, setting) for service, setting in offers}
    with transaction.atomic():
        # Two declarations for one agency at once: the second waits and sees the first.
        list(Agency.objects.select_for_update().filter(pk=agency.pk).values_list("pk"))
        current = {
            (offer.service_id, offer.setting_id): offer
            for offer in AgencyOffer.objects.filter(agency=agency).select_related(
                "service", "setting"
            )
        }
        removed = [offer for key, offer in current.items() if key not in wanted]
        added = [pair for key, pair in wanted.items() if key not in current]
        change = OfferChange(
            added=sorted((service.code, setting.code) for service, setting in added),
            removed=sorted((offer.service.code, offer.setting.code) for offer in removed),
        )
        if not change.changed:
            return change
        AgencyOffer.objects.filter(pk__in=[offer.pk for offer in removed]).delete()
        new_offers = [
            AgencyOffer(agency=agency, service=service, setting=setting)
            for service, setting in added
        ]
        for offer in new_offers:
            offer.full_clean(validate_unique=False, validate_constraints=False)
        AgencyOffer.objects.bulk_create(new_offers)
        record(
            actor,
            "agency.services",
            agency,
            added=[f"{service}/{setting}" for service, setting in change.added],
            removed=[f"{service}/{setting}" for service, setting in change.removed],
        )
    return change
