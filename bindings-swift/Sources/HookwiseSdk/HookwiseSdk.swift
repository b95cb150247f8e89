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
/// `<ENV_PREFIX>_API_KEY` / `<ENV_PREFIX>_BASE_URL`, then from the profile). A negative duration
/// or retry count is `HookwiseError.InvalidArgument`.
public final class Engine: @unchecked Sendable {
    private let api: Api

    public init(
        bundle: Bundle,
        apiKey: String? = nil,
        username: String? = nil,
        password: String? = nil,
        baseUrl: String?,
        timeout: Duration?,
        maxRetries: Int?,
        initialRetryDelay: Duration?,
        maxRetryDelay: Duration?
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
                timeout: timeout,
                maxRetries: maxRetries.map { Int32(clamping: $0) },
                initialRetryDelay: initialRetryDelay,
                maxRetryDelay: maxRetryDelay
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

    /// Every item of every page of `op`, a page fetched when the iteration needs one.
    public func paginate<T: Decodable>(_ op: String, _ args: Arguments) -> AutoPagingSequence<T> {
        AutoPagingSequence(api: api, op: op, args: args.text)
    }

    /// Polls `op` until a terminal status; `onProgress` sees the object at each change.
    public func wait<T: Decodable>(
        _ op: String,
        _ args: Arguments,
        timeout: Duration,
        onProgress: ((T) -> Void)?
    ) async throws -> T {
        let listener = onProgress.map { ProgressReport<T>($0) }
        let answer = try await api.wait(op: op, argsJson: args.text, timeout: timeout, onProgress: listener)
        return try decode(T.self, answer)
    }
}

/// Every item of a list operation, every page of it: `for try await job in try client.jobs.listAutoPaging() { … }`.
/// Each iteration starts at the first page; the engine fetches the next page when `next()` needs
/// it, and stops fetching when the loop stops. Errors are `HookwiseError`, thrown by `next()`.
public struct AutoPagingSequence<Element: Decodable>: AsyncSequence, Sendable {
    private let api: Api
    private let op: String
    private let args: String

    init(api: Api, op: String, args: String) {
        self.api = api
        self.op = op
        self.args = args
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(api: api, op: op, args: args)
    }

    /// Reads the items one by one from the engine's pages (`Api.paginate`, opened at the first `next()`).
    public struct Iterator: AsyncIteratorProtocol {
        private let api: Api
        private let op: String
        private let args: String
        private var pages: ApiPages?

        init(api: Api, op: String, args: String) {
            self.api = api
            self.op = op
            self.args = args
        }

        public mutating func next() async throws -> Element? {
            let pages = try self.pages ?? api.paginate(op: op, argsJson: args)
            self.pages = pages
            guard let item = try await pages.next() else { return nil }
            return try decode(Element.self, item)
        }
    }
}
