"""The `qamqor` command: every Django management command, plus `serve`.

    qamqor migrate | demo-data [--persons N] | createadmin | check | serve [ADDRESS]

Commands may be written with hyphens: `qamqor demo-data` runs `demo_data`.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qamqor.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["qamqor", *args])


if __name__ == "__main__":
    main()
