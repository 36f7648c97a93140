// docs/directives.md covers every directive the compiler knows.

import Foundation
@testable import SWHostConfig
import Testing

@Suite struct DirectiveDocsTests {
    static let docs: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/directives.md"), encoding: .utf8)) ?? ""
    }()

    @Test func everyDirectiveHasARow() {
        #expect(!Self.docs.isEmpty)
        let missing = DirectiveTable.all.keys.sorted().filter { name in
            !Self.docs.contains("`\(name) ") && !Self.docs.contains("`\(name);") && !Self.docs.contains("`\(name)`")
        }
        #expect(missing.isEmpty, "not in docs/directives.md: \(missing)")
    }

    @Test func theCountInTheIntroductionIsTheTables() {
        #expect(Self.docs.contains("\(DirectiveTable.all.count) entries"))
    }
}
