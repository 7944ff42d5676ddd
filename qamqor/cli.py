"""The `qamqor` command: every Django management command, plus `serve`.

    qamqor migrate | demo-data [--persons N] | createadmin | check | serve [ADDRESS]
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qamqor.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qamqor", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
