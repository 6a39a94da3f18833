public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a program printed and how it ended.
public struct ProcessOutput: Sendable {
    /// The exit status (the signal's number when a signal ended it).
    public var status: Int32
    /// Standard output.
    public var output: Data
    /// Standard error.
    public var error: Data

    /// Standard output as text.
    public var text: String { String(decoding: output, as: UTF8.self) }
    /// Standard error as text.
    public var errorText: String { String(decoding: error, as: UTF8.self) }
}

/// A program ran past the time it was given and was killed.
public struct ProcessTimeoutError: Error, Sendable, CustomStringConvertible {
    /// The program and its arguments.
    public var command: [String]
    /// The time it was given.
    public var timeout: Duration
    /// What it printed before it was killed.
    public var partialOutput: ProcessOutput

    /// The command, the limit and the end of what it wrote to standard error.
    public var description: String {
        let errorTail = String(partialOutput.errorText.suffix(2_000))
        return "\(command.joined(separator: " ")) did not finish within \(timeout) and was killed"
            + (errorTail.isEmpty ? "" : "; its standard error ended with:\n\(errorTail)")
    }
}

/// Runs a program to its end without holding one of Swift concurrency's threads: the
/// process is started, fed and read on threads of its own. Tests run concurrently on a
/// pool as wide as the machine (two threads here); a test that blocked one for the seconds
/// Chromium, dbt or Python take starved every other test's servers into timeouts.
///
/// - Parameters:
///   - environment: the program's whole environment; this process's when nil.
///   - currentDirectory: where it runs; this process's directory when nil.
///   - input: its standard input, which is empty when nil. Written while its output is
///     read, so however much goes each way neither side waits for the other forever; a
///     program that exits without reading it all is not an error.
///   - timeout: how long it may run; then it is killed (SIGKILL) and ``ProcessTimeoutError``
///     is thrown with what it printed so far. No limit when nil.
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    currentDirectory: URL? = nil, input: Data? = nil, timeout: Duration? = nil
) async throws -> ProcessOutput {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProcessOutput, any Error>) in
        let thread = Thread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            if let environment { process.environment = environment }
            if let currentDirectory { process.currentDirectoryURL = currentDirectory }
            let output = Pipe()
            let error = Pipe()
            let standardInput = input.map { _ in Pipe() }
            process.standardOutput = output
            process.standardError = error
            process.standardInput = standardInput ?? FileHandle.nullDevice
            // Foundation (Linux) notices the end only once every process holding its watch socket,
            // children of the program included, has gone: waitUntilExit would wait for those too.
            let ended = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in ended.signal() }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
                return
            }
            // Both pipes are drained from the start, each on its own thread, before any input
            // is written: a program that answers while it reads fills a pipe and waits for us,
            // and one that fills stderr while stdout is read to its end waits forever.
            let outputReader = PipeReader(output.fileHandleForReading)
            let errorReader = PipeReader(error.fileHandleForReading)
            if let input, let standardInput {
                Thread { writeAll(input, to: standardInput.fileHandleForWriting) }.start()
            }
            let deadline = timeout.map { DispatchTime.now() + $0.seconds } ?? .distantFuture
            if ended.wait(timeout: deadline) == .success, outputReader.wait(until: deadline), errorReader.wait(until: deadline) {
                continuation.resume(
                    returning: ProcessOutput(status: process.terminationStatus, output: outputReader.data, error: errorReader.data))
                return
            }
            killProcessTree(process.processIdentifier)
            // Read on briefly for the last of the output, then report what came: a child the
            // program started elsewhere may hold the pipes open for long.
            let grace = DispatchTime.now() + 2
            let status = ended.wait(timeout: grace) == .success ? process.terminationStatus : SIGKILL
            _ = outputReader.wait(until: grace)
            _ = errorReader.wait(until: grace)
            continuation.resume(
                throwing: ProcessTimeoutError(
                    command: [executable] + arguments, timeout: timeout ?? .zero,
                    partialOutput: ProcessOutput(status: status, output: outputReader.data, error: errorReader.data)))
        }
        thread.start()
    }
}

/// Runs blocking work (a program whose output goes to files, a browser) on a thread of its
/// own and waits for it without holding one of Swift concurrency's threads.
public func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeReader: Sendable {
    private let buffer = Mutex(Data())
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.withLock { $0.append(chunk) }
            }
            done.signal()
        }
        .start()
    }

    /// Whether the pipe ended by `deadline`.
    func wait(until deadline: DispatchTime) -> Bool {
        guard done.wait(timeout: deadline) == .success else { return false }
        done.signal()
        return true
    }

    /// What has arrived so far.
    var data: Data { buffer.withLock { $0 } }
}

/// Kills the program and, when it leads a process group of its own, the whole group (the
/// children it started would otherwise keep running, and keep its pipes open).
private func killProcessTree(_ pid: Int32) {
    if getpgid(pid) == pid { kill(-pid, SIGKILL) }
    kill(pid, SIGKILL)
}

/// Writes `data` and closes the handle. SIGPIPE is blocked on this thread only, so a
/// program that exits before reading everything makes the write fail instead of killing the
/// test process; the signal left pending is taken before the thread ends.
private func writeAll(_ data: Data, to handle: FileHandle) {
    var pipeSignal = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
    try? handle.write(contentsOf: data)
    try? handle.close()
    #if canImport(Glibc)
    var noWait = timespec(tv_sec: 0, tv_nsec: 0)
    _ = sigtimedwait(&pipeSignal, nil, &noWait)
    #endif
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
