"""The IIN rule: length, digits, check digit, date of birth, century and sex.

The check digit is recomputed here by an implementation of the published rule that
shares no code with qamqor.registry.iin, so the two can disagree. All numbers are
synthetic: they are built from the rule, never taken from a real person.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from qamqor.registry.iin import IinFacts, check_digit, parse_iin

# The autouse database fixture is function-scoped; these tests never touch it.
hypothesis_settings = settings(
    max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
MARKERS = {(1800, "male"): "1", (1800, "female"): "2", (1900, "male"): "3",
           (1900, "female"): "4", (2000, "male"): "5", (2000, "female"): "6"}  # fmt: skip
CENTURY_OF_MARKER = {marker: century for (century, _sex), marker in MARKERS.items()}
SEX_OF_MARKER = {marker: sex for (_century, sex), marker in MARKERS.items()}


def weighted_sum(first_eleven: str, weights: tuple[int, ...]) -> int:
    return sum(int(digit) * weight for digit, weight in zip(first_eleven, weights, strict=True))


def expected_check_digit(first_eleven: str) -> int | None:
    first = weighted_sum(first_eleven, FIRST_WEIGHTS) % 11
    if first != 10:
        return first
    second = weighted_sum(first_eleven, SECOND_WEIGHTS) % 11
    return None if second == 10 else second


def expected_outcome(iin: str) -> IinFacts | str:
    """What the rule says of a 12-digit string: its facts, or the code of its error."""
    if expected_check_digit(iin[:11]) != int(iin[11]):
        return "iin_check_digit"
    marker = iin[6]
    if marker == "0":
        return IinFacts(birth_date=None, sex=None)
    if marker not in CENTURY_OF_MARKER:
        return "iin_century"
    try:
        born = datetime.date(CENTURY_OF_MARKER[marker] + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return "iin_date"
    return IinFacts(birth_date=born, sex=SEX_OF_MARKER[marker])


def actual_outcome(iin: str) -> IinFacts | str:
    try:
        return parse_iin(iin)
    except ValidationError as exc:
        return exc.code


def error_code(value: str) -> str | None:
    with pytest.raises(ValidationError) as raised:
        parse_iin(value)
    return raised.value.code


def with_check_digit(first_eleven: str) -> str | None:
    check = expected_check_digit(first_eleven)
    return None if check is None else first_eleven + str(check)


birth_dates = st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2099, 12, 31))
sexes = st.sampled_from(["male", "female"])
serials = st.integers(min_value=0, max_value=9999)


@st.composite
def valid_iins(draw: st.DrawFn) -> tuple[str, datetime.date, str]:
    born, sex, serial = draw(birth_dates), draw(sexes), draw(serials)
    marker = MARKERS[(born.year // 100 * 100, sex)]
    iin = with_check_digit(f"{born:%y%m%d}{marker}{serial:04d}")
    assume(iin is not None)  # about 1 in 121 prefixes has no check digit at all
    return iin, born, sex


# Hand-checked examples -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("iin", "born", "sex"),
    [
        # 9·1 + 1·4 + 1·6 + 3·7 = 40; 40 mod 11 = 7
        ("900101300007", datetime.date(1990, 1, 1), "male"),
        # 8·1 + 5·2 + 7·4 + 1·5 + 5·6 + 4·7 + 1·9 + 2·10 + 3·11 = 171; 171 mod 11 = 6
        ("850715401236", datetime.date(1985, 7, 15), "female"),
        # 2000 is a leap year: 2·4 + 2·5 + 9·6 + 5·7 + 1·11 = 118; 118 mod 11 = 8
        ("000229500018", datetime.date(2000, 2, 29), "male"),
        # first sum 9 + 4 + 6 + 21 + 8·10 + 1·11 = 131 ≡ 10, so the second weights:
        # 9·3 + 1·6 + 1·8 + 3·9 + 8·1 + 1·2 = 78; 78 mod 11 = 1
        ("900101300811", datetime.date(1990, 1, 1), "male"),
        # 1800s, female: 7·1 + 5·2 + 1·3 + 2·4 + 1·5 + 2·6 + 2·7 + 7·10 + 7·11 = 206 ≡ 8
        ("751212200778", datetime.date(1875, 12, 12), "female"),
    ],
)
def test_known_valid_iins_parse_to_their_date_and_sex(iin: str, born: datetime.date, sex: str):
    assert parse_iin(iin) == IinFacts(birth_date=born, sex=sex)


def test_the_check_digit_function_agrees_with_the_hand_computed_examples():
    assert check_digit("90010130000") == 7
    assert check_digit("90010130081") == 1  # through the second weights
    # 90010130080: first sum 120 ≡ 10, second sum 76 ≡ 10: no check digit exists
    assert check_digit("90010130080") is None


@pytest.mark.parametrize("last", "0123456789")
def test_a_number_whose_both_sums_are_10_is_invalid_whatever_its_last_digit(last: str):
    assert error_code("90010130080" + last) == "iin_check_digit"


def test_a_mistyped_check_digit_is_rejected():
    assert error_code("900101300008") == "iin_check_digit"


def test_an_iin_of_the_1900s_born_on_29_february_1900_is_rejected_1900_was_no_leap_year():
    # 2·4 + 2·5 + 9·6 + 4·7 + 1·11 = 111; 111 mod 11 = 1: the check digit is right.
    assert error_code("000229400011") == "iin_date"


def test_the_eleventh_digit_is_weighted_11_which_is_0_mod_11():
    """The published rule cannot see most typos in the 11th digit: both are valid."""
    assert parse_iin("900101300007") == parse_iin("900101300017")


# Properties -----------------------------------------------------------------------------


@hypothesis_settings
@given(valid_iins())
def test_a_valid_iin_gives_its_birth_date_and_sex(built: tuple[str, datetime.date, str]):
    iin, born, sex = built
    assert parse_iin(iin) == IinFacts(birth_date=born, sex=sex)


@hypothesis_settings
@given(valid_iins())
def test_check_digit_agrees_with_an_independent_implementation(built):
    iin, _born, _sex = built
    assert check_digit(iin[:11]) == int(iin[11])


@hypothesis_settings
@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_check_digit_agrees_with_the_rule_for_any_eleven_digits(first_eleven: str):
    assert check_digit(first_eleven) == expected_check_digit(first_eleven)


@hypothesis_settings
@given(valid_iins(), st.integers(min_value=0, max_value=11), st.integers(1, 9))
@example(("900101300007", datetime.date(1990, 1, 1), "male"), 2, 1)  # 901101300007 is valid
@example(("900101300007", datetime.date(1990, 1, 1), "male"), 10, 1)  # so is 900101300017
def test_a_single_digit_change_is_judged_exactly_as_the_rule_judges_it(built, position, shift):
    iin, _born, _sex = built
    digit = str((int(iin[position]) + shift) % 10)
    mutant = iin[:position] + digit + iin[position + 1 :]

    assert actual_outcome(mutant) == expected_outcome(mutant)


@hypothesis_settings
@given(valid_iins(), st.integers(min_value=0, max_value=11), st.integers(1, 9))
def test_a_single_digit_change_is_caught_where_the_rule_guarantees_it(built, position, shift):
    """Why it is guaranteed: the weights 1..10 of digits 1-10 are nonzero and distinct
    mod 11 (a prime), so changing one of those digits by a nonzero amount below 10 moves
    the first sum; while neither number falls back to the second weights, the check
    digit moves with it. A change of the check digit itself is always caught. The 11th
    digit (weight 11 = 0 mod 11) and the fallback to the second weights are exempt."""
    iin, _born, _sex = built
    digit = str((int(iin[position]) + shift) % 10)
    mutant = iin[:position] + digit + iin[position + 1 :]
    falls_back = 10 in (
        weighted_sum(iin[:11], FIRST_WEIGHTS) % 11,
        weighted_sum(mutant[:11], FIRST_WEIGHTS) % 11,
    )
    assume(position == 11 or (position < 10 and not falls_back))

    assert error_code(mutant) == "iin_check_digit"


@hypothesis_settings
@given(st.text(min_size=0, max_size=30).filter(lambda text: len(text) != 12))
@example("")
@example("90010130000")
@example("9001013000070")
@example(" 900101300007")
def test_anything_but_twelve_characters_is_rejected_for_its_length(text: str):
    assert error_code(text) == "iin_length"


@hypothesis_settings
@given(
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.integers(min_value=0, max_value=11),
    st.characters().filter(lambda ch: ch not in "0123456789"),
)
def test_twelve_characters_with_anything_but_an_ascii_digit_are_rejected(
    digits: str, position: int, intruder: str
):
    value = digits[:position] + intruder + digits[position:]
    assert error_code(value) == "iin_digits"


@pytest.mark.parametrize(
    "value",
    [
        "90010130000١",  # ARABIC-INDIC DIGIT ONE
        "٩٠٠١٠١٣٠٠٠٠٧",  # a whole IIN in Arabic-Indic digits
        "９００１０１３００００７",  # full-width digits
        "90010130000²",  # SUPERSCRIPT TWO: str.isdigit() says yes
        "9001013O0007",  # a capital O for a zero
        "900101 00007",
        "-90101300007",
    ],
)
def test_non_digits_including_digits_of_other_scripts_are_rejected(value: str):
    assert len(value) == 12
    assert error_code(value) == "iin_digits"


@pytest.mark.parametrize(
    "first_eleven",
    [
        "90023130000",  # 31 February
        "90023030000",  # 30 February
        "91022930000",  # 29 February 1991
        "90130130000",  # month 13
        "90000130000",  # month 0
        "90010030000",  # day 0
        "90043130000",  # 31 April
        "90013230000",  # 32 January
    ],
)
def test_an_impossible_date_of_birth_is_rejected(first_eleven: str):
    iin = with_check_digit(first_eleven)
    assert iin is not None
    assert error_code(iin) == "iin_date"


@pytest.mark.parametrize("marker", "789")
def test_a_seventh_digit_of_7_to_9_is_rejected(marker: str):
    iin = with_check_digit(f"900101{marker}0000") or with_check_digit(f"900101{marker}0001")
    assert iin is not None
    assert error_code(iin) == "iin_century"


@hypothesis_settings
@given(st.text(alphabet="0123456789", min_size=6, max_size=6), serials)
@example("900231", 0)  # not even a date: digit 7 = 0 carries none
def test_a_seventh_digit_of_0_is_accepted_without_date_or_sex(first_six: str, serial: int):
    iin = with_check_digit(f"{first_six}0{serial:04d}")
    assume(iin is not None)
    assert parse_iin(iin) == IinFacts(birth_date=None, sex=None)


@pytest.mark.parametrize(
    ("marker", "century", "sex"),
    [("1", 1800, "male"), ("2", 1800, "female"), ("3", 1900, "male"),
     ("4", 1900, "female"), ("5", 2000, "male"), ("6", 2000, "female")],
)  # fmt: skip
def test_the_seventh_digit_gives_century_and_sex(marker: str, century: int, sex: str):
    iin = with_check_digit(f"040506{marker}0000") or with_check_digit(f"040506{marker}0001")
    assert iin is not None
    assert parse_iin(iin) == IinFacts(birth_date=datetime.date(century + 4, 5, 6), sex=sex)


def test_errors_explain_themselves_in_english():
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        parse_iin("90010130000")
    assert raised.value.messages == ["An IIN has exactly 12 digits; this one has 11 characters."]
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        parse_iin(with_check_digit("90023130000") or "")
    assert raised.value.messages == [
        "The first six digits of an IIN are the date of birth; 31.02.90 is no date."
    ]
