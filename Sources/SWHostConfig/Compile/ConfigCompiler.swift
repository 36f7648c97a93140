// swhost: config language.

/// Turns a parsed config into the typed, merged, validated model with routing tables.
public enum ConfigCompiler {
    /// Compiles `parsed`; throws the first error as nginx would report it
    /// (`[emerg] unknown directive "foo" in FILE:LINE`). Warnings are returned, not thrown.
    ///
    /// Reads the filesystem only to check (log and pid directories writable,
    /// `auth_basic_user_file` present) when `context.checkFilesystem`; never creates files.
    public static func compile(_ parsed: ParsedConfig, context: ConfigContext) throws(ConfigDiagnostic) -> CompiledConfig {
        let state = ConfigCompilerState(context: context)
        let main = try state.compileMain(parsed.directives)
        return CompiledConfig(main: main, warnings: state.warnings)
    }
}

extension ConfigCompilerState {
    func compileMain(_ directives: [ConfigDirective]) throws(ConfigDiagnostic) -> MainConfig {
        var main = MainConfig(prefix: context.prefix)
        var seen: Set<String> = []
        var sawEvents = false
        var errorLogsReset = false
        for d in directives {
            let spec = try lookup(d, in: .main)
            switch d.name {
            case "events":
                guard !sawEvents else { throw duplicate(d) }
                sawEvents = true
                var eventsSeen: Set<String> = []
                for child in d.block ?? [] {
                    let childSpec = try lookup(child, in: .events)
                    guard eventsSeen.insert(child.name).inserted else { throw duplicate(child) }
                    if case .main(let apply) = childSpec.action { try apply(&main, DirectiveInput(directive: child, compiler: self)) }
                }
            case "http":
                guard main.http == nil else { throw duplicate(d) }
                main.http = try compileHTTP(d.block ?? [])
            case "error_log":
                let target = try errorLog(d)
                if !errorLogsReset { main.errorLogs = []; errorLogsReset = true }
                main.errorLogs.append(target)
            case "env":
                break
            default:
                switch spec.action {
                case .main(let apply):
                    if d.name != "load_module" {
                        guard seen.insert(d.name).inserted else { throw duplicate(d) }
                    }
                    try apply(&main, DirectiveInput(directive: d, compiler: self))
                case .ignored:
                    break
                case .settings, .structural:
                    throw ConfigDiagnostic(.emerg, "\"\(d.name)\" directive is not allowed here", at: d.location)
                }
            }
        }
        guard sawEvents else { throw ConfigDiagnostic(.emerg, "no \"events\" section in configuration") }
        try finish(main: main)
        return main
    }

    /// Checks that need the whole config: variables, FastCGI app names, writable log directories.
    func finish(main: MainConfig) throws(ConfigDiagnostic) {
        for (name, _) in usedUserVariables where !definedVariables.contains(name) {
            throw ConfigDiagnostic(.emerg, "unknown \"\(name)\" variable")
        }
        let apps = Set(fastcgiApps.map(\.name)).union(upstreams.keys)
        for (name, location) in fastcgiAppReferences where !apps.contains(name) {
            throw ConfigDiagnostic(.emerg, "no port in upstream \"\(name)\"", at: location)
        }
        guard context.checkFilesystem else { return }
        for log in main.errorLogs {
            if case .file(let path) = log.destination { try checkWritable(path) }
        }
        for path in writableFiles { try checkWritable(path) }
        for app in fastcgiApps { try checkAppCommand(app) }
        try checkWritable(main.pidPath)
    }

    /// `error_log FILE|stderr [LEVEL]`.
    func errorLog(_ d: ConfigDirective) throws(ConfigDiagnostic) -> ErrorLogTarget {
        var level = ConfigDiagnostic.Level.error
        for (i, arg) in d.arguments.enumerated().dropFirst() {
            guard let l = ConfigDiagnostic.Level(name: arg.value) else {
                throw ConfigDiagnostic(.emerg, "invalid log level \"\(arg.value)\"", at: d.location)
            }
            // nginx takes one severity (plus debug_* facilities, which swhost does not have).
            guard i == 1 else { throw ConfigDiagnostic(.emerg, "duplicate log level \"\(arg.value)\"", at: d.location) }
            level = l
        }
        let value = d.arguments[0].value
        if value == "stderr" { return ErrorLogTarget(destination: .stderr, level: level) }
        let path = prefixPath(value)
        return ErrorLogTarget(destination: .file(path), level: level)
    }
}
