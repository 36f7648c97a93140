// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import CSWHostSystem
import SWHostConfig
import SWHostLog
import SWHostProcess

/// `master_process on`: this process holds the listeners and the pid file and supervises
/// `worker_processes` copies of itself started with `--worker` (see `Master`).
enum MasterCommand {
    static func run(loaded: LoadedConfiguration, options: CommandLineOptions, paths: RuntimePaths, console: Console, errorLog: ErrorLog) -> Int32 {
        let main = loaded.compiled.main
        let master = Master(
            plan: MasterPlan(main: main, onlineCPUs: System.coreCount, configDirectives: loaded.parsed.directives),
            errorLog: errorLog,
            pidPath: main.pidPath,
            workerArguments: workerArguments(options: options, paths: paths),
            loadPlan: { reloadPlan(options: options, paths: paths, errorLog: errorLog) },
            reopenLogs: {
                for problem in LogFileRegistry.shared.reopenAll() { errorLog.log(.alert, problem.description) }
            },
            appOptions: appOptions(main, bindToParent: true)
        )
        do throws(ListenSocketError) {
            try master.openListeners()
        } catch {
            console.report(ConfigDiagnostic(.emerg, error.description))
            errorLog.log(.emerg, error.description)
            return 1
        }
        // Scripts treat the pid file as readiness: it appears once every listener listens.
        if let problem = ServeCommand.writePidFile(main.pidPath) {
            console.report(problem)
            errorLog.log(.emerg, problem.message)
            return 1
        }
        errorLog.log(.notice, "swhost/\(VersionCommand.version) started, pid \(getpid())")
        _ = swhost_set_process_name("swhost: master")
        if Daemon.isDaemonChild { Daemon.detachStandardError() }
        return master.run()
    }

    /// How `fastcgi_app` processes start: through this executable (`FastCGIAppLauncher`), as the
    /// worker user, output to the main error log file.
    static func appOptions(_ main: MainConfig, bindToParent: Bool) -> FastCGIAppSupervisor.Options {
        var output: String?
        for target in main.errorLogs {
            if case .file(let path) = target.destination { output = path; break }
        }
        return FastCGIAppSupervisor.Options(user: main.user, outputPath: output, launcher: "/proc/self/exe", bindToParent: bindToParent)
    }

    /// A worker gets the master's prefix, config file and `-g`/`-e` (absolute paths, so the
    /// worker does not depend on how the master was invoked).
    static func workerArguments(options: CommandLineOptions, paths: RuntimePaths) -> [String] {
        var arguments = ["--worker", "-p", paths.prefix, "-c", paths.configFile]
        if let directives = options.globalDirectives { arguments += ["-g", directives] }
        if let errorLog = options.errorLogPath { arguments += ["-e", errorLog] }
        return arguments
    }

    /// HUP: the whole configuration again, validated; warnings go to the error log.
    static func reloadPlan(options: CommandLineOptions, paths: RuntimePaths, errorLog: ErrorLog) -> Result<MasterPlan, ConfigDiagnostic> {
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(paths: paths, globalDirectives: options.globalDirectives)
        } catch {
            return .failure(error)
        }
        for warning in loaded.compiled.warnings {
            errorLog.log(warning.level, String(warning.description.dropFirst("[\(warning.level)] ".count)))
        }
        guard loaded.compiled.main.http != nil else {
            return .failure(ConfigDiagnostic(.emerg, "no \"http\" section in configuration"))
        }
        return .success(MasterPlan(main: loaded.compiled.main, onlineCPUs: System.coreCount, configDirectives: loaded.parsed.directives))
    }
}
