"""Checks that each Python distribution (wheels, sdists) carries both license texts of the root,
byte for byte, where PEP 639 puts them, and names them in its metadata (`License-File`) with the
SPDX `License-Expression`.

    python scripts/check_python_dist.py target/wheels/hookwise-*.whl target/sdist/hookwise-*.tar.gz

Exits 1 and says what is missing.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LICENSES = ["LICENSE-MIT", "LICENSE-APACHE"]
EXPRESSION = "MIT OR Apache-2.0"


def members(dist: Path) -> dict[str, bytes]:
    """The archive's files, by name (sdist names without their `name-version/` top directory)."""
    if dist.name.endswith(".whl"):
        with zipfile.ZipFile(dist) as z:
            return {name: z.read(name) for name in z.namelist() if not name.endswith("/")}
    if dist.name.endswith(".tar.gz"):
        with tarfile.open(dist) as t:
            files = {}
            for info in t.getmembers():
                data = t.extractfile(info) if info.isfile() else None
                if data is not None:
                    files[info.name.split("/", 1)[1]] = data.read()
            return files
    raise SystemExit(f"{dist}: not a wheel or an sdist")


def problems(dist: Path) -> list[str]:
    files = members(dist)
    if dist.name.endswith(".whl"):
        metadata_name = next((n for n in files if n.endswith(".dist-info/METADATA")), None)
        if metadata_name is None:
            return ["no .dist-info/METADATA"]
        license_dir = metadata_name.removesuffix("METADATA") + "licenses/"
    else:
        metadata_name, license_dir = "PKG-INFO", ""
        if metadata_name not in files:
            return ["no PKG-INFO"]
    metadata = HeaderParser().parsestr(files[metadata_name].decode())
    found = []
    if metadata["License-Expression"] != EXPRESSION:
        found.append(f"License-Expression is {metadata['License-Expression']!r}, not {EXPRESSION!r}")
    for name in LICENSES:
        if name not in (metadata.get_all("License-File") or []):
            found.append(f"the metadata names no License-File {name}")
        data = files.get(license_dir + name)
        if data is None:
            found.append(f"no {license_dir}{name}")
        elif data != (ROOT / name).read_bytes():
            found.append(f"{license_dir}{name} is not the root's {name}")
    return found


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        found = problems(Path(path))
        failed = failed or bool(found)
        print(f"{path}: " + ("; ".join(found) if found else f"{' and '.join(LICENSES)} present"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
