// swhost: config language.

/// `server_name NAME...`.
enum ServerNameParser {
    static func parse(_ d: ConfigDirective, compiler: ConfigCompilerState) throws(ConfigDiagnostic) -> [ServerName] {
        var names: [ServerName] = []
        for arg in d.arguments {
            let v = arg.value
            if v.hasPrefix("~") {
                names.append(.regex(try compiler.regex(String(v.dropFirst()), caseless: true, at: d.location)))
                continue
            }
            let n = v.lowercased()
            if n.hasPrefix("*.") {
                names.append(.leadingWildcard(String(n.dropFirst())))
            } else if n.hasPrefix("."), n.count > 1 {
                names.append(.exact(String(n.dropFirst())))
                names.append(.leadingWildcard(n))
            } else if n.hasSuffix(".*") {
                names.append(.trailingWildcard(String(n.dropLast())))
            } else {
                names.append(.exact(n))
            }
        }
        return names
    }
}
