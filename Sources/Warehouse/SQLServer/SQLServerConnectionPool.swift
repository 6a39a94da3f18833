import Synchronization

/// Lends SQL Server connections to one job at a time, opening up to `maxConnections`
/// lazily; callers beyond that wait in line (and leave it when cancelled).
final class SQLServerConnectionPool: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<SQLServerConnection, any Error>
    }

    private struct State {
        var idle: [SQLServerConnection] = []
        var leased = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
        var drained: CheckedContinuation<Void, Never>?
        var opened: Int { idle.count + leased }
    }

    private let state = Mutex(State())
    private let endpoint: String
    // Logging in blocks on the network, so the caller supplies an opener that runs on
    // its thread pool.
    private let openConnection: @Sendable () async throws -> SQLServerConnection
    let maxConnections: Int

    init(endpoint: String, maxConnections: Int, open: @escaping @Sendable () async throws -> SQLServerConnection) {
        self.endpoint = endpoint
        self.openConnection = open
        self.maxConnections = max(1, maxConnections)
    }

    private enum Acquisition {
        case ready(SQLServerConnection)
        case open
        case wait
    }

    func acquire() async throws -> SQLServerConnection {
        let decision: Acquisition = try state.withLock { state in
            guard !state.closed else { throw WarehouseError(.closed, "the SQL Server database \(endpoint) is closed") }
            if let connection = state.idle.popLast() {
                state.leased += 1
                return .ready(connection)
            }
            if state.opened < maxConnections {
                state.leased += 1
                return .open
            }
            return .wait
        }
        switch decision {
        case .ready(let connection):
            return connection
        case .open:
            do {
                return try await openConnection()
            } catch {
                releaseSlot(after: error)
                throw error
            }
        case .wait:
            let id = state.withLock { state in
                state.nextWaiterID += 1
                return state.nextWaiterID
            }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let enqueueResult: Result<Void, any Error>? = state.withLock { state in
                        if state.closed { return .failure(WarehouseError(.closed, "the SQL Server database \(endpoint) is closed")) }
                        if Task.isCancelled { return .failure(CancellationError()) }
                        // A connection may have come back between the first look and now.
                        if let connection = state.idle.popLast() {
                            state.leased += 1
                            continuation.resume(returning: connection)
                            return nil
                        }
                        state.waiters.append(Waiter(id: id, continuation: continuation))
                        return nil
                    }
                    if case .failure(let error) = enqueueResult { continuation.resume(throwing: error) }
                }
            } onCancel: {
                let waiter: Waiter? = state.withLock { state in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index)
                }
                waiter?.continuation.resume(throwing: CancellationError())
            }
        }
    }

    /// Gives back the slot of a connection that failed to open. Waiters are only woken by
    /// a returning connection, so when none is leased they would wait forever: they get
    /// the same error instead.
    private func releaseSlot(after error: any Error) {
        let (waiters, drained) = state.withLock { state -> ([Waiter], CheckedContinuation<Void, Never>?) in
            state.leased -= 1
            guard state.leased == 0 else { return ([], nil) }
            defer { state.waiters = [] }
            return (state.waiters, state.drained.take())
        }
        for waiter in waiters { waiter.continuation.resume(throwing: error) }
        drained?.resume()
    }

    func release(_ connection: SQLServerConnection) {
        // A connection the network or server killed cannot serve anyone; its slot is
        // freed so that the next caller opens a fresh one.
        if connection.isDead {
            connection.disconnect()
            releaseSlot(after: WarehouseError(.connectionFailed, "the connection to SQL Server at \(endpoint) was lost"))
            return
        }
        enum Next {
            case handOver(CheckedContinuation<SQLServerConnection, any Error>)
            case discard(CheckedContinuation<Void, Never>?)
            case keep
        }
        let next: Next = state.withLock { state in
            if state.closed {
                state.leased -= 1
                return .discard(state.leased == 0 ? state.drained.take() : nil)
            }
            if !state.waiters.isEmpty {
                return .handOver(state.waiters.removeFirst().continuation)
            }
            state.leased -= 1
            state.idle.append(connection)
            return .keep
        }
        switch next {
        case .handOver(let continuation): continuation.resume(returning: connection)
        case .discard(let drained):
            connection.disconnect()
            drained?.resume()
        case .keep: break
        }
    }

    /// Refuses new leases, fails waiters, waits for leased connections to come back,
    /// then disconnects them all.
    func close() async {
        let (idle, waiters, mustWait): ([SQLServerConnection], [Waiter], Bool) = state.withLock { state in
            guard !state.closed else { return ([], [], false) }
            state.closed = true
            defer { state.idle = []; state.waiters = [] }
            return (state.idle, state.waiters, state.leased > 0)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: WarehouseError(.closed, "the SQL Server database \(endpoint) is closed"))
        }
        for connection in idle { connection.disconnect() }
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
    }
}
