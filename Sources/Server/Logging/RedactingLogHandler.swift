import Foundation
public import Logging

/// A `LogHandler` that scrubs secrets from every log line before another handler writes it.
///
/// It scrubs the message, the handler's metadata, the metadata provider's output, the
/// metadata of each call (recursively through dictionaries and arrays) and the attached
/// error's description, using ``redact(_:)``. A metadata value whose key looks secret
/// (it contains `password`, `passwd`, `pwd`, `secret`, `token` (but not only as part of
/// `tokens`, which counts them), `authorization`, `api_key`, `apikey`, `api-key` or
/// `cookie`) is replaced as a whole by `***`.
///
/// The wrapped handler gets the merged, scrubbed metadata with each event and keeps no
/// metadata or provider of its own (the wrapper takes them over at `init`), so nothing
/// reaches it unscrubbed.
public struct RedactingLogHandler: LogHandler {
    private var inner: any LogHandler
    /// The handler's own metadata, merged under the provider's and the call's.
    public var metadata: Logger.Metadata
    /// Contextual metadata (e.g. a trace id), merged between the handler's and the call's.
    public var metadataProvider: Logger.MetadataProvider?

    /// The wrapped handler's level.
    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    /// Wraps `inner`, taking over its metadata and metadata provider.
    public init(wrapping inner: any LogHandler) {
        var inner = inner
        metadata = inner.metadata
        metadataProvider = inner.metadataProvider
        inner.metadata = [:]
        if inner.metadataProvider != nil { inner.metadataProvider = nil }
        self.inner = inner
    }

    /// A redacting `StreamLogHandler` on standard error: what the `convai` executable
    /// bootstraps. The metadata provider defaults to the logging system's, as
    /// `StreamLogHandler.standardError(label:)` does.
    public static func standardError(
        label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    )
        -> RedactingLogHandler
    {
        RedactingLogHandler(wrapping: StreamLogHandler.standardError(label: label, metadataProvider: metadataProvider))
    }

    /// The handler's metadata for `metadataKey`.
    public subscript(metadataKey metadataKey: String) -> Logger.Metadata.Value? {
        get { metadata[metadataKey] }
        set { metadata[metadataKey] = newValue }
    }

    /// Scrubs the event and passes it on.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        var event = event
        if let error = event.error {
            // The error goes on as metadata (as StreamLogHandler prints it), scrubbed.
            merged["error.message"] = .string(Self.redact("\(error)"))
            merged["error.type"] = .string(String(reflecting: type(of: error)))
            event.error = nil
        }
        event.metadata = merged.isEmpty ? nil : Self.redact(merged)
        let message = event.message.description
        let scrubbed = Self.redact(message)
        if scrubbed != message { event.message = "\(scrubbed)" }
        inner.log(event: event)
    }

    // MARK: Metadata

    /// `metadata` with secret-looking keys' values replaced by `***` and every string scrubbed.
    static func redact(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var copy = metadata
        for (key, value) in metadata {
            copy[key] = isSecretKey(key) ? .string(mask) : redact(value)
        }
        return copy
    }

    static func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text):
            let scrubbed = redact(text)
            return scrubbed == text ? value : .string(scrubbed)
        case .stringConvertible(let item):
            let text = item.description
            let scrubbed = redact(text)
            return scrubbed == text ? value : .string(scrubbed)
        case .dictionary(let dictionary):
            return .dictionary(redact(dictionary))
        case .array(let items):
            return .array(items.map { redact($0) })
        }
    }

    /// Whether a metadata key names a secret (`db.password`, `authorization`, `x-api-key`,
    /// `jwt_token`), but not a count of tokens (`gen_ai.usage.input_tokens`).
    static func isSecretKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        if ["password", "passwd", "pwd", "secret", "authorization", "api_key", "apikey", "api-key", "cookie"]
            .contains(where: { lowered.contains($0) })
        {
            return true
        }
        return lowered.replacingOccurrences(of: "tokens", with: "").contains("token")
    }

    static let mask = "***"
}
