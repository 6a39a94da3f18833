import Foundation
public import Logging

/// Records usage events off the request path.
///
/// ``record(_:)`` appends to a bounded in-memory queue under a lock and returns; it never
/// waits for the database, never throws, and when the queue is full it counts a drop
/// (``droppedCount``) instead of blocking. ``run()`` is the background writer: it wakes
/// every `flushInterval` (or at once while a full batch is waiting) and writes what is
/// queued in batches of `batchSize` through ``UsageStore/write(_:pricing:)``. It also
/// applies the store's retention once a day. ``shutdown()`` (call it on SIGTERM, after
/// the server stopped taking requests) stops the writer, writes everything still queued
/// and closes the store: nothing recorded before it is lost on a clean shutdown.
/// A batch whose write fails is retried once, then counted in ``failedCount`` and logged.
public final class UsageTracker: Sendable {
    fileprivate struct State {
        var buffer = EventQueue()
        var recorded = 0
        var dropped = 0
        var written = 0
        var failed = 0
        var closed = false
        var running = false
        /// Writes and purges in progress outside shutdown().
        var storeWork = 0
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = LockedState()
    /// Where events are written; the read side (``UsageReport``) reads the same store.
    public let store: UsageStore
    /// The prices events are costed with (also for metrics that show cost as it happens).
    public let pricing: PricingTable
    private let capacity: Int
    private let batchSize: Int
    private let flushInterval: Duration
    private let logger: Logger

    /// A tracker writing to `store` with `pricing`. `capacity` bounds the queue; `batchSize`
    /// bounds one write; the writer wakes every `flushInterval`.
    public init(
        store: UsageStore, pricing: PricingTable, capacity: Int = 65_536, batchSize: Int = 1_000,
        flushInterval: Duration = .milliseconds(100), logger: Logger
    ) {
        self.store = store
        self.pricing = pricing
        self.capacity = max(1, capacity)
        self.batchSize = max(1, batchSize)
        self.flushInterval = flushInterval
        self.logger = logger
    }

    /// Queues an event: O(1), never blocks, never throws. When the queue is full, or the
    /// tracker has shut down, the event is counted in ``droppedCount`` instead.
    public func record(_ event: UsageEvent) {
        state.withLock { state in
            if state.closed || state.buffer.count >= capacity {
                state.dropped += 1
            } else {
                state.buffer.append(event, chunkSize: batchSize)
                state.recorded += 1
            }
        }
    }

    /// Events accepted by ``record(_:)``.
    public var recordedCount: Int { state.withLock { $0.recorded } }
    /// Events refused because the queue was full (back-pressure) or the tracker was closed.
    public var droppedCount: Int { state.withLock { $0.dropped } }
    /// Events written to the store.
    public var writtenCount: Int { state.withLock { $0.written } }
    /// Events whose write failed (logged at error level).
    public var failedCount: Int { state.withLock { $0.failed } }
    /// Events waiting to be written.
    public var queuedCount: Int { state.withLock { $0.buffer.count } }

    /// The background writer loop. It returns at its next wake-up after ``shutdown()``
    /// (within `flushInterval`) or at once when its task is cancelled; ``shutdown()``
    /// itself writes whatever is still queued and waits for a write in progress here.
    public func run() async {
        let alreadyRunning = state.withLock { state in
            defer { state.running = true }
            return state.running
        }
        guard !alreadyRunning else {
            logger.warning("UsageTracker.run() called twice; the second call returns at once")
            return
        }
        defer { state.withLock { $0.running = false } }
        let clock = ContinuousClock()
        var nextPurge = clock.now
        while !Task.isCancelled {
            // Taking a batch and announcing the write happen under one lock, so that
            // shutdown() never closes the store under a write it did not see.
            let (batch, stop) = state.withLock { state -> ([UsageEvent], Bool) in
                guard !state.closed else { return ([], true) }
                let batch = state.buffer.takeFirstChunk()
                if !batch.isEmpty { state.storeWork += 1 }
                return (batch, false)
            }
            if stop { break }
            if !batch.isEmpty {
                await writeRetrying(batch)
                endStoreWork()
            }
            if clock.now >= nextPurge, beginStoreWork() {
                nextPurge = clock.now.advanced(by: .seconds(86_400))
                do {
                    let deleted = try await store.purge(olderThan: store.retentionDays, now: Date())
                    if deleted > 0 { logger.info("purged old usage events", metadata: ["usage.deleted": "\(deleted)"]) }
                } catch {
                    logger.error("usage retention purge failed", metadata: ["error": "\(error)"])
                }
                endStoreWork()
            }
            if batch.count < batchSize {
                do { try await Task.sleep(for: flushInterval) } catch { break }
            }
        }
    }

    /// Writes everything queued now, in batches; throws the first write error (those
    /// events are counted in ``failedCount``). Does nothing after ``shutdown()``.
    public func flush() async throws {
        let pending = state.withLock { state -> [[UsageEvent]] in
            guard !state.closed else { return [] }
            let pending = state.buffer.takeAll()
            if !pending.isEmpty { state.storeWork += 1 }
            return pending
        }
        guard !pending.isEmpty else { return }
        defer { endStoreWork() }
        try await write(pending.flatMap { $0 })
    }

    /// Stops accepting events, writes everything still queued, waits for a write in
    /// progress, then closes the store. Events recorded afterwards are counted as dropped.
    /// Safe to call more than once.
    public func shutdown() async {
        let (pending, wasClosed) = state.withLock { state in
            defer { state.closed = true }
            return (state.buffer.takeAll(), state.closed)
        }
        guard !wasClosed else { return }
        do {
            try await write(pending.flatMap { $0 })
        } catch {
            logger.error("usage events lost at shutdown", metadata: ["error": "\(error)"])
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state in
                guard state.storeWork > 0 else { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
        do {
            try await store.close()
        } catch {
            logger.error("closing the usage store failed", metadata: ["error": "\(error)"])
        }
        logger.debug(
            "usage tracker shut down",
            metadata: ["usage.recorded": "\(recordedCount)", "usage.written": "\(writtenCount)", "usage.dropped": "\(droppedCount)"])
    }

    private func beginStoreWork() -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.storeWork += 1
            return true
        }
    }

    private func endStoreWork() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.storeWork -= 1
            guard state.storeWork == 0 else { return [] }
            defer { state.idleWaiters = [] }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// TrackedQuery: times `body`, records `event` with its total latency and outcome
    /// (as `body` left it, `.answered` by default), or, when `body` throws, with outcome
    /// `.error` and the error's type name as `errorClass`, then rethrows. `body` may fill
    /// in the event (timings, rows, LLM usage, a clarification outcome); a body that marks
    /// the event `.rejected` before throwing (bad input, the client's fault) keeps that
    /// outcome.
    public func track<T: Sendable>(_ event: UsageEvent, _ body: (inout UsageEvent) async throws -> T) async rethrows -> T {
        var event = event
        let start = ContinuousClock.now
        do {
            let result = try await body(&event)
            event.totalMs = (ContinuousClock.now - start).milliseconds
            record(event)
            return result
        } catch {
            event.totalMs = (ContinuousClock.now - start).milliseconds
            if event.outcome != .rejected { event.outcome = .error }
            event.errorClass = event.errorClass ?? String(describing: type(of: error))
            record(event)
            throw error
        }
    }

    // MARK: - Internals

    private func write(_ events: [UsageEvent]) async throws {
        var start = 0
        while start < events.count {
            let end = min(start + batchSize, events.count)
            let batch = Array(events[start..<end])
            do {
                try await store.write(batch, pricing: pricing)
                state.withLock { $0.written += batch.count }
            } catch {
                let lost = events.count - start
                state.withLock { $0.failed += lost }
                throw error
            }
            start = end
        }
    }

    /// A failed batch is retried once after a short pause, then counted as failed.
    private func writeRetrying(_ batch: [UsageEvent]) async {
        do {
            try await store.write(batch, pricing: pricing)
            state.withLock { $0.written += batch.count }
            return
        } catch {
            logger.warning("usage write failed; retrying once", metadata: ["error": "\(error)", "usage.batch": "\(batch.count)"])
        }
        try? await Task.sleep(for: .milliseconds(200))
        do {
            try await store.write(batch, pricing: pricing)
            state.withLock { $0.written += batch.count }
        } catch {
            state.withLock { $0.failed += batch.count }
            logger.error("usage events lost: write failed twice", metadata: ["error": "\(error)", "usage.lost": "\(batch.count)"])
        }
    }
}

/// The queue as chunks of at most one batch each: an append never copies more than one
/// chunk's worth (a chunk is allocated at full size when started), and the writer takes
/// whole chunks, so the lock is held only for O(1) work on the request path.
struct EventQueue {
    private var chunks: [[UsageEvent]] = []
    private(set) var count = 0

    mutating func append(_ event: UsageEvent, chunkSize: Int) {
        if chunks.isEmpty || chunks[chunks.count - 1].count >= chunkSize {
            var chunk: [UsageEvent] = []
            chunk.reserveCapacity(chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(event)
        count += 1
    }

    mutating func takeFirstChunk() -> [UsageEvent] {
        guard !chunks.isEmpty else { return [] }
        let first = chunks.removeFirst()
        count -= first.count
        return first
    }

    mutating func takeAll() -> [[UsageEvent]] {
        defer {
            chunks = []
            count = 0
        }
        return chunks
    }
}

/// The tracker's state behind a lock. `NSLock` (a pthread mutex, which ThreadSanitizer
/// understands) rather than `Synchronization.Mutex`: with `Mutex`, `--sanitize=thread`
/// reported contended `record()` calls as races between two accesses that were both inside
/// `withLock` (the Linux `Mutex` waits in a futex, a hand-over the sanitizer apparently
/// does not see).
///
/// `@unchecked Sendable`: `state` is read and written only inside `withLock`, under `lock`.
private final class LockedState: @unchecked Sendable {
    private let lock = NSLock()
    private var state = UsageTracker.State()

    func withLock<Result>(_ body: (inout UsageTracker.State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}
