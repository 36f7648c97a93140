// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig

/// `swhost -t` and `swhost -T`: test the configuration (and dump every file it read).
enum ConfigTestCommand {
    /// Exits the process: 0 when the configuration is valid, 1 otherwise.
    ///
    /// It exits with the loaded configuration still alive, on purpose: freeing the tables of a
    /// big configuration (10,000 servers, 50,000 locations) took about a quarter of `-t`'s time, for
    /// memory the kernel reclaims at exit anyway.
    static func run(options: CommandLineOptions, paths: RuntimePaths, console: Console) -> Never {
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(paths: paths, globalDirectives: options.globalDirectives)
        } catch {
            console.report(error)
            console.say("configuration file \(paths.configFile) test failed")
            exit(1)
        }
        // Warnings are printed even with -q, as nginx does; -q silences only the two result lines.
        for warning in loaded.compiled.warnings {
            console.report(warning)
        }
        if !options.quiet {
            console.say("the configuration file \(paths.configFile) syntax is ok")
            console.say("configuration file \(paths.configFile) test is successful")
        }
        if options.dumpConfig {
            // nginx -T: each file once, in include order, under its absolute path, then a newline.
            var dump = ""
            for file in loaded.parsed.files {
                dump += "# configuration file \(file.path):\n\(file.contents)\n"
            }
            Console.writeStandardOutput(dump)
        }
        withExtendedLifetime(loaded) { exit(0) }
    }
}
