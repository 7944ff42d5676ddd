from qamqor.audit.models import AuditEvent
from qamqor.registry.search_index import persons_named


def test_open_case_writes_code_person_keys_and_audit(case):
    assert case.code.startswith("ALA-")
    assert case.person.surname == "Сәрсенбаева"
    assert list(persons_named("Sarsenbaeva")) == [case.person]
    assert AuditEvent.objects.filter(case_code=case.code, action="case.open").count() == 1
