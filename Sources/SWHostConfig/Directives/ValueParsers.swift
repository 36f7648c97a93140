// swhost: config language.

/// `error_page CODE... [=[RESPONSE]] URI|@named`.
enum ErrorPageParser {
    static func parse(_ d: DirectiveInput) throws(ConfigDiagnostic) -> ErrorPage {
        var last = d.count - 1
        var response: ErrorPage.Response = .original
        if d[last - 1].hasPrefix("=") {
            let r = d[last - 1].dropFirst()
            if r.isEmpty {
                response = .fromTarget
            } else if r.allSatisfy({ $0.isASCII && $0.isNumber }), let code = Int(r) {
                response = .code(code)
            } else {
                throw d.error("invalid value \"\(d[last - 1])\"")
            }
            last -= 1
        }
        guard last >= 1 else { throw d.error("invalid number of arguments in \"error_page\" directive") }
        var codes: [Int] = []
        for i in 0..<last {
            guard d[i].allSatisfy({ $0.isASCII && $0.isNumber }), let code = Int(d[i]) else {
                throw d.error("invalid value \"\(d[i])\"")
            }
            guard (300...599).contains(code) else { throw d.error("value \"\(d[i])\" must be between 300 and 599") }
            codes.append(code)
        }
        let uri = d[d.count - 1]
        let target: ErrorPage.Target = uri.hasPrefix("@") ? .named(uri) : .uri(try d.template(d.count - 1))
        return ErrorPage(codes: codes, response: response, target: target)
    }
}

/// `expires [modified] TIME | epoch | max | off | @TIME`.
enum ExpiresParser {
    static func parse(_ d: DirectiveInput) throws(ConfigDiagnostic) -> Expires {
        var modified = false
        var value = d[0]
        if d.count == 2 {
            guard d[0] == "modified" else { throw d.invalidValue }
            modified = true
            value = d[1]
        } else {
            switch value {
            case "epoch": return .epoch
            case "max": return .max
            case "off": return .off
            default: break
            }
        }
        if value.hasPrefix("@") {
            guard !modified else { throw d.error("\"expires\" directive daily time cannot be used with \"modified\" parameter") }
            guard let t = ConfigTime(parsing: String(value.dropFirst())) else { throw d.invalidValue }
            guard t.milliseconds < 86_400_000 else { throw d.error("\"expires\" directive daily time value must be less than 24 hours") }
            return .dailyAt(t)
        }
        var negative = false
        if value.hasPrefix("-") { negative = true; value.removeFirst() } else if value.hasPrefix("+") { value.removeFirst() }
        guard let t = ConfigTime(parsing: value) else { throw d.invalidValue }
        return .after(negative ? ConfigTime(milliseconds: -t.milliseconds) : t, modified: modified)
    }
}

/// `allow`/`deny ADDRESS|CIDR|unix:|all`.
enum AccessRuleParser {
    static func parse(_ d: DirectiveInput, _ action: AccessRule.Action) throws(ConfigDiagnostic) -> AccessRule {
        let v = d[0]
        if v == "all" { return AccessRule(action: action, match: .all) }
        if v == "unix:" { return AccessRule(action: action, match: .unix) }
        guard let cidr = CIDR(parsing: v) else { throw d.error("invalid parameter \"\(v)\"") }
        if cidr.hadLowBits {
            d.compiler.warn("low address bits of \(v) are meaningless", at: d.location)
        }
        return AccessRule(action: action, match: .network(cidr))
    }
}

/// `open_file_cache off | max=N [inactive=TIME]`.
enum OpenFileCacheParser {
    static func parse(_ d: DirectiveInput) throws(ConfigDiagnostic) -> OpenFileCache? {
        if d[0] == "off" {
            guard d.count == 1 else { throw d.error("invalid \"open_file_cache\" parameter \"\(d[1])\"") }
            return nil
        }
        var max: Int?
        var inactive = ConfigTime.seconds(60)
        for a in d.args {
            if a.value.hasPrefix("max="), let n = Int(a.value.dropFirst(4)), n > 0 {
                max = n
            } else if a.value.hasPrefix("inactive="), let t = ConfigTime(parsing: String(a.value.dropFirst(9))) {
                inactive = t
            } else {
                throw d.error("invalid \"open_file_cache\" parameter \"\(a.value)\"")
            }
        }
        guard let max else { throw d.error("\"open_file_cache\" must have the \"max\" parameter") }
        return OpenFileCache(max: max, inactive: inactive)
    }
}

/// `access_log off | PATH [FORMAT [buffer=SIZE] [flush=TIME] [gzip[=LEVEL]] [if=CONDITION]]`.
enum AccessLogParser {
    static func parse(_ d: DirectiveInput) throws(ConfigDiagnostic) -> AccessLog? {
        if d[0] == "off" {
            guard d.count == 1 else { throw d.error("invalid parameter \"\(d[1])\"") }
            return nil
        }
        let path = try d.compiler.pathTemplate(d[0], at: d.location)
        var format = LogFormat.combined
        if d.count > 1 {
            guard let f = d.compiler.logFormats[d[1]] else { throw d.error("unknown log format \"\(d[1])\"") }
            format = f
        }
        var log = AccessLog(path: path, format: format)
        if d.count > 2 {
            for i in 2..<d.count {
                let v = d[i]
                if v.hasPrefix("buffer="), let s = ByteSize(parsing: String(v.dropFirst(7))) {
                    log.buffer = s
                } else if v.hasPrefix("flush="), let t = ConfigTime(parsing: String(v.dropFirst(6))) {
                    log.flush = t
                } else if v == "gzip" {
                    log.gzipLevel = 1
                } else if v.hasPrefix("gzip="), let n = Int(v.dropFirst(5)), (1...9).contains(n) {
                    log.gzipLevel = n
                } else if v.hasPrefix("if=") {
                    log.condition = try d.compiler.template(String(v.dropFirst(3)), at: d.location)
                } else {
                    throw d.error("invalid parameter \"\(v)\"")
                }
            }
        }
        if path.isLiteral { d.compiler.requireWritable(path.literalValue) }
        return log
    }
}
