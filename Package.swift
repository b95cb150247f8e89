// swift-tools-version:5.9
// hookwise for Swift, from this repository's URL (SwiftPM reads a package from a repository's root):
// `Hookwise`, the uniffi-generated API over the Rust core in HookwiseFFI.xcframework; `HookwiseSdk`,
// the runtime of every SDK that `hookwise generate --lang swift` makes; `HookwiseApi`, the typed
// client of the hookwise API itself. The sources are in bindings-swift/ (README there).
import Foundation
import PackageDescription

// The xcframework of a release: .github/workflows/mobile-release.yml builds it, uploads it to the
// release and writes its URL and checksum here in the tagged commit. Empty on the main branch,
// where the package uses the local build below.
let releaseBinaryURL = ""
let releaseBinaryChecksum = ""

// Development: bindings-swift/HookwiseFFI.xcframework, built by bindings-swift/scripts/build-xcframework.sh.
// Used when no release binary is written above, or when HOOKWISE_LOCAL_BINARY=1 is set.
let useLocalBinary = releaseBinaryURL.isEmpty || ProcessInfo.processInfo.environment["HOOKWISE_LOCAL_BINARY"] == "1"

let binary: Target = useLocalBinary
    ? .binaryTarget(name: "HookwiseFFI", path: "bindings-swift/HookwiseFFI.xcframework")
    : .binaryTarget(name: "HookwiseFFI", url: releaseBinaryURL, checksum: releaseBinaryChecksum)

let package = Package(
    name: "Hookwise",
    platforms: [.macOS(.v13), .iOS(.v16)],
    products: [
        .library(name: "Hookwise", targets: ["Hookwise"]),
        .library(name: "HookwiseSdk", targets: ["HookwiseSdk"]),
        .library(name: "HookwiseApi", targets: ["HookwiseApi"]),
    ],
    targets: [
        binary,
        .target(name: "Hookwise", dependencies: ["HookwiseFFI"], path: "bindings-swift/Sources/Hookwise"),
        .target(name: "HookwiseSdk", dependencies: ["Hookwise"], path: "bindings-swift/Sources/HookwiseSdk"),
        .target(
            name: "HookwiseApi",
            dependencies: ["Hookwise", "HookwiseSdk"],
            path: "bindings-swift/Sources/HookwiseApi",
            resources: [.copy("profile.yaml")]
        ),
        .testTarget(
            name: "HookwiseTests",
            dependencies: ["Hookwise", "HookwiseSdk", "HookwiseApi"],
            path: "bindings-swift/Tests/HookwiseTests"
        ),
    ]
)
