"""Access-matrix rows of the closure pages (see qamqor/web/tests/matrix.py)."""

from qamqor.web.tests.matrix import case_change, everyone

CLOSURE_PAGES = [
    "cases:closure_request",
    "cases:closure_approve",
    "cases:closure_refuse",
    "cases:closure_withdraw",
]

# POST-only: a GET is refused before anything else.
PAGES = {name: everyone(405) for name in CLOSURE_PAGES}
# Who approves is checked by the action (test_closure.py); the matrix pins who reaches them.
POSTS = {name: case_change() for name in CLOSURE_PAGES}
