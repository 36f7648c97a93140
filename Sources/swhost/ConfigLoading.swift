// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig
import SWHostHandlers
import SWHostKit

/// Where swhost finds its files: the prefix (`-p`, default the current directory) and the main
/// config (`-c`, default `etc/swhost.conf` under the prefix).
struct RuntimePaths: Sendable {
    /// Absolute, ends with `/`.
    var prefix: String
    /// Absolute path of the main config file.
    var configFile: String

    init(options: CommandLineOptions) {
        prefix = ConfigPaths.normalizePrefix(options.prefix, currentDirectory: RuntimePaths.currentDirectory())
        configFile = ConfigPaths.resolve(options.configPath ?? "etc/swhost.conf", against: prefix)
        earlyErrorLog = options.errorLogPath.map { $0 == "stderr" ? $0 : ConfigPaths.resolve($0, against: prefix) }
    }

    /// The `-e` file: absolute, or relative to the prefix (as nginx resolves it); `stderr` stays
    /// `stderr`, meaning no file.
    var earlyErrorLog: String?

    /// The directory holding the main config; relative `include` paths resolve against it.
    var configDirectory: String {
        guard let slash = configFile.lastIndex(of: "/") else { return prefix }
        return String(configFile[...slash])
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A config read and compiled in one step, with the files it read (for `-T`).
struct LoadedConfiguration: Sendable {
    var parsed: ParsedConfig
    var compiled: CompiledConfig
}

/// Registers the built-in Swift handlers once per process (a lazy global runs once).
private let registerBuiltinHandlers: Void = BuiltinHandlers.register()

enum ConfigurationLoader {
    static func load(paths: RuntimePaths, globalDirectives: String?) throws(ConfigDiagnostic) -> LoadedConfiguration {
        let parsed = try ConfigParser.parse(mainFile: paths.configFile, globalDirectives: globalDirectives)
        let compiled = try ConfigCompiler.compile(parsed, context: context(paths))
        return LoadedConfiguration(parsed: parsed, compiled: compiled)
    }

    /// The compile context every process uses (the master, a single process, each worker): the
    /// built-in handlers registered first, then `load_module` libraries loaded as the compiler
    /// meets them, so every `swift_handler` is checked by its handler (at -t time too).
    private static func context(_ paths: RuntimePaths) -> ConfigContext {
        var context = ConfigContext(prefix: paths.prefix, configDirectory: paths.configDirectory)
        _ = registerBuiltinHandlers
        context.loadModule = { path in
            do throws(HandlerConfigError) {
                try HandlerModule.load(path: path)
                return nil
            } catch {
                return error.message
            }
        }
        context.validateSwiftHandler = { name, parameters in
            do throws(HandlerConfigError) {
                try HandlerRegistry.shared.validate(
                    name: name, parameters: HandlerParameters(parameters.map { .init(key: $0.key, value: $0.value) }))
                return nil
            } catch {
                return error.message
            }
        }
        return context
    }

    /// Compiles directives parsed elsewhere (a worker's `ConfigSnapshot` from its master).
    static func compile(directives: [ConfigDirective], paths: RuntimePaths) throws(ConfigDiagnostic) -> LoadedConfiguration {
        let parsed = ParsedConfig(directives: directives, files: [])
        return LoadedConfiguration(parsed: parsed, compiled: try ConfigCompiler.compile(parsed, context: context(paths)))
    }
}
