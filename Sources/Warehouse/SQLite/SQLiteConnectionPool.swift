import SQLiteNIO
import Synchronization

/// Lends SQLite connections to one job at a time, opening up to `maxConnections`
/// lazily; callers beyond that wait in line (and leave it when cancelled).
///
/// SQLiteNIO opens connections asynchronously, so a caller that is granted a free slot
/// opens its own connection; when that fails, the slot passes to the next waiter.
final class SQLiteConnectionPool: Sendable {
    private enum Grant {
        case connection(SQLiteConnection)
        case slot
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Grant, any Error>
    }

    private struct State {
        var idle: [SQLiteConnection] = []
        var opened = 0
        var leased = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
        var drained: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    private let maxConnections: Int
    private let open: @Sendable () async throws -> SQLiteConnection
    private let name: String

    /// `name` says which database in "closed" errors; `open` opens and sets up one connection.
    init(name: String, maxConnections: Int, open: @escaping @Sendable () async throws -> SQLiteConnection) {
        self.name = name
        self.maxConnections = max(1, maxConnections)
        self.open = open
    }

    private var closedError: WarehouseError { WarehouseError(.closed, "the SQLite database \(name) is closed") }

    /// Runs `body` with a leased connection, giving it back afterwards.
    func withConnection<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        do {
            let result = try await body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    private func acquire() async throws -> SQLiteConnection {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let grant: Grant = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let now: Result<Grant, any Error>? = state.withLock { state in
                    if state.closed { return .failure(closedError) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let connection = state.idle.popLast() {
                        state.leased += 1
                        return .success(.connection(connection))
                    }
                    if state.opened < maxConnections {
                        state.opened += 1
                        state.leased += 1
                        return .success(.slot)
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
        switch grant {
        case .connection(let connection):
            return connection
        case .slot:
            do {
                return try await open()
            } catch {
                giveUpSlot()
                throw error
            }
        }
    }

    /// A connection failed to open: its slot goes to the next waiter, who tries again.
    private func giveUpSlot() {
        enum Next {
            case wake(Waiter)
            case drained(CheckedContinuation<Void, Never>?)
        }
        let next: Next = state.withLock { state in
            if !state.closed, !state.waiters.isEmpty { return .wake(state.waiters.removeFirst()) }
            state.opened -= 1
            state.leased -= 1
            return .drained(state.leased == 0 ? state.drained.take() : nil)
        }
        switch next {
        case .wake(let waiter): waiter.continuation.resume(returning: .slot)
        case .drained(let drained): drained?.resume()
        }
    }

    private func release(_ connection: SQLiteConnection) {
        enum Next {
            case handOver(Waiter)
            case drained(CheckedContinuation<Void, Never>?)
        }
        let next: Next = state.withLock { state in
            if !state.closed, !state.waiters.isEmpty { return .handOver(state.waiters.removeFirst()) }
            state.leased -= 1
            state.idle.append(connection)
            return .drained(state.closed && state.leased == 0 ? state.drained.take() : nil)
        }
        switch next {
        case .handOver(let waiter): waiter.continuation.resume(returning: .connection(connection))
        case .drained(let drained): drained?.resume()
        }
    }

    /// Refuses new leases, fails waiters, waits for leased connections to come back,
    /// then closes them all.
    func close() async {
        let (waiters, mustWait): ([Waiter], Bool) = state.withLock { state in
            guard !state.closed else { return ([], false) }
            state.closed = true
            defer { state.waiters = [] }
            return (state.waiters, state.leased > 0)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: closedError) }
        if mustWait {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.leased == 0 { return true }
                    state.drained = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
        let idle = state.withLock { state in
            defer { state.idle = [] }
            return state.idle
        }
        for connection in idle { try? await connection.close() }
    }
}
