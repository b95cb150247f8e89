import Foundation
import XCTest
import Hookwise

/// Every conformance vector through the Swift API as a user imports it (the same uniffi layer Kotlin
/// runs on the JVM).
final class VectorsTests: XCTestCase {
    let suite = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tests/conformance")

    func cases(_ url: URL) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url), options: [.fragmentsAllowed]) as! [[String: Any]]
    }

    func code(_ error: Error) -> String {
        (error as! HookwiseError).code
    }

    func json(_ text: String) -> NSObject {
        try! JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as! NSObject
    }

    func testEverySignatureVector() throws {
        let dir = suite.appendingPathComponent("vectors/signatures")
        var problems: [String] = []
        for file in try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil).sorted(by: { $0.path < $1.path }) {
            for c in try cases(file) {
                let scheme = (c["scheme"] as? String) ?? String(data: try JSONSerialization.data(withJSONObject: c["scheme"]!), encoding: .utf8)!
                let expect = c["expect"] as! [String: Any]
                do {
                    let hook = try Webhook(
                        secrets: c["secrets"] as! [String], scheme: scheme,
                        tolerance: (c["tolerance"] as? NSNumber).map { Duration.seconds($0.int64Value) },
                        maxPayloadBytes: (c["max_payload_bytes"] as? NSNumber)?.int64Value)
                    let event = try hook.verify(
                        payload: Data(base64Encoded: c["body_b64"] as! String)!,
                        headers: c["headers"] as! [String: String], now: (c["now"] as! NSNumber).int64Value)
                    let want = expect["event"] as? [String: Any]
                    if !(expect["ok"] as! Bool) || event.eventType != want?["type"] as? String
                        || event.unsignedFields != want?["unsigned_fields"] as? [String]
                        || json(event.payloadJson) != (want?["payload"] as! NSObject) {
                        problems.append("\(c["id"]!): accepted or event differs")
                    }
                } catch {
                    if expect["ok"] as! Bool || code(error) != expect["error"] as? String {
                        problems.append("\(c["id"]!): \(error)")
                    }
                }
            }
        }
        XCTAssertEqual(problems, [])
    }

    func testEveryCanonicalVector() throws {
        for c in try cases(suite.appendingPathComponent("vectors/canonical.json")) {
            let expect = c["expect"] as! [String: Any]
            let input = Data(base64Encoded: c["input_b64"] as! String)!
            if expect["ok"] as! Bool {
                XCTAssertEqual(try canonicalize(data: input), Data(base64Encoded: expect["canonical_b64"] as! String)!, "\(c["id"]!)")
            } else {
                XCTAssertThrowsError(try canonicalize(data: input), "\(c["id"]!)")
            }
        }
    }
}
