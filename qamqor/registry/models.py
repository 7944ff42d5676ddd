"""People known to Qamqor: names in every script, identifiers, contacts, whereabouts."""

import datetime
from collections.abc import Callable, Collection

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from qamqor.clock import today
from qamqor.vault.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedTextField,
    KeyedHashField,
)

from .ages import age_band, years_between
from .iin import parse_iin


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class Gender(models.TextChoices):
    """HTCDS prs_Gender values."""

    FEMININE = "Feminine", _("Feminine")
    MASCULINE = "Masculine", _("Masculine")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender masculine")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    NOT_SPECIFIED = "NonSpecifiedUnknown", _("Not specified / unknown")


class Disability(models.TextChoices):
    NONE = "none", _("No disability")
    YES = "yes", _("Has a disability")
    UNKNOWN = "unknown", _("Not known")


class Language(models.TextChoices):
    """Languages a person speaks (ISO 639-1), the ones met most in Kazakhstan first."""

    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    UZBEK = "uz", _("Uzbek")
    KYRGYZ = "ky", _("Kyrgyz")
    TAJIK = "tg", _("Tajik")
    UYGHUR = "ug", _("Uyghur")
    TURKMEN = "tk", _("Turkmen")
    ENGLISH = "en", _("English")
    CHINESE = "zh", _("Chinese")
    OTHER = "other", _("Other")


class Person(models.Model):
    # Names, identifiers, contacts and whereabouts are encrypted at rest (qamqor.vault).
    surname = EncryptedCharField(_("surname"), max_length=150, blank=True)
    given_name = EncryptedCharField(_("given name"), max_length=150, blank=True)
    patronymic = EncryptedCharField(_("patronymic"), max_length=150, blank=True)
    latin_surname = EncryptedCharField(_("surname in Latin (passport)"), max_length=150, blank=True)
    latin_given_name = EncryptedCharField(
        _("given name in Latin (passport)"), max_length=150, blank=True
    )
    other_names = EncryptedTextField(_("other names and aliases"), blank=True)

    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(_("month of birth"), null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(_("day of birth"), null=True, blank=True)
    age_estimate = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    age_estimated_on = models.DateField(_("age estimated on"), null=True, blank=True)

    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(
        _("gender"), max_length=24, choices=Gender.choices, default=Gender.NOT_SPECIFIED
    )
    citizenship = CountryField(_("citizenship"), multiple=True, blank=True)
    stateless = models.BooleanField(_("stateless"), default=False)
    iin = EncryptedCharField(_("IIN"), max_length=12, blank=True)
    # Found by IIN through the keyed hash: see vault.fields.index_candidates.
    iin_index = BlindIndexField(source="iin")
    languages = models.JSONField(_("languages"), default=list, blank=True)

    phone = EncryptedCharField(_("phone"), max_length=40, blank=True)
    email = EncryptedEmailField(_("e-mail"), blank=True)
    other_contact = EncryptedCharField(_("other contact"), max_length=200, blank=True)
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region of residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    locality = EncryptedCharField(_("locality"), max_length=150, blank=True)
    address = EncryptedCharField(_("address"), max_length=300, blank=True)

    disability = models.CharField(
        _("disability"), max_length=10, choices=Disability.choices, default=Disability.UNKNOWN
    )
    disability_notes = EncryptedCharField(_("disability details"), max_length=300, blank=True)
    accompanying_children = models.PositiveSmallIntegerField(_("accompanying children"), default=0)

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("person")

    def __str__(self) -> str:
        return f"person {self.pk}"

    def clean(self) -> None:
        errors: dict[str, list[object]] = {}

        def error(field: str, message: object) -> None:
            errors.setdefault(field, []).append(message)

        if not self.surname.strip() and not self.given_name.strip():
            error("surname", _("Enter a surname or a given name (or both)."))
        self._clean_birth(error, today())
        if self.stateless and self.citizenship:
            error("stateless", _("A stateless person has no citizenship; clear one or the other."))
        if self.iin:
            self._clean_iin(error)
        if errors:
            raise ValidationError(errors)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # Blanks typed or pasted around an IIN are not part of it; blanks alone are no IIN.
        self.iin = "".join(self.iin.split())
        super().clean_fields(exclude=exclude)

    def _clean_iin(self, error: Callable[[str, object], None]) -> None:
        try:
            facts = parse_iin(self.iin)
        except ValidationError as exc:
            for message in exc.messages:
                error("iin", message)
            return
        if facts.birth_date and self.birth_year:
            entered = (self.birth_year, self.birth_month, self.birth_day)
            encoded = (facts.birth_date.year, facts.birth_date.month, facts.birth_date.day)
            pairs = zip(entered, encoded, strict=True)
            if any(part is not None and part != code for part, code in pairs):
                error(
                    "iin",
                    _("The IIN gives a date of birth of %(date)s, not the one entered.")
                    % {"date": facts.birth_date.strftime("%d.%m.%Y")},
                )
        if facts.sex and self.sex in (Sex.FEMALE, Sex.MALE) and facts.sex != self.sex:
            if facts.sex == Sex.FEMALE:
                error("iin", _("The IIN is a woman's; the sex entered is male."))
            else:
                error("iin", _("The IIN is a man's; the sex entered is female."))

    def _clean_birth(self, error: Callable[[str, object], None], today: datetime.date) -> None:
        for part in ("birth_day", "birth_month", "birth_year"):
            if getattr(self, part) == 0:
                error(part, _("Leave it empty when not known; 0 is no date."))
                return
        if self.birth_day and not self.birth_month:
            error("birth_month", _("A day of birth needs a month."))
        if self.birth_month and not self.birth_year:
            error("birth_year", _("A month of birth needs a year."))
        if self.birth_month and not 1 <= self.birth_month <= 12:
            error("birth_month", _("A month is a number from 1 to 12."))
            return
        if self.birth_year:
            if self.birth_year < 1900:
                error("birth_year", _("A year of birth before 1900 is not plausible."))
                return
            if self.birth_year > today.year:
                error("birth_year", _("The year of birth is in the future."))
                return
            if self.age_estimate is not None:
                error(
                    "age_estimate", _("Give either a date of birth or an estimated age, not both.")
                )
        if self.birth_year and self.birth_month and self.birth_day:
            try:
                born = datetime.date(self.birth_year, self.birth_month, self.birth_day)
            except ValueError:
                error("birth_day", _("This day does not exist in that month."))
                return
            if born > today:
                error("birth_day", _("The date of birth is in the future."))
        elif (
            self.birth_year
            and self.birth_month
            and ((self.birth_year, self.birth_month) > (today.year, today.month))
        ):
            error("birth_month", _("The date of birth is in the future."))
        if self.age_estimate is not None and self.age_estimate > 120:
            error("age_estimate", _("An estimated age above 120 is not plausible."))

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)

    @property
    def latin_name(self) -> str:
        return " ".join(p for p in (self.latin_surname, self.latin_given_name) if p)

    def name_texts(self) -> list[str]:
        """Every name this person is known by, for the search index."""
        return [
            self.surname,
            self.given_name,
            self.patronymic,
            self.latin_surname,
            self.latin_given_name,
            *self.other_names.splitlines(),
        ]

    def language_labels(self) -> list[str]:
        return [str(Language(code).label) for code in self.languages if code in Language.values]

    def birth_date(self) -> datetime.date | None:
        if self.birth_year and self.birth_month and self.birth_day:
            return datetime.date(self.birth_year, self.birth_month, self.birth_day)
        return None

    def age_on(self, day: datetime.date) -> int | None:
        """Age in whole years, from the (possibly partial) birth date or the estimate."""
        if self.birth_year:
            # A partial date counts from mid-year or the month's first: the least wrong.
            born = datetime.date(self.birth_year, self.birth_month or 7, self.birth_day or 1)
            return years_between(born, day)
        if self.age_estimate is not None and self.age_estimated_on:
            return self.age_estimate + years_between(self.age_estimated_on, day)
        return None

    def age_band(self, day: datetime.date) -> str:
        return age_band(self.age_on(day))


class DocumentKind(models.TextChoices):
    ID_CARD = "id_card", _("Identity card")
    PASSPORT = "passport", _("Passport")
    FOREIGN_PASSPORT = "foreign_passport", _("Foreign passport")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    OTHER = "other", _("Other document")


class IdentityDocument(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    number = EncryptedCharField(_("number"), max_length=40)
    number_index = BlindIndexField(source="number")
    issuing_country = CountryField(_("issuing country"), blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    is_held_by_person = models.BooleanField(
        _("the person holds it"),
        default=True,
        help_text=_("Untick when the document is withheld by someone else."),
    )

    class Meta:
        verbose_name = _("identity document")


class NameKey(models.Model):
    """One search key of one of a person's names (see registry.names), as a keyed hash.

    The table tells a reader which persons share a name word and how common each word
    is, never the word itself (docs/encryption.md).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    key = KeyedHashField(
        max_length=64, rebuild="qamqor.registry.search_index.rebuild_name_keys", owner="person"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "person"], name="unique_name_key")]
