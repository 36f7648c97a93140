import Testing
@testable import SWHostConfig

/// nginx: `-p` is the prefix (default the current directory, here), `-c` resolves against it,
/// `include` against the main config's directory. swhost never prints `//`.
@Suite struct LoaderPathsTests {
    @Test(arguments: [
        (nil, "/srv/app", "/srv/app/"),
        ("/x/y/", "/cwd", "/x/y/"),
        ("/x/y", "/cwd", "/x/y/"),
        ("/x//y//", "/cwd", "/x/y/"),
        ("rel/p", "/cwd", "/cwd/rel/p/"),
        ("./", "/cwd/", "/cwd/"),
        ("/", "/cwd", "/"),
    ] as [(String?, String, String)])
    func normalizesPrefix(prefix: String?, cwd: String, expected: String) {
        #expect(ConfigPaths.normalizePrefix(prefix, currentDirectory: cwd) == expected)
    }

    @Test(arguments: [
        ("etc/swhost.conf", "/x/y/", "/x/y/etc/swhost.conf"),
        ("/abs/file", "/x/y/", "/abs/file"),
        ("//abs//file", "/x/", "/abs/file"),
        ("a/./b/.", "/x", "/x/a/b/"),
        ("logs/", "/x/", "/x/logs/"),
        ("../up", "/x/y/", "/x/y/../up"),
        ("", "/x/y/", "/x/y/"),
    ])
    func resolvesAgainstBase(path: String, base: String, expected: String) {
        #expect(ConfigPaths.resolve(path, against: base) == expected)
    }

    @Test func mainConfigDefaultsUnderPrefixAndRelativeDashCResolvesAgainstIt() {
        let prefix = ConfigPaths.normalizePrefix("/x/y/", currentDirectory: "/cwd")
        #expect(ConfigPaths.mainConfigFile(nil, prefix: prefix) == "/x/y/etc/swhost.conf")
        #expect(ConfigPaths.mainConfigFile("conf/alt.conf", prefix: prefix) == "/x/y/conf/alt.conf")
        #expect(ConfigPaths.mainConfigFile("/etc/alt.conf", prefix: prefix) == "/etc/alt.conf")
    }

    @Test func directoryOfFileEndsWithSlash() {
        #expect(ConfigPaths.directory(of: "/x/y/swhost.conf") == "/x/y/")
        #expect(ConfigPaths.directory(of: "/swhost.conf") == "/")
    }

    @Test func commandLineLocationPrintsWithoutLine() {
        #expect(SourceLocation.commandLine.description == "command line")
        #expect(!SourceLocation.commandLine.hasLine)
        #expect(ConfigDiagnostic(.emerg, "unknown directive \"foo\"", at: .commandLine).description
            == "[emerg] unknown directive \"foo\" in command line")
    }
}
