import CFreeTDS
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One server message or db-lib error, as the installed handlers saw it.
struct FreeTDSMessage: Sendable, Hashable {
    /// The server's error number (208, 18456…) or db-lib's (20009…).
    var number: Int
    var severity: Int
    var state: Int
    var text: String
    /// True for db-lib's own errors (network, timeouts), false for the server's messages.
    var fromLibrary: Bool
    /// The operating system's explanation of a network error ("Connection refused").
    var osText: String?

    /// Severity 10 and below are informational ("Changed database context to…").
    var isError: Bool { fromLibrary || severity > 10 }
}

/// Process-wide db-lib state: `dbinit`, the error and message handlers, and the
/// generated freetds.conf through which each server gets its own TLS setting.
///
/// db-lib reports errors through process-global callbacks, not return values. Every
/// db-lib call ConvAI makes runs synchronously on one thread-pool thread, and the
/// callbacks fire on the calling thread, so the handlers file each message under the
/// calling thread; ``collecting(_:)`` reads them back. This also catches messages sent
/// during login, before any DBPROCESS exists to hang them on.
enum FreeTDSLibrary {
    private static let sinks = Mutex<[UInt: [FreeTDSMessage]]>([:])

    private static var threadKey: UInt {
        #if os(Linux)
        UInt(pthread_self())
        #else
        UInt(bitPattern: pthread_self())
        #endif
    }

    fileprivate static func record(_ message: FreeTDSMessage) {
        let key = threadKey
        sinks.withLock { sinks in
            // Only threads inside collecting() keep messages; others (none expected) drop them.
            if sinks[key] != nil { sinks[key]!.append(message) }
        }
    }

    /// Runs `body`, returning its result (or error) together with every message db-lib
    /// reported on this thread meanwhile.
    static func collecting<T>(_ body: () throws -> T) -> (Result<T, any Error>, [FreeTDSMessage]) {
        let key = threadKey
        sinks.withLock { $0[key] = [] }
        let result = Result { try body() }
        let messages = sinks.withLock { $0.removeValue(forKey: key) } ?? []
        return (result, messages)
    }

    /// Initialises db-lib once and installs the handlers. Before this, a db-lib error
    /// would reach the default handler, which ends the process.
    static let initialized: Bool = {
        guard dbinit() == SUCCEED else { return false }
        _ = dberrhandle { _, severity, dberr, oserr, dberrstr, oserrstr in
            let osText = oserr != DBNOERR && oserr != 0 ? oserrstr.map { String(cString: $0) } : nil
            FreeTDSLibrary.record(
                FreeTDSMessage(
                    number: Int(dberr), severity: Int(severity), state: 0,
                    text: dberrstr.map { String(cString: $0) } ?? "db-lib error \(dberr)", fromLibrary: true,
                    osText: osText))
            // Cancel the operation and return FAIL to the caller; INT_EXIT would end the
            // whole server, INT_TIMEOUT would keep a stuck query waiting.
            return INT_CANCEL
        }
        _ = dbmsghandle { _, msgno, msgstate, severity, msgtext, _, _, _ in
            FreeTDSLibrary.record(
                FreeTDSMessage(
                    number: Int(msgno), severity: Int(severity), state: Int(msgstate),
                    text: msgtext.map { String(cString: $0) } ?? "", fromLibrary: false, osText: nil))
            return 0
        }
        return true
    }()

    /// The linked FreeTDS version, e.g. `freetds v1.3.17`.
    static var version: String {
        _ = initialized
        return dbversion().map { String(cString: $0) } ?? "unknown"
    }

    // MARK: Per-server settings

    private struct ConfigState {
        var path: String?
        var baseText = ""
        var sections: [String: String] = [:]  // section body → section name
    }

    private static let config = Mutex(ConfigState())

    /// The freetds.conf section name to pass to `dbopen` for these settings.
    ///
    /// db-lib 1.3 has no per-login TLS switch (`DBSETENCRYPT` is unimplemented), so each
    /// distinct host/port/encryption/timeout gets a section in a private freetds.conf that
    /// FreeTDS re-reads at every `dbopen`. `FREETDSCONF` is pointed at it once, before the
    /// first connection; an operator's own file named there is copied in first, so its
    /// settings still apply.
    static func serverName(for configuration: SQLServerConfiguration) throws -> String {
        var body = "\thost = \(configuration.host)\n\tport = \(configuration.port)\n\ttds version = 7.4\n"
        body += "\tencryption = \(configuration.encryption.rawValue)\n"
        body += "\tconnect timeout = \(configuration.loginTimeoutSeconds)\n"
        // The host lands in a config file: a newline or bracket could forge other settings.
        if configuration.host.contains(where: { $0.isNewline || "[];#=".contains($0) }) {
            throw WarehouseError(
                .invalidConfiguration, "SQL Server host '\(configuration.host)' contains characters a host name cannot have")
        }
        return try config.withLock { state in
            if let name = state.sections[body] { return name }
            if state.path == nil {
                if let existing = ProcessInfo.processInfo.environment["FREETDSCONF"],
                    let text = try? String(contentsOfFile: existing, encoding: .utf8)
                {
                    state.baseText = text + "\n"
                }
                state.path = FileManager.default.temporaryDirectory
                    .appendingPathComponent("convai-freetds-\(getpid()).conf").path
                // The file holds no secrets, but one per process would pile up in /tmp.
                atexit {
                    if let path = FreeTDSLibrary.config.withLock({ $0.path }) { unlink(path) }
                }
            }
            let name = "convai-\(state.sections.count + 1)"
            state.sections[body] = name
            var text = state.baseText
            for (sectionBody, sectionName) in state.sections.sorted(by: { $0.value < $1.value }) {
                text += "[\(sectionName)]\n\(sectionBody)\n"
            }
            // Written beside and renamed over, so a dbopen on another thread never reads
            // half a file.
            guard let path = state.path else { throw WarehouseError(.connectionFailed, "no FreeTDS configuration path") }
            let temporary = path + ".tmp"
            do {
                try text.write(toFile: temporary, atomically: false, encoding: .utf8)
                guard rename(temporary, path) == 0 else {
                    throw WarehouseError(.connectionFailed, "could not write the FreeTDS configuration \(path)")
                }
            } catch let error as WarehouseError {
                throw error
            } catch {
                throw WarehouseError(.connectionFailed, "could not write the FreeTDS configuration \(path): \(error)")
            }
            if ProcessInfo.processInfo.environment["FREETDSCONF"] != path { setenv("FREETDSCONF", path, 1) }
            return name
        }
    }
}
