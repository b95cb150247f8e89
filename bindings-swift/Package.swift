// swift-tools-version:5.9
// hookwise for Swift: the generated uniffi sources over HookwiseFFI.xcframework
// (build it with scripts/build-xcframework.sh on macOS); HookwiseSdk, the runtime every SDK that
// `hookwise generate --lang swift` makes imports (Sources/HookwiseSdk); and HookwiseApi, the typed
// client of the hookwise API that `hookwise generate profiles/hookwise.yaml --lang swift` makes
// (Sources/HookwiseApi).
import PackageDescription

let package = Package(
    name: "Hookwise",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "Hookwise", targets: ["Hookwise"]),
        .library(name: "HookwiseSdk", targets: ["HookwiseSdk"]),
        .library(name: "HookwiseApi", targets: ["HookwiseApi"]),
    ],
    targets: [
        .binaryTarget(name: "HookwiseFFI", path: "HookwiseFFI.xcframework"),
        .target(name: "Hookwise", dependencies: ["HookwiseFFI"], path: "Sources/Hookwise"),
        .target(name: "HookwiseSdk", dependencies: ["Hookwise"], path: "Sources/HookwiseSdk"),
        .target(
            name: "HookwiseApi",
            dependencies: ["Hookwise", "HookwiseSdk"],
            path: "Sources/HookwiseApi",
            resources: [.copy("profile.yaml")]
        ),
        .testTarget(name: "HookwiseTests", dependencies: ["Hookwise"], path: "Tests/HookwiseTests"),
    ]
)
