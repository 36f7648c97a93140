// swhost: config language.

/// Where a token, directive or block came from: the file as it was opened (absolute path) and the 1-based line.
///
/// Every diagnostic swhost prints about a config carries one, in nginx's `in FILE:LINE` form.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as swhost opened it (absolute, without `//`).
    public var file: String
    /// The 1-based line number.
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}
