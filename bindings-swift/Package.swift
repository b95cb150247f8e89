// swift-tools-version:5.9
// hookwise for Swift: the generated uniffi sources over HookwiseFFI.xcframework
// (build it with scripts/build-xcframework.sh on macOS), and HookwiseApi, the typed client of the
// hookwise API that `hookwise generate profiles/hookwise.yaml --lang swift` makes (Sources/HookwiseApi).
import PackageDescription

let package = Package(
    name: "Hookwise",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "Hookwise", targets: ["Hookwise"]),
        .library(name: "HookwiseApi", targets: ["HookwiseApi"]),
    ],
    targets: [
        .binaryTarget(name: "HookwiseFFI", path: "HookwiseFFI.xcframework"),
        .target(name: "Hookwise", dependencies: ["HookwiseFFI"], path: "Sources/Hookwise"),
        .target(
            name: "HookwiseApi",
            dependencies: ["Hookwise"],
            path: "Sources/HookwiseApi",
            resources: [.copy("profile.yaml")]
        ),
        .testTarget(name: "HookwiseTests", dependencies: ["Hookwise"], path: "Tests/HookwiseTests"),
    ]
)
