// swhost: config language.

/// A directive being applied, with argument parsers that produce nginx's messages.
struct DirectiveInput {
    let directive: ConfigDirective
    let compiler: ConfigCompilerState

    var name: String { directive.name }
    var args: [ConfigArgument] { directive.arguments }
    var count: Int { directive.arguments.count }
    var location: SourceLocation { directive.location }
    subscript(_ i: Int) -> String { directive.arguments[i].value }

    func error(_ message: String) -> ConfigDiagnostic {
        ConfigDiagnostic(.emerg, message, at: directive.location)
    }

    /// `"X" directive invalid value`.
    var invalidValue: ConfigDiagnostic { error("\"\(name)\" directive invalid value") }

    func flag(_ i: Int = 0) throws(ConfigDiagnostic) -> Bool {
        switch self[i].lowercased() {
        case "on": return true
        case "off": return false
        default: throw error("invalid value \"\(self[i])\" in \"\(name)\" directive, it must be \"on\" or \"off\"")
        }
    }

    func size(_ i: Int = 0) throws(ConfigDiagnostic) -> ByteSize {
        guard let s = ByteSize(parsing: self[i]) else { throw invalidValue }
        return s
    }

    /// A time counted in milliseconds by nginx (timeouts): no `y`/`M` units.
    func time(_ i: Int = 0) throws(ConfigDiagnostic) -> ConfigTime {
        guard let t = ConfigTime(parsing: self[i], longUnits: false) else { throw invalidValue }
        return t
    }

    /// A time counted in seconds by nginx (`open_file_cache_valid`, `keepalive_timeout`'s header value).
    func seconds(_ i: Int = 0) throws(ConfigDiagnostic) -> ConfigTime {
        guard let t = ConfigTime(parsing: self[i]) else { throw invalidValue }
        return t
    }

    /// nginx's `ngx_conf_set_num_slot`: `"X" directive invalid number`.
    func number(_ i: Int = 0) throws(ConfigDiagnostic) -> Int {
        guard let n = unsigned(i) else { throw error("\"\(name)\" directive invalid number") }
        return n
    }

    /// A non-negative decimal integer, or nil.
    func unsigned(_ i: Int) -> Int? {
        let s = self[i]
        guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(s)
    }

    /// nginx's `ngx_conf_set_enum_slot`: `invalid value "V"`.
    func choice<T: RawRepresentable>(_ i: Int = 0, as: T.Type) throws(ConfigDiagnostic) -> T where T.RawValue == String {
        guard let v = T(rawValue: self[i]) else { throw error("invalid value \"\(self[i])\"") }
        return v
    }

    /// A template; its user variables are checked when the whole config has been read.
    func template(_ i: Int) throws(ConfigDiagnostic) -> VariableTemplate {
        try compiler.template(self[i], at: location)
    }

    /// A path relative to the prefix (root, logs, pid, sockets).
    func prefixPath(_ i: Int) -> String { compiler.prefixPath(self[i]) }

    /// A regex compiled now, nginx's compile error on failure.
    func regex(_ pattern: String, caseless: Bool = false) throws(ConfigDiagnostic) -> ConfigRegex {
        try compiler.regex(pattern, caseless: caseless, at: location)
    }
}
