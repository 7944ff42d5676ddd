"""Access-matrix rows of the standards pages, an agency's services and the providers list.

The standards and the catalogue names exist only for the system administrator (erin), an
agency's declared services only for its supervisor (carol), the providers list for those
who open cases; to everyone else each page does not exist.
"""

from typing import Any

from qamqor.web.tests.matrix import CAST, OPENERS, everyone

STANDARDS_PAGES = [
    "services:standards",
    "services:standard_detail",
    "services:standard_new_version",
    "services:standards_import",
    "services:catalogue",
    "services:catalogue_entry",
]
STANDARDS_CHANGES = [
    "services:standard_new_version",
    "services:standards_import",
    "services:catalogue_entry",
]

PAGES = {
    **{name: everyone(404, erin=200) for name in STANDARDS_PAGES},
    "services:agency_offers": everyone(404, carol=200),
    "services:providers": {user: 200 if user in OPENERS else 404 for user in CAST},
}

# An empty POST: the system administrator's form answers with its errors, and so does the
# supervisor's declaration, which names the agency it is for.
POSTS = {
    **{
        name: {user: {400} if user == "erin" else {404} for user in CAST}
        for name in STANDARDS_CHANGES
    },
    "services:agency_offers": {user: {400} if user == "carol" else {404} for user in CAST},
}


def arguments(case: Any) -> dict[str, object]:
    return {
        "standard_code": "trafficking-2023",
        "catalogue_kind": "services",
        "entry_code": "accommodation",
    }
