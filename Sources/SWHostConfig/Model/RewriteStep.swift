// swhost: config language.

/// One step of the rewrite phase (ngx_http_rewrite_module), run in config order at server level
/// (before location matching) and again in the matched location.
public indirect enum RewriteStep: Sendable, Hashable {
    case rewrite(RewriteRule)
    /// `return CODE [TEXT|URL]` / `return URL` (302).
    case `return`(ReturnAction)
    /// `set $NAME VALUE`.
    case set(name: String, value: VariableTemplate)
    case `if`(IfBlock)
    /// `break`: stop the rewrite steps of this level.
    case `break`
}

/// `rewrite REGEX REPLACEMENT [last|break|redirect|permanent]`.
public struct RewriteRule: Sendable, Hashable {
    public enum Flag: String, Sendable, Hashable { case none, last, `break`, redirect, permanent }
    public var regex: ConfigRegex
    public var replacement: VariableTemplate
    /// A replacement starting with `http://`, `https://` or `$scheme` redirects (302 unless `permanent`).
    public var flag: Flag
    public var isRedirect: Bool {
        flag == .redirect || flag == .permanent || replacementIsAbsolute
    }
    public var replacementIsAbsolute: Bool
    /// Replacement ends in `?`: do not append the original arguments.
    public var dropsArguments: Bool
}

/// `return`.
public struct ReturnAction: Sendable, Hashable {
    public var code: Int
    /// Body text (codes other than 301, 302, 303, 307, 308) or the Location URL (those codes).
    public var text: VariableTemplate?
}

/// `if (CONDITION) { ... }`.
public struct IfBlock: Sendable, Hashable {
    public var condition: IfCondition
    public var steps: [RewriteStep]
    /// For `if` inside a location: the location's settings with the block's own directives
    /// (`add_header`, `root`, `expires`, `gzip`, ...) applied, used when the condition holds.
    public var settingsHolder: SettingsHolder?
    /// The block's settings (see ``settingsHolder``).
    public var settings: HTTPSettings? { settingsHolder?.value }
    /// `fastcgi_pass` etc. inside a location `if`.
    public var handler: ContentHandler?
}

/// nginx's `if` conditions.
public enum IfCondition: Sendable, Hashable {
    /// `($var)`: true unless empty or `"0"`.
    case isTrue(VariableTemplate)
    /// `($var = text)` / `($var != text)`.
    case equals(VariableTemplate, VariableTemplate, negated: Bool)
    /// `~`, `~*`, `!~`, `!~*` (captures are set on match).
    case matches(VariableTemplate, ConfigRegex, negated: Bool)
    /// `-f -d -e -x` and `!-f ...`.
    case file(FileTest, VariableTemplate, negated: Bool)

    public enum FileTest: String, Sendable, Hashable {
        case isFile = "f", isDirectory = "d", exists = "e", isExecutable = "x"
    }
}
