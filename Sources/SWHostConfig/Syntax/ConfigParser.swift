// swhost: config language.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads nginx-syntax configuration into directives, with every `include` expanded in place.
///
/// Messages are nginx 1.22's, word for word (`unexpected "}"`, `unexpected end of file,
/// expecting ";" or "}"`, `open() "PATH" failed (2: No such file or directory)`, ...). Directive
/// names are not checked here: unknown directives are the compiler's to report.
public enum ConfigParser {
    /// Reads `mainFile` (absolute), expands includes, prepends `globalDirectives` (from -g).
    ///
    /// Relative `include` paths resolve against `mainFile`'s directory. `-g` text is parsed first,
    /// as nginx does, with locations ``SourceLocation/commandLine``; it may not contain blocks.
    /// A main file that cannot be read gives a diagnostic without location, as in nginx.
    public static func parse(mainFile: String, globalDirectives: String?) throws(ConfigDiagnostic) -> ParsedConfig {
        let path = ConfigPaths.tidy(mainFile)
        var session = ConfigLoadSession(confPrefix: ConfigPaths.directory(of: path))
        var directives: [ConfigDirective] = []
        if let globalDirectives {
            directives = try session.parseText(
                Array(globalDirectives.utf8), fileName: SourceLocation.commandLineFile, origin: .commandLine)
        }
        directives += try session.parseFile(path, includedAt: nil)
        return ParsedConfig(directives: directives, files: session.files)
    }

    /// Parses text that is not in a file (used for -g and tests).
    ///
    /// With `fileName` ``SourceLocation/commandLineFile`` the text is treated as `-g` input;
    /// otherwise as the contents of a file named `fileName`. Relative includes resolve against
    /// `fileName`'s directory when it is absolute, else against the current directory.
    public static func parse(text: String, fileName: String) throws(ConfigDiagnostic) -> [ConfigDirective] {
        let isCommandLine = fileName == SourceLocation.commandLineFile
        let confPrefix: String
        if !isCommandLine && fileName.utf8.first == UInt8(ascii: "/") {
            confPrefix = ConfigPaths.directory(of: fileName)
        } else {
            confPrefix = currentDirectory()
        }
        var session = ConfigLoadSession(confPrefix: confPrefix)
        return try session.parseText(Array(text.utf8), fileName: fileName, origin: isCommandLine ? .commandLine : .file)
    }

    private static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
