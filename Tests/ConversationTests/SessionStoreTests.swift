import Conversation
import Foundation
import Testing
import Warehouse

@Suite("Session store")
struct SessionStoreTests {
    private func scratchPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sessions-\(UUID().uuidString)/sessions.sqlite").path
    }

    private func session() -> ConversationSession {
        var session = ConversationSession(tenant: "itc", user: "u1")
        var intent = QueryIntent()
        intent.measures = ["Transactions.netSales"]
        intent.period = .init(from: SQLDate(iso: "2025-05-01")!, to: SQLDate(iso: "2025-05-31")!, description: "May", unit: "month")
        session.lastIntent = intent
        session.record(.init(question: "net sales last month", status: "answered", understood: "Net Sales", at: Date()))
        return session
    }

    @Test func sessionsSurviveReopeningTheStore() async throws {
        let path = scratchPath()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let original = session()
        let store = try await SessionStore(path: path)
        try await store.save(original)
        try await store.close()

        let reopened = try await SessionStore(path: path)
        let loaded = try await reopened.session(id: original.id, tenant: "itc", user: "u1")
        #expect(loaded?.lastIntent == original.lastIntent)
        #expect(loaded?.turns.map(\.question) == ["net sales last month"])
        try await reopened.close()
    }

    @Test func sessionsBelongToTheirTenantAndUser() async throws {
        let store = try await SessionStore(path: nil)
        let original = session()
        try await store.save(original)
        #expect(try await store.session(id: original.id, tenant: "itc", user: "u2") == nil)
        #expect(try await store.session(id: original.id, tenant: "nestle", user: "u1") == nil)
        var hijack = original
        hijack.user = "u2"
        hijack.lastIntent = nil
        await #expect(throws: SessionError.self) { try await store.save(hijack) }
        // The refused write changed nothing.
        #expect(try await store.session(id: original.id, tenant: "itc", user: "u1")?.lastIntent == original.lastIntent)
        try await store.close()
    }

    @Test func sessionsExpire() async throws {
        let store = try await SessionStore(path: nil, timeToLive: 60)
        let original = session()
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        try await store.save(original, now: start)
        #expect(try await store.session(id: original.id, tenant: "itc", user: "u1", now: start.addingTimeInterval(59)) != nil)
        #expect(try await store.session(id: original.id, tenant: "itc", user: "u1", now: start.addingTimeInterval(61)) == nil)
        #expect(try await store.purgeExpired(now: start.addingTimeInterval(61)) == 1)
        try await store.close()
    }
}
