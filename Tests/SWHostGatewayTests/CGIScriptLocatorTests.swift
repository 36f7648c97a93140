import Foundation
import SWHostGateway
import Testing

@Suite struct CGIScriptLocatorTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "swhost-locate-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/cgi-bin/sub", withIntermediateDirectories: true)
        _ = fm.createFile(atPath: root + "/cgi-bin/run.sh", contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        _ = fm.createFile(atPath: root + "/cgi-bin/plain.txt", contents: Data(), attributes: [.posixPermissions: 0o644])
        _ = fm.createFile(atPath: root + "/cgi-bin/tool.py", contents: Data(), attributes: [.posixPermissions: 0o644])
    }

    @Test func pathInfoIsWhatFollowsTheScript() {
        let outcome = CGIScriptLocator.locate(documentRoot: root, uri: "/cgi-bin/run.sh/a/b", interpreters: [:])
        #expect(outcome == .script(.init(scriptName: "/cgi-bin/run.sh", filename: root + "/cgi-bin/run.sh", pathInfo: "/a/b", interpreter: nil)))
    }

    @Test func interpreterByExtensionNeedsNoExecuteBit() {
        let outcome = CGIScriptLocator.locate(documentRoot: root, uri: "/cgi-bin/tool.py", interpreters: [".py": "/usr/bin/python3"])
        #expect(outcome == .script(.init(scriptName: "/cgi-bin/tool.py", filename: root + "/cgi-bin/tool.py", pathInfo: "", interpreter: "/usr/bin/python3")))
    }

    @Test(arguments: [("/cgi-bin/plain.txt", CGIScriptLocator.Outcome.forbidden), ("/cgi-bin/sub/", .forbidden),
                      ("/cgi-bin/missing.sh", .notFound), ("/cgi-bin/tool.py", .forbidden)])
    func refusals(uri: String, expected: CGIScriptLocator.Outcome) {
        #expect(CGIScriptLocator.locate(documentRoot: root, uri: uri, interpreters: [:]) == expected)
    }
}
