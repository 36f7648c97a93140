// swhost: config language.

/// A reference to an nginx variable, resolved once at config load.
///
/// Names are stored lowercased; prefixed families keep their suffix (`$http_user_agent` is
/// `.httpHeader("user-agent")`, with `_` turned into `-` as nginx matches header names).
public enum VariableName: Sendable, Hashable, CustomStringConvertible {
    /// A built-in variable such as `uri`, `args`, `host`, `remote_addr`, `status`.
    case builtin(BuiltinVariable)
    /// `$http_NAME`: a request header; the stored name is lowercase with `-` for `_`.
    case httpHeader(String)
    /// `$sent_http_NAME`: a response header.
    case sentHTTPHeader(String)
    /// `$arg_NAME`: a query argument (the name as written, case-sensitive per nginx).
    case argument(String)
    /// `$cookie_NAME`: a cookie.
    case cookie(String)
    /// `$1` ... `$9`: a capture of the last matched regex.
    case capture(Int)
    /// A named capture or a variable created with `set` (looked up by name at run time).
    case user(String)

    public var description: String {
        switch self {
        case .builtin(let n): "$\(n)"
        case .httpHeader(let n): "$http_\(n.replacingDashes())"
        case .sentHTTPHeader(let n): "$sent_http_\(n.replacingDashes())"
        case .argument(let n): "$arg_\(n)"
        case .cookie(let n): "$cookie_\(n)"
        case .capture(let i): "$\(i)"
        case .user(let n): "$\(n)"
        }
    }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(self.map { $0 == "-" ? "_" : $0 })
    }
}

/// A string with embedded variables (`"$scheme://$host$request_uri"`), split once at config load
/// so the request path only concatenates.
public struct VariableTemplate: Sendable, Hashable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable {
        case literal(String)
        case variable(VariableName)
    }

    public var segments: [Segment]

    public init(segments: [Segment]) {
        self.segments = segments
    }

    /// A template with no variables.
    public init(literal: String) {
        self.segments = literal.isEmpty ? [] : [.literal(literal)]
    }

    /// True when the template contains no variables, so its value is known at load time.
    public var isLiteral: Bool {
        segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// The value when `isLiteral`; otherwise the literal parts only.
    public var literalValue: String {
        var out = ""
        for case .literal(let s) in segments { out += s }
        return out
    }

    /// Renders the template with `resolve` supplying each variable's value (nil renders as empty).
    public func render(_ resolve: (VariableName) -> String?) -> String {
        var out = ""
        for segment in segments {
            switch segment {
            case .literal(let s): out += s
            case .variable(let v): out += resolve(v) ?? ""
            }
        }
        return out
    }

    public var description: String {
        segments.map { seg -> String in
            switch seg {
            case .literal(let s): s
            case .variable(let v): "${\(v.description.dropFirst())}"
            }
        }.joined()
    }
}
