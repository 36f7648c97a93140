// swhost: config language.

/// One argument of a directive as written: unquoted, escapes processed, variables left as text
/// (`$host` stays `$host`; directive parsers compile them into `VariableTemplate`s).
public struct ConfigArgument: Sendable, Hashable {
    /// The text after removing quotes and processing escapes.
    public var value: String
    /// True when the argument was written in single or double quotes (`""` is an empty argument).
    public var isQuoted: Bool
    public var location: SourceLocation

    public init(_ value: String, isQuoted: Bool = false, location: SourceLocation) {
        self.value = value
        self.isQuoted = isQuoted
        self.location = location
    }
}

/// A directive as parsed: `name arg...;` or `name arg... { children }`.
///
/// `include` directives never appear in a parsed tree: the parser replaces each with the
/// directives of the files it names, in place.
public struct ConfigDirective: Sendable, Hashable {
    public var name: String
    public var arguments: [ConfigArgument]
    /// The directives inside `{ }`, or nil for a simple `;` directive.
    public var block: [ConfigDirective]?
    /// The location of the directive's name.
    public var location: SourceLocation
    /// The location of the `;` or `{` that ends the directive's head.
    ///
    /// nginx reports every error about a directive (unknown name, wrong arguments, not allowed
    /// here, duplicate) at this line, not at the name's: for a directive written over several
    /// lines, use this one to print the same `FILE:LINE` as nginx.
    public var endLocation: SourceLocation

    public init(
        name: String, arguments: [ConfigArgument], block: [ConfigDirective]?, location: SourceLocation,
        endLocation: SourceLocation? = nil
    ) {
        self.name = name
        self.arguments = arguments
        self.block = block
        self.location = location
        self.endLocation = endLocation ?? location
    }
}

/// A config file exactly as read, for `swhost -T` (which prints every file once, in include order).
public struct ConfigFile: Sendable, Hashable {
    /// Absolute path as opened (no `//`, no trailing `/.`).
    public var path: String
    /// The file's exact bytes (what `swhost -T` prints, byte for byte, like nginx).
    public var bytes: [UInt8]

    /// The contents decoded as UTF-8 (invalid sequences repaired), for display and tests.
    public var contents: String { String(decoding: bytes, as: UTF8.self) }

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    public init(path: String, contents: String) {
        self.init(path: path, bytes: Array(contents.utf8))
    }
}

/// The result of parsing the main config file with every include expanded.
public struct ParsedConfig: Sendable {
    /// Main-context directives, `-g` directives first.
    public var directives: [ConfigDirective]
    /// Every file read, each once, in the order they were first included.
    public var files: [ConfigFile]

    public init(directives: [ConfigDirective], files: [ConfigFile]) {
        self.directives = directives
        self.files = files
    }
}
