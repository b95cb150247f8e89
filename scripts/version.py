#!/usr/bin/env python3
"""One version for everything: the crates, the Python wheel (it takes the crate's), the npm
package and its platform packages, the Kotlin library (Maven and Gradle), README's install lines,
and every committed generated SDK.

    python3 scripts/version.py            # print the version; exit 1 if any manifest disagrees
    python3 scripts/version.py 0.2.0      # set it everywhere, then regenerate the committed SDKs

The Swift package takes its version from the git tag the release workflow pushes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEMVER = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")

# (file, pattern whose group 1 is the version): every place a release number is written by hand.
PLACES = [
    ("Cargo.toml", r'\[workspace\.package\]\nversion = "([^"]+)"'),
    ("Cargo.toml", r'hookwise = \{ path = "core", version = "([^"]+)" \}'),
    ("cli/Cargo.toml", r'hookwise-server = \{ path = "../server", version = "([^"]+)" \}'),
    ("cli/Cargo.toml", r'hookwise-generate = \{ path = "../generator", version = "([^"]+)" \}'),
    ("bindings-kotlin/pom.xml", r"<artifactId>hookwise</artifactId>\s*<version>([^<]+)</version>"),
    ("bindings-kotlin/gradle.properties", r"(?m)^VERSION_NAME=(.+)$"),
    # What README's install section tells users to write.
    ("README.md", r'\.package\(url: "[^"]+", from: "([^"]+)"\)'),
    ("README.md", r'"dev\.hookwise:hookwise:([^"]+)"'),
    ("README.md", r'"dev\.hookwise:hookwise-android:([^"]+)"'),
    ("README.md", r"bindings-node/hookwise-([0-9][^ ]*)\.tgz"),
]


def package_jsons() -> list[Path]:
    """The npm package and the per-platform packages beside it."""
    node = ROOT / "bindings-node"
    return [node / "package.json", *sorted(node.glob("npm/*/package.json"))]


def found() -> dict[str, str]:
    """Where each version is written, and what it says."""
    versions: dict[str, str] = {}
    for name, pattern in PLACES:
        match = re.search(pattern, (ROOT / name).read_text())
        versions[f"{name}: {pattern[:40]}"] = match.group(1) if match else "<missing>"
    for path in package_jsons():
        package = json.loads(path.read_text())
        rel = path.relative_to(ROOT)
        versions[f"{rel}: version"] = package["version"]
        for dep, wanted in package.get("optionalDependencies", {}).items():
            if dep.startswith("hookwise-"):
                versions[f"{rel}: optionalDependencies.{dep}"] = wanted
    return versions


def set_version(new: str) -> None:
    for name, pattern in PLACES:
        path = ROOT / name
        text = path.read_text()
        match = re.search(pattern, text)
        if not match:
            sys.exit(f"{name}: the version is not where this script looks ({pattern})")
        path.write_text(text[: match.start(1)] + new + text[match.end(1) :])
    for path in package_jsons():
        # In place, so the file keeps its layout: the package's version, then its platform packages'.
        text = re.sub(r'("version":\s*")[^"]+"', rf'\g<1>{new}"', path.read_text(), count=1)
        path.write_text(re.sub(r'("hookwise-[a-z0-9-]+":\s*")[^"]+"', rf'\g<1>{new}"', text))


def run(*args: str, **env: str) -> None:
    subprocess.run(args, cwd=ROOT, check=True, env={**os.environ, **env})


def regenerate() -> None:
    """The committed generated SDKs name the runtime's version: make them again."""
    run("cargo", "build", "--quiet", "-p", "hookwise-cli")
    for lang in ("python", "node", "rust", "swift", "kotlin"):
        run("target/debug/hookwise", "generate", "profiles/auggie.yaml", "--lang", lang,
            "--out", f"examples/generated/auggie/{lang}")
    run("cargo", "test", "--quiet", "-p", "hookwise-generate", "--test", "rust", HOOKWISE_BLESS="1")
    run("npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--prefix", "bindings-node")


def main() -> None:
    if len(sys.argv) == 1:
        versions = found()
        distinct = set(versions.values())
        if len(distinct) != 1:
            for where, version in versions.items():
                print(f"{version:<12} {where}")
            sys.exit("the versions disagree: set one with scripts/version.py X.Y.Z")
        print(distinct.pop())
        return
    new = sys.argv[1]
    if not SEMVER.match(new):
        sys.exit(f"{new!r} is not a semantic version (X.Y.Z or X.Y.Z-pre)")
    set_version(new)
    regenerate()
    print(f"every package is {new}; in CHANGELOG.md, name the [Unreleased] section [{new}] with the date")


if __name__ == "__main__":
    main()
