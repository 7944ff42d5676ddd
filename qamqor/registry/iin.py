"""The Kazakh individual identification number (IIN): 12 digits.

Digits 1-6 are the date of birth (YYMMDD); digit 7 gives the century and sex
(1/2: 1800s male/female, 3/4: 1900s, 5/6: 2000s; 0 for some foreign residents, who
carry no century or sex); digits 8-11 are a serial number; digit 12 is a check digit.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_FIRST_WEIGHTS = range(1, 12)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY_SEX = {
    "1": (1800, "male"),
    "2": (1800, "female"),
    "3": (1900, "male"),
    "4": (1900, "female"),
    "5": (2000, "male"),
    "6": (2000, "female"),
}


def check_digit(first_eleven: str) -> int | None:
    """The twelfth digit for these eleven, or None when no check digit exists."""
    digits = [int(ch) for ch in first_eleven]
    total = sum(d * w for d, w in zip(digits, _FIRST_WEIGHTS, strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, _SECOND_WEIGHTS, strict=True)) % 11
    return None if total == 10 else total


@dataclass(frozen=True)
class IinFacts:
    birth_date: datetime.date | None
    sex: str | None  # "male", "female", or None when digit 7 is 0


def parse_iin(value: str) -> IinFacts:
    """Validate an IIN and return what it says; raise ValidationError with the reason."""
    if len(value) != 12:
        raise ValidationError(
            _("An IIN has exactly 12 digits; this one has %(count)d characters."),
            code="iin_length",
            params={"count": len(value)},
        )
    if not value.isascii() or not value.isdigit():
        raise ValidationError(_("An IIN contains digits only."), code="iin_digits")
    if check_digit(value[:11]) != int(value[11]):
        raise ValidationError(
            _("This IIN fails the check-digit test: a digit is probably mistyped."),
            code="iin_check_digit",
        )
    marker = value[6]
    if marker == "0":
        return IinFacts(birth_date=None, sex=None)
    if marker not in _CENTURY_SEX:
        raise ValidationError(
            _("The 7th digit of an IIN gives century and sex and must be 0 to 6."),
            code="iin_century",
        )
    century, sex = _CENTURY_SEX[marker]
    try:
        born = datetime.date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        raise ValidationError(
            _("The first six digits of an IIN are the date of birth; %(date)s is no date.")
            % {"date": f"{value[4:6]}.{value[2:4]}.{value[0:2]}"},
            code="iin_date",
        ) from None
    return IinFacts(birth_date=born, sex=sex)
