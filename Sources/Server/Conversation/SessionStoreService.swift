import Conversation
import Logging
import ServiceLifecycle

/// Runs beside the HTTP server when the application opened the session store itself:
/// removes expired sessions every few minutes and closes the store on shutdown (SQLite
/// connections must be closed before they are released).
struct SessionStoreService: Service {
    let store: SessionStore
    let logger: Logger
    var purgeInterval: Duration = .seconds(600)

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                do {
                    try await store.purgeExpired()
                } catch {
                    logger.warning("expired sessions not removed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: purgeInterval)
            }
        }
        try await store.close()
    }
}
