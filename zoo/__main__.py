"""``python -m zoo list | describe NAME | train NAME ...`` (see ``zoo.cli.commands``)."""

from zoo.cli.commands import main

main()
