public import Foundation
import Synchronization

/// What a program printed and how it ended.
public struct ProcessOutput: Sendable {
    /// The exit status.
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

/// Runs a program to its end without holding one of Swift concurrency's threads: the
/// process is started, fed and read on threads of its own. Tests run concurrently on a
/// pool as wide as the machine (two threads here); a test that blocked one for the seconds
/// Chromium, dbt or Python take starved every other test's servers into timeouts.
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    currentDirectory: URL? = nil, input: Data? = nil
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
            let standardInput = Pipe()
            process.standardOutput = output
            process.standardError = error
            process.standardInput = input == nil ? FileHandle.nullDevice : standardInput
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
                return
            }
            if let input {
                standardInput.fileHandleForWriting.write(input)
                try? standardInput.fileHandleForWriting.close()
            }
            // Both pipes are drained at once: a program that fills one while the other is read
            // to its end would wait forever.
            let errorData = Mutex(Data())
            let errorDone = DispatchSemaphore(value: 0)
            let errorReader = Thread {
                let data = error.fileHandleForReading.readDataToEndOfFile()
                errorData.withLock { $0 = data }
                errorDone.signal()
            }
            errorReader.start()
            let outputData = output.fileHandleForReading.readDataToEndOfFile()
            errorDone.wait()
            process.waitUntilExit()
            continuation.resume(
                returning: ProcessOutput(status: process.terminationStatus, output: outputData, error: errorData.withLock { $0 }))
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
