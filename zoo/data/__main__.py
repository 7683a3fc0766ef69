"""List the zoo's datasets, or prepare one in a tfds data dir.

python -m zoo.data list [--data-dir D]
python -m zoo.data prepare NAME [--data-dir D] [--raw-dir R]
"""

import argparse
import sys

from zoo.data import sources


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zoo.data", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="the datasets, and whether each is prepared")
    listing.add_argument("--data-dir", help="tfds data dir (default: $TFDS_DATA_DIR or tfds's)")
    prepare = commands.add_parser("prepare", help="download (or build from raw files) and prepare")
    prepare.add_argument("name", help=", ".join(sources.DATASETS))
    prepare.add_argument("--data-dir", help="tfds data dir (default: $TFDS_DATA_DIR or tfds's)")
    prepare.add_argument("--raw-dir", help="fashion_mnist: folder with the four IDX .gz files")
    args = parser.parse_args(argv)

    if args.command == "list":
        for name in sources.DATASETS:
            if sources.is_prepared(name, args.data_dir):
                state = "prepared"
            else:
                state = "made on first use" if name in sources.GENERATED else "not prepared"
            print(f"{name:20s} {state}")
        return 0
    try:
        sources.check_name(args.name)
        builder = sources.prepared_builder(
            args.name, data_dir=args.data_dir, raw_dir=args.raw_dir, download=True
        )
    except (ValueError, sources.DatasetNotAvailableError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"{args.name} is prepared in {builder.data_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
