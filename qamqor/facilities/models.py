"""Crisis centres and shelters, their places per category, and who stays there.

Occupancy is never stored: it is the count of placements without a discharge date
(queries.py), so it cannot drift from the placements themselves. A shelter's address is
confidential and encrypted; it is shown on the placement page of a resident's case to those
who see who the resident is, and to those who manage the agency's facilities
(docs/facilities.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qamqor.translated import TranslatedName
from qamqor.vault.fields import EncryptedTextField


class PlacementCategory(TranslatedName):
    """Whom a group of places is for: women with children, men, minors... (data)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("placement category")
        verbose_name_plural = _("placement categories")


class Facility(models.Model):
    """A crisis centre or shelter run by an agency, in a region (often the agency's own).

    `code` names it in import files; `is_active` false means closed: no new admissions.
    """

    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="facilities",
        verbose_name=_("agency"),
    )
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("A short unique name used by import files, e.g. ala-shelter-1."),
    )
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "accounts.Region",
        on_delete=models.PROTECT,
        related_name="facilities",
        verbose_name=_("region"),
    )
    address = EncryptedTextField(_("address"))
    is_active = models.BooleanField(_("receives residents"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name


class FacilityCapacity(models.Model):
    """How many places a facility has for one category.

    Its row is also the lock that serialises admissions to those places (actions.admit).
    """

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="capacities", verbose_name=_("facility")
    )
    category = models.ForeignKey(
        PlacementCategory,
        on_delete=models.PROTECT,
        related_name="capacities",
        verbose_name=_("category"),
    )
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        ordering = ["facility__name", "category__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "category"], name="one_capacity_per_facility_and_category"
            )
        ]
        verbose_name = _("capacity")
        verbose_name_plural = _("capacities")


class Placement(models.Model):
    """A stay of the person of a case in a facility, from admission to discharge."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="placements")
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="placements", verbose_name=_("facility")
    )
    category = models.ForeignKey(
        PlacementCategory,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("category"),
    )
    admitted_on = models.DateField(_("admitted on"))
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    transferred_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_to",
        verbose_name=_("transferred from"),
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    discharge_reason = EncryptedTextField(_("reason for discharge"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-admitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=F("admitted_on")),
                name="placement_discharged_after_admission",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(discharged_on__isnull=True),
                name="one_open_placement_per_case",
                violation_error_message=_("The person of this case is already placed."),
            ),
        ]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None
