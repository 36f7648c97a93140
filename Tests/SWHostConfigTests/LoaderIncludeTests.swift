import Foundation
import Testing
@testable import SWHostConfig

@Suite struct LoaderIncludeTests {
    @Test func expandsIncludeInPlaceAnywhere() throws {
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write(
            "etc/swhost.conf",
            "events {}\nhttp {\n    include mime.types;\n    server { include snippets/listen.conf; root www; }\n}\n")
        try dir.write("etc/mime.types", "types { text/html html; }\n")
        try dir.write("etc/snippets/listen.conf", "listen 8080;\nlisten 8443;\n")
        let parsed = try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        let http = try #require(parsed.directives[1].block)
        #expect(http.map(\.summary) == ["types", "server"])
        #expect(http[1].block?.map(\.summary) == ["listen 8080", "listen 8443", "root www"])
        #expect(http[1].block?[1].location == SourceLocation(file: dir.path + "/etc/snippets/listen.conf", line: 2))
        #expect(http[0].location.file == dir.path + "/etc/mime.types")
    }

    @Test func globMatchesAreSortedAndFilesListedInIncludeOrder() throws {
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("swhost.conf", "include sites/*.conf;\nlast;\n")
        try dir.write("sites/b.conf", "b;\n")
        try dir.write("sites/a.conf", "a;\ninclude inner.conf;\n")
        try dir.write("sites/C.conf", "C;\n")
        try dir.write("sites/skip.txt", "skip;\n")
        try dir.write("inner.conf", "inner;\n")
        let parsed = try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        #expect(parsed.directives.map(\.summary) == ["C", "a", "inner", "b", "last"])
        #expect(
            parsed.files.map(\.path) == [
                main, dir.path + "/sites/C.conf", dir.path + "/sites/a.conf", dir.path + "/inner.conf",
                dir.path + "/sites/b.conf",
            ])
        #expect(parsed.files[2].contents == "a;\ninclude inner.conf;\n")
    }

    @Test func globMatchingNothingIsFine() throws {
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("swhost.conf", "include sites-enabled/*;\ninclude none-*.conf;\nx;\n")
        let parsed = try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        #expect(parsed.directives.map(\.summary) == ["x"])
    }

    @Test func missingPlainIncludeIsAnErrorAtTheInclude() throws {
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("swhost.conf", "events {}\n\ninclude conf.d/none.conf;\n")
        #expect(
            throws: ConfigDiagnostic(
                .emerg, "open() \"\(dir.path)/conf.d/none.conf\" failed (2: No such file or directory)",
                at: SourceLocation(file: main, line: 3))
        ) {
            try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        }
    }

    @Test func missingMainFileHasNoLocation() throws {
        let dir = try TemporaryConfigDirectory()
        let error = #expect(throws: ConfigDiagnostic.self) {
            try ConfigParser.parse(mainFile: dir.path + "/etc/swhost.conf", globalDirectives: nil)
        }
        #expect(error?.description == "[emerg] open() \"\(dir.path)/etc/swhost.conf\" failed (2: No such file or directory)")
    }

    @Test func directoryIncludeFailsAtRead() throws {
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("swhost.conf", "include sub;\n")
        try dir.write("sub/x.conf", "x;\n")
        #expect(
            throws: ConfigDiagnostic(
                .emerg, "pread() \"\(dir.path)/sub\" failed (21: Is a directory)", at: SourceLocation(file: main, line: 1))
        ) {
            try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        }
    }

    @Test func unreadableFileReportsErrno() throws {
        // As root, permission bits do not stop open(); a dangling symlink gives a real errno either way.
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("swhost.conf", "include loop.conf;\n")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/loop.conf", withDestinationPath: dir.path + "/loop.conf")
        #expect(
            throws: ConfigDiagnostic(
                .emerg, "open() \"\(dir.path)/loop.conf\" failed (40: Too many levels of symbolic links)",
                at: SourceLocation(file: main, line: 1))
        ) {
            try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        }
    }

    @Test func relativeIncludeResolvesAgainstMainConfigDirectoryNotIncluder() throws {
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("etc/swhost.conf", "include sites/site.conf;\n")
        try dir.write("etc/sites/site.conf", "include snippet.conf;\n")
        try dir.write("etc/snippet.conf", "from_etc;\n")
        try dir.write("etc/sites/snippet.conf", "from_sites;\n")
        let parsed = try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        #expect(parsed.directives.map(\.summary) == ["from_etc"])
    }

    @Test func absoluteIncludeIsUsedAsIs() throws {
        let dir = try TemporaryConfigDirectory()
        let other = try dir.write("elsewhere/x.conf", "x;\n")
        let main = try dir.write("etc/swhost.conf", "include \(dir.path)//elsewhere/./x.conf;\n")
        let parsed = try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        #expect(parsed.directives.first?.location.file == other)
    }

    @Test func fileIncludedTwiceIsListedOnce() throws {
        // nginx -T prints each file once (ngx_conf_add_dump keeps a tree of names).
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("swhost.conf", "http { include common.conf; server { include common.conf; } }\n")
        try dir.write("common.conf", "gzip on;\n")
        let parsed = try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        #expect(parsed.files.map(\.path) == [main, dir.path + "/common.conf"])
        let http = try #require(parsed.directives.first?.block)
        #expect(http.map(\.summary) == ["gzip on", "server"])
        #expect(http[1].block?.map(\.summary) == ["gzip on"])
    }

    @Test func directCycleIsReportedAtTheInclude() throws {
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("swhost.conf", "events {}\ninclude *.conf;\n")
        #expect(
            throws: ConfigDiagnostic(
                .emerg, "include of \"\(main)\" forms a cycle: \(main) -> \(main)", at: SourceLocation(file: main, line: 2))
        ) {
            try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        }
    }

    @Test func indirectCycleNamesTheChain() throws {
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("swhost.conf", "include a.conf;\n")
        let a = try dir.write("a.conf", "ok;\ninclude b.conf;\n")
        let b = try dir.write("b.conf", "\ninclude a.conf;\n")
        #expect(
            throws: ConfigDiagnostic(
                .emerg, "include of \"\(a)\" forms a cycle: \(a) -> \(b) -> \(a)", at: SourceLocation(file: b, line: 2))
        ) {
            try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        }
    }

    @Test func cycleThroughSymlinkIsCaughtByInode() throws {
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("swhost.conf", "include alias.conf;\n")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/alias.conf", withDestinationPath: main)
        let error = #expect(throws: ConfigDiagnostic.self) {
            try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        }
        #expect(error?.message == "include of \"\(dir.path)/alias.conf\" forms a cycle: \(main) -> \(dir.path)/alias.conf")
    }

    @Test func errorsInsideIncludedFileNameThatFile() throws {
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("swhost.conf", "http {\n    include site.conf;\n}\n")
        let site = try dir.write("site.conf", "server {\n    listen 80;\n}\n}\n")
        #expect(throws: ConfigDiagnostic(.emerg, "unexpected \"}\"", at: SourceLocation(file: site, line: 4))) {
            try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        }
    }

    @Test func filesKeepExactContents() throws {
        let dir = try TemporaryConfigDirectory()
        let text = "# leading comment\r\nevents {}\t\n\n"
        let main = try dir.write("swhost.conf", text)
        let parsed = try ConfigParser.parse(mainFile: main, globalDirectives: nil)
        #expect(parsed.files == [ConfigFile(path: main, contents: text)])
    }
}
