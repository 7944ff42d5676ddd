import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qamqor.settings")
application = get_wsgi_application()

# A wrong or missing encryption key stops the server here, with a message saying which
# key, rather than at the first page that shows a name.
from qamqor.vault.keycheck import verify_at_startup  # noqa: E402

verify_at_startup()
