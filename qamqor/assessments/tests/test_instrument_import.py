"""`qamqor instruments import`: a new version loads; a file with a bad row loads nothing
and names the row."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qamqor.assessments.models import Instrument, instrument_in_force

GOOD = """
instruments:
  - code: dv-risk
    version: 2
    kind: domestic_violence_risk
    effective_from: 2020-01-01
    name: {en: Risk v2, ru: Риск v2, kk: Қауіп v2}
    rules:
      levels: [{level: high, min_yes: 2}, {level: medium, min_yes: 1}]
      base_level: standard
      escalation: {incidents: 3, months: 12, raises_to: high}
      conference_level: high
    groups: {g: {en: G, ru: Г, kk: Г}}
    items:
      - {code: a, group: g, answer_type: yes_no_unknown, en: Aa, ru: Аа, kk: Аа}
      - {code: b, group: g, answer_type: yes_no_unknown, en: Bb, ru: Бб, kk: Бб}
"""


def run(tmp_path, text):
    path = tmp_path / "instruments.yaml"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("instruments", "import", str(path), stdout=out, stderr=err)
    return out.getvalue()


def test_a_new_version_loads_and_is_in_force(tmp_path):
    assert "dv-risk v2 (2 items)" in run(tmp_path, GOOD)
    assert instrument_in_force("dv-risk").version == 2


def test_a_bad_row_loads_nothing_and_is_named(tmp_path, capsys):
    before = Instrument.objects.count()
    bad = GOOD.replace("answer_type: yes_no_unknown, en: Bb", "answer_type: maybe, en: Bb")
    bad = bad.replace("kk: Аа}", "kk: ''}")
    err = io.StringIO()
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("instruments", "import", str(path), stderr=err)
    assert "item 2 (b): answer_type" in err.getvalue()
    assert "item 1 (a): no text in kk" in err.getvalue()
    assert Instrument.objects.count() == before


def test_a_loaded_version_is_refused(tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path, GOOD.replace("version: 2", "version: 1"))
