// swhost: command line.

/// The signals `swhost -s` can send to a running master, as nginx names them.
enum ControlSignal: String, CaseIterable, Sendable {
    case stop, quit, reopen, reload
}

/// nginx-compatible command-line options: `[-?hvVtTq] [-s signal] [-p prefix] [-e filename] [-c filename] [-g directives]`.
///
/// Parsed by hand rather than with swift-argument-parser: nginx's grammar combines flags (`-tq`),
/// attaches values (`-p/srv/www`), accepts `-?`, and operators' scripts match its exact error
/// texts (`invalid option: "x"`, `option "-s" requires parameter`), none of which
/// swift-argument-parser can reproduce.
struct CommandLineOptions: Sendable, Equatable {
    var showHelp = false
    var showVersion = false
    var showConfigureOptions = false
    var testConfig = false
    var dumpConfig = false
    var quiet = false
    var signal: ControlSignal?
    var prefix: String?
    var errorLogPath: String?
    var configPath: String?
    var globalDirectives: String?
    /// Hidden: run as a worker process of a master (used by the worker-pool mode).
    var workerMode = false

    /// The usage error nginx would print, without the `swhost: ` prefix.
    struct UsageError: Error, Equatable {
        var message: String
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> CommandLineOptions {
        var options = CommandLineOptions()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--worker" {
                options.workerMode = true
                continue
            }
            var chars = Substring(argument)
            // A lone "-" is an empty group of flags: nginx accepts it and so does swhost.
            guard chars.first == "-" else {
                throw UsageError(message: "invalid option: \"\(argument)\"")
            }
            chars = chars.dropFirst()
            while let flag = chars.first {
                chars = chars.dropFirst()
                switch flag {
                case "?", "h": options.showHelp = true
                case "v": options.showVersion = true
                case "V":
                    options.showVersion = true
                    options.showConfigureOptions = true
                case "t": options.testConfig = true
                case "T":
                    options.testConfig = true
                    options.dumpConfig = true
                case "q": options.quiet = true
                case "s", "p", "e", "c", "g":
                    // The value is the rest of this argument, or the next argument.
                    let value: String
                    if !chars.isEmpty {
                        value = String(chars)
                        chars = ""
                    } else if index < arguments.count {
                        value = arguments[index]
                        index += 1
                    } else {
                        let what = flag == "g" || flag == "s" ? "parameter" : flag == "p" ? "directory name" : "file name"
                        throw UsageError(message: "option \"-\(flag)\" requires \(what)")
                    }
                    switch flag {
                    case "s":
                        guard let signal = ControlSignal(rawValue: value) else {
                            throw UsageError(message: "invalid option: \"-s \(value)\"")
                        }
                        options.signal = signal
                    case "p": options.prefix = value
                    case "e": options.errorLogPath = value
                    case "c": options.configPath = value
                    default: options.globalDirectives = value
                    }
                default:
                    throw UsageError(message: "invalid option: \"\(flag)\"")
                }
            }
        }
        return options
    }

    static let usage = """
        Usage: swhost [-?hvVtTq] [-s signal] [-p prefix]
                      [-e filename] [-c filename] [-g directives]

        Options:
          -?,-h         : this help
          -v            : show version and exit
          -V            : show version and configure options then exit
          -t            : test configuration and exit
          -T            : test configuration, dump it and exit
          -q            : suppress non-error messages during configuration testing
          -s signal     : send signal to a master process: stop, quit, reopen, reload
          -p prefix     : set prefix path (default: the current directory)
          -e filename   : set error log file (default: stderr)
          -c filename   : set configuration file (default: etc/swhost.conf)
          -g directives : set global directives out of configuration file

        """
}
