import Foundation
import XCTest
import Hookwise

/// What a Swift user reads off the API (imported as users import it): `code`, `status`, `reason`
/// and `traceId` on `HookwiseError` whatever the case, `Duration`s, and signed numbers whose
/// negative values are a clear `invalid_argument`.
final class SurfaceTests: XCTestCase {
    func testErrorsAnswerCodeAndStatusWhateverTheCase() throws {
        let payload = Data("{}".utf8)
        let headers = try Webhook(secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], scheme: "standard").sign(payload: payload)
        let other = try Webhook(
            secrets: ["whsec_" + String(repeating: "A", count: 32)], scheme: "standard", tolerance: .seconds(300)
        )
        XCTAssertThrowsError(try other.verify(payload: payload, headers: headers)) { error in
            guard let error = error as? HookwiseError else { return XCTFail("not a HookwiseError: \(error)") }
            XCTAssertEqual(error.code, "signature_mismatch")
            XCTAssertNil(error.status)
            XCTAssertNil(error.traceId)
            XCTAssertFalse(error.reason.isEmpty)
            XCTAssertEqual(error.details().code, error.code)
        }
    }

    func testNegativeDurationsAndSizesAreInvalidArguments() {
        let makers: [(String, () throws -> Webhook)] = [
            ("tolerance", { try Webhook(secrets: ["k"], scheme: "github", tolerance: .seconds(-1)) }),
            ("maxPayloadBytes", { try Webhook(secrets: ["k"], scheme: "github", maxPayloadBytes: -1) }),
        ]
        for (name, make) in makers {
            XCTAssertThrowsError(try make(), name) { error in
                XCTAssertEqual((error as? HookwiseError)?.code, "invalid_argument", name)
                XCTAssertTrue((error as? HookwiseError)?.reason.hasPrefix("\(name) must not be negative") == true, "\(error)")
            }
        }
    }
}
