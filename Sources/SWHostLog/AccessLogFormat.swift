// swhost: SWHostLog.

import SWHostConfig

/// A compiled `log_format`: literal bytes and variables, rendered once per request with
/// nginx's escaping.
///
/// nginx (`ngx_http_log_module`) escapes variable values, never literals:
/// - `escape=default`: `"`, `\`, bytes below 0x20 and from 0x7f up become `\xHH` (upper-case hex);
///   a variable with no value prints `-`.
/// - `escape=json`: `"` → `\"`, `\` → `\\`, `\n` `\r` `\t` `\b` `\f`, other bytes below 0x20 →
///   `\u00HH`; other bytes pass through; a missing value prints nothing.
/// - `escape=none`: values as they are; a missing value prints nothing.
/// (Checked against nginx 1.22.)
public struct AccessLogFormat: Sendable, Hashable {
    /// `log_format NAME escape=...`.
    public enum Escape: String, Sendable, Hashable, CaseIterable {
        case `default`, json, none
    }

    enum Part: Sendable, Hashable {
        case literal([UInt8])
        case variable(VariableName)
    }

    /// The format's name (`combined`, `main`, ...).
    public let name: String
    public let escape: Escape
    let parts: [Part]

    /// Compiles the format's strings (`log_format NAME [escape=...] STRING ...;`), concatenated
    /// without separators as nginx does.
    public init(name: String, escape: Escape = .default, templates: [VariableTemplate]) {
        self.name = name
        self.escape = escape
        var parts: [Part] = []
        for template in templates {
            for segment in template.segments {
                switch segment {
                case .literal(let text):
                    if case .literal(let previous)? = parts.last {
                        parts[parts.count - 1] = .literal(previous + Array(text.utf8))
                    } else if !text.isEmpty {
                        parts.append(.literal(Array(text.utf8)))
                    }
                case .variable(let variable):
                    parts.append(.variable(variable))
                }
            }
        }
        self.parts = parts
    }

    /// Every variable the format uses, in order (so the caller can check they exist at load time).
    public var variables: [VariableName] {
        parts.compactMap { if case .variable(let v) = $0 { v } else { nil } }
    }

    /// nginx's built-in `combined` format:
    /// `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`.
    public static let combined = AccessLogFormat(
        name: "combined",
        templates: [
            VariableTemplate(segments: [
                .variable(.builtin("remote_addr")), .literal(" - "),
                .variable(.builtin("remote_user")), .literal(" ["),
                .variable(.builtin("time_local")), .literal("] \""),
                .variable(.builtin("request")), .literal("\" "),
                .variable(.builtin("status")), .literal(" "),
                .variable(.builtin("body_bytes_sent")), .literal(" \""),
                .variable(.httpHeader("referer")), .literal("\" \""),
                .variable(.httpHeader("user-agent")), .literal("\""),
            ])
        ]
    )

    /// Appends one line and `\n` to `line`; `resolve` returns nil for a variable with no value.
    public func render(into line: inout [UInt8], resolve: (VariableName) -> String?) {
        for part in parts {
            switch part {
            case .literal(let bytes):
                line.append(contentsOf: bytes)
            case .variable(let variable):
                guard let value = resolve(variable) else {
                    if escape == .default { line.append(UInt8(ascii: "-")) }
                    continue
                }
                switch escape {
                case .default: Self.appendDefaultEscaped(value.utf8, to: &line)
                case .json: Self.appendJSONEscaped(value.utf8, to: &line)
                case .none: line.append(contentsOf: value.utf8)
                }
            }
        }
        line.append(UInt8(ascii: "\n"))
    }

    /// Renders one line as a string (tests, diagnostics).
    public func render(resolve: (VariableName) -> String?) -> String {
        var line: [UInt8] = []
        render(into: &line, resolve: resolve)
        return String(decoding: line, as: UTF8.self)
    }

    private static let upperHex = Array("0123456789ABCDEF".utf8)

    /// nginx's `ngx_http_log_escape`.
    static func appendDefaultEscaped(_ value: String.UTF8View, to line: inout [UInt8]) {
        // Most values need no escaping: one bulk copy instead of an append per byte.
        let clean = value.withContiguousStorageIfAvailable { bytes -> Bool in
            for byte in bytes where byte < 0x20 || byte >= 0x7f || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return false
            }
            line.append(contentsOf: bytes)
            return true
        }
        if clean == true { return }
        for byte in value {
            if byte < 0x20 || byte >= 0x7f || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                line.append(UInt8(ascii: "\\"))
                line.append(UInt8(ascii: "x"))
                line.append(upperHex[Int(byte >> 4)])
                line.append(upperHex[Int(byte & 0xf)])
            } else {
                line.append(byte)
            }
        }
    }

    /// nginx's `ngx_escape_json`.
    static func appendJSONEscaped(_ value: String.UTF8View, to line: inout [UInt8]) {
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                line.append(UInt8(ascii: "\\"))
                line.append(byte)
            case 0x0a: line.append(UInt8(ascii: "\\")); line.append(UInt8(ascii: "n"))
            case 0x0d: line.append(UInt8(ascii: "\\")); line.append(UInt8(ascii: "r"))
            case 0x09: line.append(UInt8(ascii: "\\")); line.append(UInt8(ascii: "t"))
            case 0x08: line.append(UInt8(ascii: "\\")); line.append(UInt8(ascii: "b"))
            case 0x0c: line.append(UInt8(ascii: "\\")); line.append(UInt8(ascii: "f"))
            case 0..<0x20:
                line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                line.append(upperHex[Int(byte >> 4)])
                line.append(upperHex[Int(byte & 0xf)])
            default:
                line.append(byte)
            }
        }
    }
}
