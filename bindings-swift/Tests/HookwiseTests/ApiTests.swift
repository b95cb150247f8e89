import Foundation
import XCTest
import HookwiseApi

/// hookwise's own client as a Swift user writes it (a public import), against a real
/// `hookwise serve` on loopback: `HOOKWISE_BIN` names the binary (`.github/workflows/swift.yml`
/// builds it); without it the test is skipped.
final class ApiTests: XCTestCase {
    func testListAutoPagingIsAnAsyncSequenceOverEveryPage() async throws {
        guard let bin = ProcessInfo.processInfo.environment["HOOKWISE_BIN"] else {
            throw XCTSkip("HOOKWISE_BIN (a built hookwise binary) is not set")
        }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("hookwise-swift-\(UUID().uuidString)")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: bin)
        server.arguments = ["serve", "--port", "0", "--data-dir", data.path]
        let out = Pipe()
        server.standardOutput = out
        try server.run()
        defer {
            server.terminate()
            try? FileManager.default.removeItem(at: data)
        }
        // Its first line: "hookwise serve listening on <url>".
        var text = ""
        while !text.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { return XCTFail("hookwise serve stopped before listening: \(text)") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let url = try XCTUnwrap(text.split(separator: "\n").first?.split(separator: " ").last.map(String.init))

        let client = try Client(apiKey: "hw_test_key", baseUrl: url, timeout: .seconds(10))
        var created: [String] = []
        for n in 0..<5 {
            created.append(try await client.jobs.create(kind: "swift-\(n)").id)
        }
        var listed: [String] = []
        for try await job in try client.jobs.listAutoPaging(limit: 2) {
            listed.append(job.id)
        }
        // Three pages of at most two: every job once.
        XCTAssertEqual(listed.count, created.count)
        XCTAssertEqual(Set(listed), Set(created))
    }
}
