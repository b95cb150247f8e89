#!/usr/bin/env python3
"""Checks the Swift and Kotlin packaging files that no tool on this machine builds (no Swift
toolchain, no Gradle or Android plugin here; the release workflow builds them):

- the root Package.swift: every target path exists (the XCFramework is the one built by
  bindings-swift/scripts/build-xcframework.sh, and ignored by git), and the release URL and
  checksum lines are in the exact form the release workflow's sed rewrites;
- the Gradle build in bindings-kotlin: every module settings.gradle.kts includes has a build file;
  every source, resource, jniLibs and ProGuard path the build files name exists, or is an output
  that the test command or the release workflow writes; the versions are pom.xml's (the Maven build
  the tests run), so the published artifacts are what was tested; the Android ABIs are the three
  the workflow builds with cargo-ndk.

Exit status 1 with every problem listed, 0 when there is none.
"""

import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KOTLIN = ROOT / "bindings-kotlin"
WORKFLOW = (ROOT / ".github/workflows/mobile-release.yml").read_text()
TEST_SCRIPT = (ROOT / "scripts/test.sh").read_text()
problems: list[str] = []


def check(ok: bool, problem: str) -> None:
    if not ok:
        problems.append(problem)


def ignored(path: Path) -> bool:
    """Whether git ignores `path` (a build output, not a committed file)."""
    return subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT).returncode == 0


def swift_package() -> None:
    manifest = (ROOT / "Package.swift").read_text()
    paths = re.findall(r'path: "([^"]+)"', manifest)
    check(len(paths) >= 5, f"Package.swift names {len(paths)} target paths: {paths}")
    for path in paths:
        if path.endswith(".xcframework"):
            check(ignored(ROOT / path / "Info.plist"), f"Package.swift: {path} is a build output and should be ignored by git")
            builder = (ROOT / "bindings-swift/scripts/build-xcframework.sh").read_text()
            check(
                path == "bindings-swift/HookwiseFFI.xcframework" and '-output "$here/HookwiseFFI.xcframework"' in builder,
                f"Package.swift: {path} is not what bindings-swift/scripts/build-xcframework.sh writes",
            )
        else:
            check((ROOT / path).is_dir(), f"Package.swift: {path} does not exist")
    for name in ("releaseBinaryURL", "releaseBinaryChecksum"):
        lines = [line for line in manifest.splitlines() if line.startswith(f"let {name} = ")]
        check(lines == [f'let {name} = ""'], f"Package.swift: want one line `let {name} = \"\"` on main, have {lines}")
        check(f'"s|^let {name} = \\".*\\"$|' in WORKFLOW, f"the release workflow does not rewrite {name}")
    check(
        "url: releaseBinaryURL, checksum: releaseBinaryChecksum" in manifest,
        "Package.swift's release binaryTarget does not use the url and checksum the workflow writes",
    )
    check(not (ROOT / "bindings-swift/Package.swift").exists(), "bindings-swift/Package.swift: the root one is the only one")


def pom() -> dict[str, str]:
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    project = ET.parse(KOTLIN / "pom.xml").getroot()
    versions = {
        "group": project.findtext("m:groupId", namespaces=ns),
        "version": project.findtext("m:version", namespaces=ns),
        "kotlin": project.findtext("m:properties/m:kotlin.version", namespaces=ns),
    }
    for dependency in project.iterfind("m:dependencies/m:dependency", ns):
        artifact = dependency.findtext("m:artifactId", namespaces=ns)
        version = dependency.findtext("m:version", namespaces=ns)
        key = {"jna": "jna", "kotlinx-coroutines-core-jvm": "coroutines", "kotlinx-serialization-json-jvm": "serialization"}.get(artifact)
        if key:
            versions[key] = version
    return versions


# Paths under bindings-kotlin/target that the build files read: who writes each.
OUTPUTS = {
    "target/generated-sources/uniffi": "uniffi-bindgen (scripts/test.sh and the release workflow)",
    "target/jniLibs": "cargo ndk -o (the release workflow)",
    "target/jvm-natives": "the release workflow's jvm-natives jobs",
}


def gradle() -> None:
    settings = (KOTLIN / "settings.gradle.kts").read_text()
    modules = re.findall(r'":([a-z-]+)"', settings)
    check(modules == ["hookwise-jvm", "hookwise-android"], f"settings.gradle.kts includes {modules}")
    catalog = tomllib.loads((KOTLIN / "gradle/libs.versions.toml").read_text())
    for module in modules:
        build = KOTLIN / module / "build.gradle.kts"
        if not build.is_file():
            problems.append(f"{module}: no build.gradle.kts")
            continue
        text = build.read_text()
        for alias in re.findall(r"alias\(libs\.plugins\.([a-z.]+)\)", text):
            check(alias.replace(".", "-") in catalog["plugins"], f"{module}: plugin {alias} is not in the version catalog")
        for alias in re.findall(r"libs\.(?!plugins|versions)([a-z.]+)", text):
            check(alias.replace(".", "-") in catalog["libraries"], f"{module}: library {alias} is not in the version catalog")
        for call in re.findall(r"(?:srcDirs?|consumerProguardFiles)\(([^)]*)\)", text):
            for path in re.findall(r'"([^"]+)"', call):
                resolved = (KOTLIN / module / path).resolve()
                relative = resolved.relative_to(KOTLIN).as_posix() if resolved.is_relative_to(KOTLIN) else None
                if relative in OUTPUTS:
                    written_by = f"bindings-kotlin/{relative}"
                    check(written_by in WORKFLOW or written_by in TEST_SCRIPT, f"{module}: nothing writes {written_by} ({OUTPUTS[relative]})")
                else:
                    check(resolved.exists(), f"{module}: {path} does not exist")
    for module in modules:
        text = (KOTLIN / module / "build.gradle.kts").read_text()
        check(
            'kotlin.srcDirs("../src/main/kotlin", "../target/generated-sources/uniffi")' in text,
            f"{module}: does not compile the shared sources (src/main/kotlin and the uniffi output)",
        )

    want = pom()
    versions = catalog["versions"]
    for key in ("kotlin", "jna", "coroutines", "serialization"):
        check(versions.get(key) == want.get(key), f"libs.versions.toml {key} = {versions.get(key)}, pom.xml has {want.get(key)}")
    properties = dict(
        line.split("=", 1) for line in (KOTLIN / "gradle.properties").read_text().splitlines() if "=" in line and not line.startswith("#")
    )
    check(properties.get("VERSION_NAME") == want["version"], f"gradle.properties VERSION_NAME {properties.get('VERSION_NAME')}, pom.xml {want['version']}")
    check(properties.get("GROUP") == want["group"], f"gradle.properties GROUP {properties.get('GROUP')}, pom.xml {want['group']}")
    android = (KOTLIN / "hookwise-android/build.gradle.kts").read_text()
    check('"net.java.dev.jna:jna:${libs.versions.jna.get()}@aar"' in android, "hookwise-android: JNA is not the AAR")
    check("cargo ndk -t arm64-v8a -t armeabi-v7a -t x86_64" in WORKFLOW, "the workflow does not build the three Android ABIs")


swift_package()
gradle()
for problem in problems:
    print(problem, file=sys.stderr)
if problems:
    sys.exit(1)
print("Package.swift and the Gradle build refer to what exists; Gradle's versions are pom.xml's")
