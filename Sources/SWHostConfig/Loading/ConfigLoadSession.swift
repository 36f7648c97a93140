// swhost: config language.

/// One parse of a configuration: the files read so far (for `-T`) and the chain of files being
/// read, which is how include cycles are caught (nginx itself recurses until its stack overflows).
struct ConfigLoadSession {
    /// Where relative `include` paths resolve: the main config's directory, ending with `/`.
    let confPrefix: String
    /// Every file read, each once, in first-include order.
    private(set) var files: [ConfigFile] = []
    /// Files already read, by path: a snippet included by every server block is read once
    /// (nginx re-reads it each time; the result is the same unless it changes mid-parse).
    private var readFiles: [String: ConfigFileReader.Contents] = [:]
    /// The files being read, outermost first.
    private var readingStack: [(identity: ConfigFileReader.FileIdentity, path: String)] = []

    init(confPrefix: String) {
        self.confPrefix = confPrefix.hasSuffix("/") ? confPrefix : confPrefix + "/"
    }

    /// Reads and parses a config file (the main file when `location` is nil, else an included
    /// file, with errors about opening it reported at the `include`).
    mutating func parseFile(_ path: String, includedAt location: SourceLocation?) throws(ConfigDiagnostic)
        -> [ConfigDirective]
    {
        let contents: ConfigFileReader.Contents
        if let known = readFiles[path] {
            contents = known
        } else {
            contents = try ConfigFileReader.read(path, reportedAt: location)
            readFiles[path] = contents
            files.append(ConfigFile(path: path, bytes: Array(contents.bytes)))
        }
        if let index = readingStack.firstIndex(where: { $0.identity == contents.identity }) {
            let chain = (readingStack[index...].map(\.path) + [path]).joined(separator: " -> ")
            throw ConfigDiagnostic(.emerg, "include of \"\(path)\" forms a cycle: \(chain)", at: location)
        }
        readingStack.append((contents.identity, path))
        defer { readingStack.removeLast() }
        var lexer = ConfigLexer(bytes: contents.bytes, fileName: path, origin: .file)
        return try ConfigTreeBuilder.parse(&lexer, session: &self)
    }

    /// Parses text that is not a file: `-g` directives (`origin` ``ConfigLexer/Origin/commandLine``) or test input.
    mutating func parseText(_ bytes: [UInt8], fileName: String, origin: ConfigLexer.Origin) throws(ConfigDiagnostic)
        -> [ConfigDirective]
    {
        var lexer = ConfigLexer(bytes: bytes, fileName: fileName, origin: origin)
        return try ConfigTreeBuilder.parse(&lexer, session: &self)
    }

    /// Expands `include PATH;` written at `location`: the directives of every file it names, in order.
    ///
    /// A plain path must exist; a pattern (`*`, `?`, `[`) may match nothing.
    mutating func include(_ path: String, at location: SourceLocation) throws(ConfigDiagnostic) -> [ConfigDirective] {
        let full = ConfigPaths.resolve(path, against: confPrefix)
        guard IncludeGlob.isPattern(full) else {
            return try parseFile(full, includedAt: location)
        }
        var directives: [ConfigDirective] = []
        for match in try IncludeGlob.expand(full, reportedAt: location) {
            directives += try parseFile(ConfigPaths.tidy(match), includedAt: location)
        }
        return directives
    }
}
