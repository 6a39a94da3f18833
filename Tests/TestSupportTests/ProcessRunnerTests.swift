import Foundation
import TestSupport
import Testing

/// `runProcess`, which the test targets run programs with: its options, and the cases that
/// hang or kill a naive runner.
@Suite("runProcess")
struct ProcessRunnerTests {
    @Test("output, error and status come back apart")
    func outputErrorAndStatus() async throws {
        let run = try await runProcess("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(run.status == 3)
        #expect(run.text == "out\n")
        #expect(run.errorText == "err\n")
    }

    @Test("the working directory and the environment are the ones given")
    func directoryAndEnvironment() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("run-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try await runProcess(
            "/bin/sh", ["-c", "pwd -P; echo \"$GREETING\"; echo \"${HOME-unset}\""], environment: ["GREETING": "namaste"],
            currentDirectory: folder)
        #expect(run.text == "\(folder.resolvingSymlinksInPath().path)\nnamaste\nunset\n", "\(run.errorText)")
    }

    @Test("without input the program reads an empty standard input")
    func noInputIsEmpty() async throws {
        let run = try await runProcess("/bin/cat", [])
        #expect(run.status == 0)
        #expect(run.output.isEmpty)
    }

    @Test("a large input comes back whole while large output and error are read", .timeLimit(.minutes(1)))
    func largeInputDoesNotDeadlock() async throws {
        // Far above a pipe's 64 KiB: writing it all before reading would fill the output pipe
        // while the program waits for us to read it.
        let input = Data((0..<8_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let run = try await runProcess("/bin/sh", ["-c", "tee /dev/stderr"], input: input, timeout: .seconds(50))
        #expect(run.status == 0, "\(run.errorText.prefix(200))")
        #expect(run.output == input)
        #expect(run.error == input)
    }

    @Test("a program that exits without reading its input is not an error", .timeLimit(.minutes(1)))
    func unreadInput() async throws {
        let run = try await runProcess(
            "/bin/sh", ["-c", "echo done"], input: Data(count: 4_000_000), timeout: .seconds(50))
        #expect(run.status == 0)
        #expect(run.text == "done\n")
    }

    @Test("a program past its timeout is killed, with a clear error and what it printed", .timeLimit(.minutes(1)))
    func timeoutKills() async throws {
        let timeout = try await Self.timedOut("echo started; echo working >&2; exec sleep 60")
        #expect(timeout.partialOutput.text == "started\n")
        #expect(timeout.partialOutput.status == SIGKILL)
        #expect(timeout.description.hasPrefix("/bin/sh -c echo started"))
        #expect(timeout.description.contains("did not finish within 0.5 seconds and was killed"))
        #expect(timeout.description.hasSuffix("working\n"))
    }

    @Test("a timeout kills the program's children too, and does not wait for them", .timeLimit(.minutes(1)))
    func timeoutWithLingeringChild() async throws {
        let printed = try await Self.timedOut("sleep 30 & echo $!; sleep 60").partialOutput.text
        let child = try #require(Int32(printed.trimmingCharacters(in: .whitespacesAndNewlines)), "\(printed)")
        #expect(!Self.isAlive(child), "the background sleep \(child) outlived the timeout")
    }

    /// The error of a shell `script` given half a second, which must come well before the
    /// script's own end.
    static func timedOut(_ script: String) async throws -> ProcessTimeoutError {
        let started = ContinuousClock.now
        let error = await #expect(throws: ProcessTimeoutError.self) {
            _ = try await runProcess("/bin/sh", ["-c", script], timeout: .milliseconds(500))
        }
        #expect(ContinuousClock.now - started < .seconds(20))
        return try #require(error)
    }

    /// Whether `pid` runs: neither gone nor a zombie waiting for its new parent to reap it.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // `pid (comm) state …`; the name may hold spaces, the state follows its ')'.
        return stat.split(separator: ")").last?.split(separator: " ").first != "Z"
    }

    @Test("a program that ends in time is not affected by its timeout")
    func endsInTime() async throws {
        let run = try await runProcess("/bin/sh", ["-c", "echo quick"], timeout: .seconds(30))
        #expect(run.text == "quick\n")
        #expect(run.status == 0)
    }
}
