// swhost: command line.

import SWHostConfig

/// `swhost -t` and `swhost -T`: test the configuration (and dump every file it read).
enum ConfigTestCommand {
    /// Returns the process exit status: 0 when the configuration is valid, 1 otherwise.
    static func run(options: CommandLineOptions, paths: RuntimePaths, console: Console) -> Int32 {
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(paths: paths, globalDirectives: options.globalDirectives)
        } catch {
            console.report(error)
            console.say("configuration file \(paths.configFile) test failed")
            return 1
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
        return 0
    }
}
