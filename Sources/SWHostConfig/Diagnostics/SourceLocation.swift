// swhost: config language.

/// Where a token, directive or block came from: the file as it was opened (absolute path) and the 1-based line.
///
/// Every diagnostic swhost prints about a config carries one, in nginx's `in FILE:LINE` form.
/// Directives given with `-g` have no file and no line: they use ``commandLine``, which prints
/// as `command line`, the way nginx prints `... in command line`.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file name nginx prints for `-g` directives.
    public static let commandLineFile = "command line"

    /// The location of every directive and token that came from `-g`.
    public static let commandLine = SourceLocation(file: commandLineFile, line: 0)

    /// The file's path as swhost opened it (absolute, without `//`), or ``commandLineFile``.
    public var file: String
    /// The 1-based line number; 0 when there is no line (the command line).
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// False for locations without a line, such as ``commandLine``.
    public var hasLine: Bool { line > 0 }

    /// `FILE:LINE`, or just `FILE` when there is no line (`command line`).
    public var description: String { hasLine ? "\(file):\(line)" : file }
}
