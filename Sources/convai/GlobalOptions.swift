import ArgumentParser
import Foundation
import Synchronization
import Logging
import Server
import Warehouse

/// Options every command shares: which configuration file, how much to log.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file (also CONVAI_CONFIG).")
    var config: String = ProcessInfo.processInfo.environment["CONVAI_CONFIG"] ?? "config/convai.yaml"

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical (also LOG_LEVEL).")
    var logLevel: String = ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// Bootstraps logging once for this process: structured key=value lines on stderr, with
    /// secrets scrubbed (``RedactingLogHandler``).
    func makeLogger(label: String = "convai") -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingBootstrap.once(level: level)
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }

    func loadConfiguration() throws -> ConvAIConfiguration {
        do {
            return try ConvAIConfiguration.load(path: config)
        } catch let error as WarehouseError where !FileManager.default.fileExists(atPath: config) {
            throw WarehouseError(
                error.code, "\(error.message) (run convai from the project root, or pass --config PATH)")
        }
    }
}

enum LoggingBootstrap {
    private static let done = Mutex(false)

    static func once(level: Logger.Level) {
        done.withLock { done in
            guard !done else { return }
            // Redacting: passwords in URLs, tokens and API keys never reach stderr.
            LoggingSystem.bootstrap { label in
                var handler = RedactingLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            done = true
        }
    }
}
