"""Access-matrix rows of the inbox, the sent referrals and the referral directory.

The inbox and the sent referrals are for members whose role works on the agency's own
cases (case workers and supervisors: alice, bob, carol, charlie); the regional
coordinator (gulnara) reaches her region's cases de-identified and read only, answers no
referral, and has no inbox. The directory is for those who open cases, as are the
service providers and Find a place. To anyone else each page does not exist.
"""

from qamqor.web.tests.matrix import CAST, OPENERS

INBOX_READERS = {"alice", "bob", "carol", "charlie"}

PAGES = {
    "referrals:inbox": {user: 200 if user in INBOX_READERS else 404 for user in CAST},
    "referrals:inbox_sent": {user: 200 if user in INBOX_READERS else 404 for user in CAST},
    "referrals:directory": {user: 200 if user in OPENERS else 404 for user in CAST},
}
