"""Regions, agencies, users, and the roles users hold in agencies."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from qamqor.translated import TranslatedName


class Region(TranslatedName):
    """A region or city of republican significance (ISO 3166-2:KZ)."""

    iso_code = models.CharField(max_length=6, unique=True)  # "KZ-75"
    case_prefix = models.CharField(max_length=3, unique=True)  # "ALA" in case codes
    is_city = models.BooleanField(default=False)

    class Meta:
        ordering = ["name_ru"]


class AgencyKind(TranslatedName):
    code = models.SlugField(max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]


class Agency(TranslatedName):
    kind = models.ForeignKey(AgencyKind, on_delete=models.PROTECT, related_name="agencies")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="agencies")
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    services = models.ManyToManyField("services.ServiceType", blank=True, related_name="agencies")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name_ru"]
        verbose_name_plural = "agencies"


class Capability(models.TextChoices):
    """The things a role can allow. Which role allows which is data (Role.capabilities)."""

    OPEN_CASE = "case.open", _("Register persons and open cases")
    EDIT_CASE = "case.edit", _("Edit cases, add incidents and notes")
    SEE_IDENTITY = "case.identity", _("See who the person is in cases within scope")
    BREAK_GLASS = "case.break_glass", _("Open a case outside scope in an emergency, with a reason")
    APPROVE_CLOSURE = "case.approve_closure", _("Approve the closure of service plans and cases")
    OVERRIDE_CONSENT = (
        "referral.override_consent",
        _("Refer identity without consent for a child's best interests or a threat to life"),
    )
    MANAGE_AGENCY_SERVICES = (
        "agency.services",
        _("Declare the agency's services and manage its crisis-centre places"),
    )
    VIEW_STATISTICS = "stats.view", _("View aggregate statistics")
    MANAGE_USERS = "users.manage", _("Manage the agency's users")
    MANAGE_ALL_USERS = "users.manage_all", _("Manage the users of every agency")
    MANAGE_REFERENCE_DATA = "reference.manage", _("Manage reference data")
    VIEW_AUDIT = "audit.view", _("Read the audit log")


class CaseScope(models.TextChoices):
    """Which cases a role reaches (docs/access.md)."""

    NONE = "none", _("No case")
    ASSIGNED = "assigned", _("Cases they opened or are assigned to")
    AGENCY = "agency", _("Every case of the agency")
    REGION = "region", _("Every case of the agency's region, de-identified")


class Role(TranslatedName):
    """What a member may do in an agency: a scope of cases and capabilities, kept as data."""

    code = models.SlugField(max_length=40, unique=True)
    case_scope = models.CharField(max_length=10, choices=CaseScope.choices, default=CaseScope.NONE)
    capabilities = models.JSONField(default=list, blank=True)  # Capability values
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]


class User(AbstractUser):
    """A person who works in Qamqor. Email and names are the staff member's, not a victim's."""

    # Raised to end every session of the user at once (see get_session_auth_hash).
    session_epoch = models.PositiveIntegerField(default=0)

    def get_session_auth_hash(self) -> str:
        """Sessions carry this hash; Django ends a session whose hash no longer matches."""
        return salted_hmac(
            "qamqor.accounts.User.session",
            f"{self.password}:{self.session_epoch}",
            algorithm="sha256",
        ).hexdigest()

    def active_memberships(self) -> models.QuerySet["Membership"]:
        return self.memberships.filter(ended_at__isnull=True, agency__is_active=True)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="memberships")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(ended_at__isnull=True),
                name="one_open_membership_per_role",
            )
        ]
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency} ({self.role.code})"


class BreakGlassGrant(models.Model):
    """Emergency access to one case outside the user's scope, for a stated reason.

    Lasts BREAK_GLASS_HOURS; flagged on the case and in the audit log, and the owning
    agency's supervisors are told.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="break_glass")
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "expires_at"])]


class Notification(models.Model):
    """A message to one user, shown in the application (and e-mailed without personal data)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    case_code = models.CharField(max_length=20, blank=True)
    # Facts for the message, never identifying data: usernames, case codes, times.
    params = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
