import Conversation
import Testing

@Suite("Conversation module")
struct ConversationModuleTests {
    @Test("the module links")
    func links() {
        #expect(String(describing: Conversation.self) == "Conversation")
    }
}
