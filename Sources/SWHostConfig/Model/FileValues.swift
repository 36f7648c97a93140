// swhost: config language.

/// `root` or `alias` of a location (they share one slot, as in nginx).
public enum DocumentRoot: Sendable, Hashable {
    /// `root PATH`: the URI is appended. Relative paths are made absolute against the prefix.
    case root(VariableTemplate)
    /// `alias PATH`: replaces the location's matched part (or, in a regex location, the whole URI).
    case alias(VariableTemplate)
}

/// `try_files file ... uri|=code`.
public struct TryFiles: Sendable, Hashable {
    /// Each candidate; a trailing `/` means "a directory".
    public var files: [VariableTemplate]
    public enum Fallback: Sendable, Hashable {
        case uri(VariableTemplate)
        case named(String)
        case code(Int)
    }
    public var fallback: Fallback
}

/// `error_page CODE... [=[RESPONSE]] URI|@named`.
public struct ErrorPage: Sendable, Hashable {
    public var codes: [Int]
    public enum Response: Sendable, Hashable {
        /// Keep the original status (no `=`).
        case original
        /// `=` alone: the status of the error page's own response.
        case fromTarget
        /// `=CODE`.
        case code(Int)
    }
    public var response: Response
    public enum Target: Sendable, Hashable {
        case uri(VariableTemplate)
        case named(String)
    }
    public var target: Target
}

/// `disable_symlinks off | on | if_not_owner [from=PART]`.
public enum DisableSymlinks: Sendable, Hashable {
    case off
    case on(from: VariableTemplate?)
    case ifNotOwner(from: VariableTemplate?)
}

/// `autoindex_format html | xml | json | jsonp`.
public enum AutoindexFormat: String, Sendable, Hashable { case html, xml, json, jsonp }
