"""Standards pages (system administrators), an agency's declared services (supervisors) and
who provides what (those who open cases).

Reads go through `services.access`, which answers 404 to anyone a page is not for; changes
go through `services.actions`. Changing the catalogue asks for the password and code again
when they were not given in the last 5 minutes, as staff changes do.
"""

import datetime
from collections import defaultdict
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from qamqor.accounts.models import User
from qamqor.accounts.reauth import require_recent_authentication
from qamqor.clock import today
from qamqor.translated import TranslatedName
from qamqor.web.forms import add_validation_error

from . import actions
from .access import (
    CATALOGUE_KINDS,
    NotFound,
    access_catalogue_entry,
    access_offer_agency,
    access_standard,
    require_provider_reader,
    require_reference_manager,
)
from .catalogue import CatalogueError, Tally
from .forms import (
    AgencyOffersForm,
    CatalogueConfirmForm,
    CatalogueNamesForm,
    CatalogueUploadForm,
    ProvidersFilterForm,
    StandardVersionForm,
    offer_value,
)
from .models import AgencyOffer, RecipientCategory, Service, ServiceSetting, Standard

# The sections of a catalogue file, as the import report names them.
SECTION_NAMES = {
    "settings": gettext_lazy("Settings"),
    "recipient_categories": gettext_lazy("Recipient categories"),
    "extension_reasons": gettext_lazy("Extension reasons"),
    "time_limits": gettext_lazy("Time limits"),
    "services": gettext_lazy("Services"),
    "standards": gettext_lazy("Standards"),
}
KIND_NAMES = {
    "service-types": gettext_lazy("Service types"),
    "services": gettext_lazy("Services"),
    "settings": gettext_lazy("Settings"),
    "recipient-categories": gettext_lazy("Recipient categories"),
    "extension-reasons": gettext_lazy("Extension reasons"),
    "time-limits": gettext_lazy("Time limits"),
}
STANDARD_RELATIONS = (
    "required_service_types",
    "required_services",
    "allowed_settings",
    "extension_reasons",
    "limits__time_limit",
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def span_status(standard: Standard, on: datetime.date) -> str:
    """ "in_force", "ended" or "future" on the day `on`."""
    if standard.effective_from > on:
        return "future"
    if standard.effective_to is not None and standard.effective_to < on:
        return "ended"
    return "in_force"


# Standards


@login_required
@require_GET
def standard_list(request: HttpRequest) -> HttpResponse:
    require_reference_manager(_user(request))
    on = today()
    standards = Standard.objects.select_related("category").prefetch_related(*STANDARD_RELATIONS)
    by_category: dict[int, list[Standard]] = defaultdict(list)
    for standard in standards.order_by("effective_from"):
        standard.status = span_status(standard, on)  # type: ignore[attr-defined]
        by_category[standard.category_id].append(standard)
    categories = []
    for category in RecipientCategory.objects.all():
        versions = by_category[category.pk]
        in_force = any(version.status == "in_force" for version in versions)  # type: ignore[attr-defined]
        categories.append((category, versions, in_force))
    return render(request, "services/standard_list.html", {"categories": categories, "on": on})


@login_required
@require_GET
def standard_detail(request: HttpRequest, standard_code: str) -> HttpResponse:
    standard = access_standard(_user(request), standard_code)
    on = today()
    standard = Standard.objects.prefetch_related(*STANDARD_RELATIONS).get(pk=standard.pk)
    standard.status = span_status(standard, on)  # type: ignore[attr-defined]
    versions = list(
        Standard.objects.filter(category=standard.category_id).annotate(
            plan_count=Count("service_plans")
        )
    )
    for version in versions:
        version.status = span_status(version, on)  # type: ignore[attr-defined]
    context = {"standard": standard, "versions": versions, "on": on}
    return render(request, "services/standard_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def standard_new_version(request: HttpRequest, standard_code: str) -> HttpResponseBase:
    base = access_standard(_user(request), standard_code)
    return _standard_new_version(request, base)


@require_recent_authentication
def _standard_new_version(request: HttpRequest, base: Standard) -> HttpResponse:
    posted = request.method == "POST"
    form = StandardVersionForm(request.POST if posted else None, based_on=base)
    if posted and form.is_valid():
        try:
            standard = actions.enter_standard_version(
                _user(request), form.version_entered(), based_on=base
            )
        except ValidationError as error:
            add_validation_error(form, error)
        except IntegrityError:  # the same code or start, entered a moment ago by someone else
            form.add_error(None, _("Another version was entered meanwhile; check and try again."))
        else:
            messages.success(
                request,
                _("Version %(code)s is entered, in force from %(date)s.")
                % {"code": standard.code, "date": standard.effective_from.strftime("%d.%m.%Y")},
            )
            return redirect("services:standard_detail", standard_code=standard.code)
    status = 400 if form.errors else 200
    context = {"form": form, "base": base}
    return render(request, "services/standard_new_version.html", context, status=status)


# Importing a file


@login_required
@require_http_methods(["GET", "POST"])
def standards_import(request: HttpRequest) -> HttpResponseBase:
    require_reference_manager(_user(request))
    return _standards_import(request)


@require_recent_authentication
def _standards_import(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"form": CatalogueUploadForm()}
    if request.method != "POST":
        return render(request, "services/standards_import.html", context)
    if "text" in request.POST:
        # The file checked a moment ago, sent back to be imported; checked again on import.
        confirm = CatalogueConfirmForm(request.POST)
        if not confirm.is_valid():
            messages.error(request, _("The checked file did not come back whole; upload it again."))
            return render(request, "services/standards_import.html", context, status=400)
        name, text, dry_run = confirm.cleaned_data["name"], confirm.cleaned_data["text"], False
    else:
        upload = CatalogueUploadForm(request.POST, request.FILES)
        context["form"] = upload
        if not upload.is_valid():
            return render(request, "services/standards_import.html", context, status=400)
        name, text = upload.cleaned_data["file"]
        dry_run = request.POST.get("mode") != "import"
    context["file_name"] = name
    try:
        if dry_run:
            outcome = actions.preview_catalogue(_user(request), text, source_name=name)
            tallies = outcome.tallies
        else:
            tallies = actions.import_catalogue(_user(request), text, source_name=name)
    except CatalogueError as error:
        context["problems"] = error.problems
        return render(request, "services/standards_import.html", context, status=400)
    if dry_run:
        context["preview"] = _tally_rows(tallies)
        context["rewritten"] = outcome.rewritten
        context["confirm"] = CatalogueConfirmForm(initial={"name": name, "text": text})
        return render(request, "services/standards_import.html", context)
    messages.success(
        request,
        _("%(file)s is imported. %(counts)s") % {"file": name, "counts": _describe(tallies)},
    )
    return redirect("services:standards")


def _tally_rows(tallies: dict[str, Tally]) -> list[tuple[str, Tally]]:
    return [(str(SECTION_NAMES.get(section, section)), tally) for section, tally in tallies.items()]


def _describe(tallies: dict[str, Tally]) -> str:
    if not tallies:
        return _("The file holds nothing to import.")
    return "; ".join(
        _("%(section)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
        % {
            "section": section,
            "created": tally.created,
            "updated": tally.updated,
            "unchanged": tally.unchanged,
        }
        for section, tally in _tally_rows(tallies)
    )


# Catalogue names


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    require_reference_manager(_user(request))
    kinds = []
    for kind, model in CATALOGUE_KINDS.items():
        entries: Any = model._default_manager.all()
        if model is Service:
            entries = entries.select_related("service_type")
        kinds.append((kind, KIND_NAMES[kind], list(entries)))
    return render(request, "services/catalogue.html", {"kinds": kinds})


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_entry(request: HttpRequest, catalogue_kind: str, entry_code: str) -> HttpResponseBase:
    entry = access_catalogue_entry(_user(request), catalogue_kind, entry_code)
    return _catalogue_entry(request, catalogue_kind, entry)


@require_recent_authentication
def _catalogue_entry(request: HttpRequest, kind: str, entry: TranslatedName) -> HttpResponse:
    posted = request.method == "POST"
    names = {field: getattr(entry, field) for field in ("name_kk", "name_ru", "name_en")}
    form = CatalogueNamesForm(request.POST if posted else None, initial=names)
    if posted and form.is_valid():
        try:
            changed = actions.rename_catalogue_entry(_user(request), entry, form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            if changed:
                messages.success(request, _("The names are saved."))
            else:
                messages.info(request, _("The names were already these; nothing changed."))
            return redirect("services:catalogue")
    status = 400 if form.errors else 200
    context = {"form": form, "entry": entry, "kind_name": KIND_NAMES[kind]}
    return render(request, "services/catalogue_entry.html", context, status=status)


# An agency's offers


def _agency_id(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise NotFound() from None


@login_required
@require_http_methods(["GET", "POST"])
def agency_offers(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    posted = request.method == "POST"
    source = request.POST if posted else request.GET
    agency, agencies = access_offer_agency(user, _agency_id(source.get("agency")))
    form = AgencyOffersForm(request.POST if posted else None, agency=agency)
    if posted and form.is_valid():
        change = actions.declare_agency_offers(user, agency, form.offered())
        if change.changed:
            messages.success(
                request,
                _("%(agency)s: the services are saved (added: %(added)d, removed: %(removed)d).")
                % {
                    "agency": agency.name,
                    "added": len(change.added),
                    "removed": len(change.removed),
                },
            )
        else:
            messages.info(request, _("Nothing changed."))
        return redirect(f"{reverse('services:agency_offers')}?agency={agency.pk}")
    if form.is_bound:
        checked = set(request.POST.getlist("offers"))
    else:
        checked = {
            offer_value(offer.service, offer.setting)
            for offer in AgencyOffer.objects.filter(agency=agency).select_related(
                "service", "setting"
            )
        }
    grid = [
        (
            service_type,
            [
                (
                    service,
                    [
                        (setting, value, value in checked)
                        for setting in form.settings
                        for value in [offer_value(service, setting)]
                    ],
                )
                for service in services
            ],
        )
        for service_type, services in groupby(form.services, key=lambda s: s.service_type)
    ]
    context = {
        "form": form,
        "agency": agency,
        "agencies": agencies,
        "settings": form.settings,
        "grid": grid,
        "offered_count": len(checked),
    }
    return render(
        request, "services/agency_offers.html", context, status=400 if form.errors else 200
    )


# Who provides what


@login_required
@require_GET
def providers(request: HttpRequest) -> HttpResponse:
    require_provider_reader(_user(request))
    form = ProvidersFilterForm(request.GET or None)
    offers = AgencyOffer.objects.filter(agency__is_active=True)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["region"]:
            offers = offers.filter(agency__region=data["region"])
        if data["service_type"]:
            offers = offers.filter(service__service_type=data["service_type"])
        if data["setting"]:
            offers = offers.filter(setting=data["setting"])
    elif form.is_bound:
        offers = offers.none()
    offers = offers.select_related(
        "agency__region", "agency__kind", "service__service_type", "setting"
    ).order_by(
        "service__service_type__position",
        "service__position",
        "service__code",
        "agency__region__name_ru",
        "agency__name_ru",
        "agency_id",
        "setting__position",
    )
    # service -> agency -> the settings it is offered in, in the order of the query.
    services: dict[Service, dict[Any, list[ServiceSetting]]] = {}
    for offer in offers:
        services.setdefault(offer.service, {}).setdefault(offer.agency, []).append(offer.setting)
    rows = [
        (service_type, [(service, list(by_agency.items())) for service, by_agency in group])
        for service_type, group in groupby(services.items(), key=lambda item: item[0].service_type)
    ]
    return render(request, "services/providers.html", {"form": form, "rows": rows})
