// swhost: config language.

extension ConfigCompilerState {
    /// The parent of a nested location, for nginx's nesting rules.
    struct Enclosing {
        var name: String
        var modifier: LocationModifier
    }

    /// Compiles sibling `location` blocks and rejects duplicates (nginx: `duplicate location "/"`).
    func locationTree(_ blocks: [ConfigDirective], parent: HTTPSettings, enclosing: Enclosing?) throws(ConfigDiagnostic) -> LocationTree {
        var seen: Set<String> = []
        var locations: [LocationConfig] = []
        locations.reserveCapacity(blocks.count)
        for block in blocks {
            let location = try compileLocation(block, parent: parent, enclosing: enclosing)
            let key: String? = switch location.modifier {
            case .exact: "=" + location.name
            case .prefix, .prefixNoRegex: "/" + location.name
            case .named: location.name
            case .regex, .regexCaseless: nil
            }
            if let key, !seen.insert(key).inserted {
                throw ConfigDiagnostic(.emerg, "duplicate location \"\(location.name)\"", at: block.location)
            }
            locations.append(location)
        }
        return LocationTree(locations)
    }

    /// `location [=|~|~*|^~] URI { }` / `location @NAME { }`.
    func locationName(_ d: ConfigDirective) throws(ConfigDiagnostic) -> (LocationModifier, String) {
        let args = d.arguments
        if args.count == 2 {
            guard let m = LocationModifier(rawValue: args[0].value), m != .prefix, m != .named else {
                throw ConfigDiagnostic(.emerg, "invalid location modifier \"\(args[0].value)\"", at: d.location)
            }
            return (m, args[1].value)
        }
        let v = args[0].value
        guard let first = v.utf8.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "^") || first == UInt8(ascii: "~")
                || first == UInt8(ascii: "@") else { return (.prefix, v) }
        if v.hasPrefix("=") { return (.exact, String(v.dropFirst())) }
        if v.hasPrefix("^~") { return (.prefixNoRegex, String(v.dropFirst(2))) }
        if v.hasPrefix("~*") { return (.regexCaseless, String(v.dropFirst(2))) }
        if v.hasPrefix("~") { return (.regex, String(v.dropFirst())) }
        if v.hasPrefix("@") { return (.named, v) }
        return (.prefix, v)
    }

    func compileLocation(_ d: ConfigDirective, parent: HTTPSettings, enclosing: Enclosing?) throws(ConfigDiagnostic) -> LocationConfig {
        let (modifier, name) = try locationName(d)
        if let enclosing {
            if enclosing.modifier == .exact {
                throw ConfigDiagnostic(.emerg, "location \"\(name)\" cannot be inside the exact location \"\(enclosing.name)\"", at: d.location)
            }
            if enclosing.modifier == .named {
                throw ConfigDiagnostic(.emerg, "location \"\(name)\" cannot be inside the named location \"\(enclosing.name)\"", at: d.location)
            }
            if modifier == .named {
                throw ConfigDiagnostic(.emerg, "named location \"\(name)\" can be on the server level only", at: d.location)
            }
            // nginx checks this even under a regex parent (whose "name" is its pattern).
            let childIsRegex = modifier == .regex || modifier == .regexCaseless
            if !childIsRegex, !name.hasPrefix(enclosing.name) {
                throw ConfigDiagnostic(.emerg, "location \"\(name)\" is outside location \"\(enclosing.name)\"", at: d.location)
            }
        }
        var regex: ConfigRegex?
        if modifier == .regex || modifier == .regexCaseless {
            regex = try self.regex(name, caseless: modifier == .regexCaseless, at: d.location)
        }

        var level = SettingsLevel(settings: parent, context: .location)
        var handler: ContentHandler = .staticFiles
        var handlerDirective: String?
        var tryFiles: TryFiles?
        var isInternal = false
        var limitExceptBlock: ConfigDirective?
        var rewriteDirectives: [ConfigDirective] = []
        var nested: [ConfigDirective] = []
        var typesSeen = false
        var aliasDirective: ConfigDirective?
        for child in d.block ?? [] {
            let spec = try lookup(child, in: .location)
            switch child.name {
            case "location": nested.append(child)
            case "rewrite", "return", "set", "break", "if": rewriteDirectives.append(child)
            case "types": try types(child, into: &level, seen: &typesSeen)
            case "error_log": try levelErrorLog(child, into: &level)
            case "limit_except":
                guard limitExceptBlock == nil else { throw ConfigDiagnostic(.emerg, "\"limit_except\" directive is duplicate", at: child.location) }
                limitExceptBlock = child
            case "try_files":
                guard tryFiles == nil else { throw duplicate(child) }
                tryFiles = try parseTryFiles(child)
            case "internal":
                guard !isInternal else { throw duplicate(child) }
                isInternal = true
            case "fastcgi_pass", "cgi", "cgi_pass", "swift_handler", "stub_status":
                if handlerDirective != nil { throw duplicate(child) }
                handlerDirective = child.name
                handler = try contentHandler(child)
            default:
                if child.name == "alias" { aliasDirective = child }
                try apply(spec, child, to: &level)
            }
        }
        if aliasDirective != nil {
            level.settings.aliasOrigin = HTTPSettings.AliasOrigin(locationName: name, isRegex: regex != nil)
        }
        if let alias = aliasDirective, let regex, case .alias(let path) = level.settings.root {
            let usesCaptures = path.segments.contains { if case .variable(.capture) = $0 { true } else { false } }
            if regex.captureCount == 0 || !usesCaptures {
                throw ConfigDiagnostic(.emerg, "the \"alias\" directive in the regex location \"\(name)\" must use the location's captures",
                                       at: alias.location)
            }
        }
        let limitExcept = try limitExceptBlock.map { b throws(ConfigDiagnostic) in try compileLimitExcept(b, settings: level.settings) }
        let steps = rewriteDirectives.isEmpty ? [] : try rewriteSteps(rewriteDirectives, ifContext: .ifLocation, settings: level.settings)
        let children = try locationTree(nested, parent: level.settings, enclosing: Enclosing(name: name, modifier: modifier))
        return LocationConfig(name: name, modifier: modifier, regex: regex, settings: level.settings, handler: handler,
                              tryFiles: tryFiles, isInternal: isInternal, limitExcept: limitExcept, rewriteSteps: steps,
                              children: children, sourceLocation: d.location)
    }

    func parseTryFiles(_ d: ConfigDirective) throws(ConfigDiagnostic) -> TryFiles {
        var files: [VariableTemplate] = []
        for arg in d.arguments.dropLast() { files.append(try template(arg.value, at: d.location)) }
        let last = d.arguments[d.arguments.count - 1].value
        let fallback: TryFiles.Fallback
        if last.hasPrefix("=") {
            guard let code = Int(last.dropFirst()), (0...999).contains(code) else {
                throw ConfigDiagnostic(.emerg, "invalid code \"\(last)\"", at: d.location)
            }
            fallback = .code(code)
        } else if last.hasPrefix("@") {
            fallback = .named(last)
        } else {
            fallback = .uri(try template(last, at: d.location))
        }
        return TryFiles(files: files, fallback: fallback)
    }

    func contentHandler(_ d: ConfigDirective) throws(ConfigDiagnostic) -> ContentHandler {
        let args = d.arguments.map(\.value)
        switch d.name {
        case "fastcgi_pass": return .fastcgi(fastcgiUpstream(args[0], at: d.location))
        case "cgi":
            let on = try DirectiveInput(directive: d, compiler: self).flag()
            return on ? .cgi(program: nil) : .staticFiles
        case "cgi_pass": return .cgi(program: prefixPath(args[0]))
        case "stub_status":
            // `stub_status on;` is the pre-1.7.5 spelling; nginx ignores the argument since.
            let parameters = [SwiftHandlerParameter(key: "vhosts", value: "off")]
            if let message = context.validateSwiftHandler?("status", parameters) {
                throw ConfigDiagnostic(.emerg, message, at: d.location)
            }
            return .swift(name: "status", parameters: parameters)
        default:
            var parameters: [SwiftHandlerParameter] = []
            for p in args.dropFirst() {
                guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                    throw ConfigDiagnostic(.emerg, "invalid parameter \"\(p)\"", at: d.location)
                }
                parameters.append(SwiftHandlerParameter(key: String(p[..<eq]), value: String(p[p.index(after: eq)...])))
            }
            if let message = context.validateSwiftHandler?(args[0], parameters) {
                throw ConfigDiagnostic(.emerg, message, at: d.location)
            }
            return .swift(name: args[0], parameters: parameters)
        }
    }

    /// `unix:/path`, `host:port`, or the name of a `fastcgi_app` or `upstream` (checked once the
    /// config is read, when `reference`).
    func fastcgiUpstream(_ value: String, at location: SourceLocation, reference: Bool = true) -> FastCGIUpstream {
        if value.hasPrefix("unix:") { return .unix(prefixPath(String(value.dropFirst(5)))) }
        if let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]) {
            var host = String(value[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return .inet(host: host, port: port)
        }
        if reference { fastcgiAppReferences.append((value, location)) }
        return .app(value)
    }

    func compileLimitExcept(_ d: ConfigDirective, settings: HTTPSettings) throws(ConfigDiagnostic) -> LimitExcept {
        let known: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "MKCOL", "COPY", "MOVE", "OPTIONS",
                                  "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK", "PATCH"]
        var methods: Set<String> = []
        for arg in d.arguments {
            let method = arg.value.uppercased() // nginx compares method names case-insensitively
            guard known.contains(method) else {
                throw ConfigDiagnostic(.emerg, "invalid method \"\(arg.value)\"", at: d.location)
            }
            methods.insert(method)
        }
        if methods.contains("GET") { methods.insert("HEAD") }
        var level = SettingsLevel(settings: settings, context: .limitExcept)
        for child in d.block ?? [] {
            let spec = try lookup(child, in: .limitExcept)
            try apply(spec, child, to: &level)
        }
        return LimitExcept(methods: methods, accessRules: level.settings.accessRules, authBasic: level.settings.authBasic,
                           authBasicUserFile: level.settings.authBasicUserFile)
    }
}
