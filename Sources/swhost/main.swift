// swhost: command line entry point. Wiring only: parsing lives in CommandLineOptions, each mode in
// its own command type.

#if canImport(Glibc)
import Glibc
#endif
import SWHostProcess

// A `fastcgi_app` process on its way to exec the app (never returns then).
FastCGIAppLauncher.runIfRequested(CommandLine.arguments)

let arguments = Array(CommandLine.arguments.dropFirst())
let options: CommandLineOptions
do {
    options = try CommandLineOptions.parse(arguments)
} catch {
    Console.writeStandardError("swhost: \(error.message)\n")
    exit(1)
}

if options.showHelp || options.showVersion {
    VersionCommand.run(configureOptions: options.showConfigureOptions)
    if options.showHelp {
        Console.writeStandardError(CommandLineOptions.usage)
    }
    // nginx goes on to test the config when -t accompanies -v/-V.
    if !options.testConfig { exit(0) }
}

let paths = RuntimePaths(options: options)
let console = Console(errorLogPath: paths.earlyErrorLog)

if options.testConfig {
    ConfigTestCommand.run(options: options, paths: paths, console: console)
}

if let signal = options.signal {
    SignalCommand.run(signal, options: options, paths: paths, console: console)
}

exit(ServeCommand.run(options: options, paths: paths, console: console))
