// swift-tools-version:5.9
// hookwise for Swift: the generated uniffi sources over HookwiseFFI.xcframework
// (build it with scripts/build-xcframework.sh on macOS).
import PackageDescription

let package = Package(
    name: "Hookwise",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "Hookwise", targets: ["Hookwise"]),
    ],
    targets: [
        .binaryTarget(name: "HookwiseFFI", path: "HookwiseFFI.xcframework"),
        .target(name: "Hookwise", dependencies: ["HookwiseFFI"], path: "Sources/Hookwise"),
        .testTarget(name: "HookwiseTests", dependencies: ["Hookwise"], path: "Tests/HookwiseTests"),
    ]
)
