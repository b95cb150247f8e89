// HookwiseSdk: the runtime of the Swift SDKs `hookwise generate PROFILE --lang swift` makes. What a
// generated client needs to hand typed values to the engine (`Hookwise.Api`, which runs every
// request) as JSON text, and to read its answers back; no request logic lives here.
import Foundation
import Hookwise

/// A JSON value the profile leaves untyped.
public enum JSONValue: Codable, Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// One call's named arguments, each encoded as it is given; an argument passed as nil is left out.
public struct Arguments: Sendable {
    private var fields: [String] = []

    public init() {}

    /// These arguments and `name`, unless `value` is nil.
    public func add<T: Encodable>(_ name: String, _ value: T?) throws -> Arguments {
        guard let value else { return self }
        var copy = self
        copy.fields.append("\(try json(name)):\(try json(value))")
        return copy
    }

    /// The arguments as the JSON object text `Api` takes.
    public var text: String { "{\(fields.joined(separator: ","))}" }
}

private func json<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
}

private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try JSONDecoder().decode(type, from: Data(text.utf8))
}

private func milliseconds(_ seconds: TimeInterval?) -> UInt64? {
    seconds.map { UInt64(max(0, $0 * 1000).rounded()) }
}

/// Hands each progress report of `Api.wait` to a typed callback.
private final class ProgressReport<T: Decodable>: ApiProgressListener, @unchecked Sendable {
    private let report: (T) -> Void

    init(_ report: @escaping (T) -> Void) {
        self.report = report
    }

    func onProgress(objectJson: String) {
        if let object = try? decode(T.self, objectJson) {
            report(object)
        }
    }
}

/// A generated client's engine: `Api` for the profile shipped as `profile.yaml` in `bundle` (the
/// generated package's `Bundle.module`), with the client's options (nil takes the engine's
/// default; credentials and the base URL not given come from the environment,
/// `<ENV_PREFIX>_API_KEY` / `<ENV_PREFIX>_BASE_URL`, then from the profile).
public final class Engine: @unchecked Sendable {
    private let api: Api

    public init(
        bundle: Bundle,
        apiKey: String? = nil,
        username: String? = nil,
        password: String? = nil,
        baseUrl: String?,
        timeout: TimeInterval?,
        maxRetries: Int?,
        initialRetryDelay: TimeInterval?,
        maxRetryDelay: TimeInterval?
    ) throws {
        guard let url = bundle.url(forResource: "profile", withExtension: "yaml") else {
            fatalError("profile.yaml is missing from the bundle \(bundle.bundleURL.path)")
        }
        let profile = try Profile.fromText(text: try String(contentsOf: url, encoding: .utf8))
        api = try Api(
            profile: profile,
            options: ApiOptions(
                username: username,
                baseUrl: baseUrl,
                timeoutMs: milliseconds(timeout),
                maxRetries: maxRetries.map { UInt32(clamping: $0) },
                initialRetryDelayMs: milliseconds(initialRetryDelay),
                maxRetryDelayMs: milliseconds(maxRetryDelay)
            ),
            apiKey: apiKey,
            password: password
        )
    }

    /// Calls `op` and decodes its answer.
    public func call<T: Decodable>(_ op: String, _ args: Arguments) async throws -> T {
        try decode(T.self, try await api.call(op: op, argsJson: args.text))
    }

    /// Downloads `url`; the credentials go only to the API's own origin.
    public func download(_ url: String) async throws -> Data {
        try await api.download(url: url)
    }

    /// Calls `op`, which answers nothing.
    public func execute(_ op: String, _ args: Arguments) async throws {
        _ = try await api.call(op: op, argsJson: args.text)
    }

    /// Every item of every page of `op`, a page fetched when the stream needs one.
    public func paginate<T: Decodable>(_ op: String, _ args: Arguments) -> AsyncThrowingStream<T, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let pages = try self.api.paginate(op: op, argsJson: args.text)
                    while let item = try await pages.next() {
                        continuation.yield(try decode(T.self, item))
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Polls `op` until a terminal status; `onProgress` sees the object at each change.
    public func wait<T: Decodable>(
        _ op: String,
        _ args: Arguments,
        timeout: TimeInterval,
        onProgress: ((T) -> Void)?
    ) async throws -> T {
        let listener = onProgress.map { ProgressReport<T>($0) }
        let answer = try await api.wait(
            op: op, argsJson: args.text, timeoutMs: milliseconds(timeout) ?? 0, onProgress: listener
        )
        return try decode(T.self, answer)
    }
}
