// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig

/// What the master tells a worker besides its argv, through the environment: which inherited
/// descriptor is which listener, the master's pid (for the parent-death check), the worker's
/// slot and generation (for its log lines).
public struct WorkerHandoff: Sendable, Equatable {
    /// `SWHOST_LISTEN_FDS`: one `FD ADDRESS` per line, ADDRESS in `ListenKey.description` form.
    public static let listenersVariable = "SWHOST_LISTEN_FDS"
    public static let masterVariable = "SWHOST_MASTER_PID"
    public static let slotVariable = "SWHOST_WORKER_SLOT"
    public static let generationVariable = "SWHOST_WORKER_GENERATION"
    public static let configVariable = "SWHOST_CONFIG_FD"
    public static let heartbeatVariable = "SWHOST_HEARTBEAT_FD"
    public static let countersVariable = "SWHOST_COUNTERS_FD"

    /// Inherited descriptor per listener address text (`127.0.0.1:8080`, `[::]:80`, `unix:/x`).
    public var descriptors: [String: Int32]
    public var masterPID: pid_t
    public var slot: Int
    public var generation: Int
    /// The inherited `ConfigSnapshot` file, when the master passed one.
    public var configDescriptor: Int32?
    /// The inherited `Heartbeat` file, when the master watches this worker.
    public var heartbeatDescriptor: Int32?
    /// The inherited `SharedCounters` region, when the master shares one.
    public var countersDescriptor: Int32?

    public init(descriptors: [String: Int32], masterPID: pid_t, slot: Int, generation: Int, configDescriptor: Int32? = nil) {
        self.descriptors = descriptors
        self.masterPID = masterPID
        self.slot = slot
        self.generation = generation
        self.configDescriptor = configDescriptor
    }

    /// `NAME=VALUE` entries for the worker's environment.
    public var environment: [String] {
        let lines = descriptors.sorted { $0.value < $1.value }.map { "\($0.value) \($0.key)" }
        var entries = [
            "\(Self.listenersVariable)=\(lines.joined(separator: "\n"))",
            "\(Self.masterVariable)=\(masterPID)",
            "\(Self.slotVariable)=\(slot)",
            "\(Self.generationVariable)=\(generation)",
        ]
        if let configDescriptor { entries.append("\(Self.configVariable)=\(configDescriptor)") }
        if let heartbeatDescriptor { entries.append("\(Self.heartbeatVariable)=\(heartbeatDescriptor)") }
        if let countersDescriptor { entries.append("\(Self.countersVariable)=\(countersDescriptor)") }
        return entries
    }

    /// Decodes the values `environment` wrote; nil when the listener list is missing or malformed.
    public static func decode(_ lookup: (String) -> String?) -> WorkerHandoff? {
        guard let list = lookup(listenersVariable), let master = lookup(masterVariable).flatMap({ pid_t($0) }) else {
            return nil
        }
        var descriptors: [String: Int32] = [:]
        for line in list.split(separator: "\n") {
            guard let space = line.firstIndex(of: " "), let fd = Int32(line[..<space]) else { return nil }
            descriptors[String(line[line.index(after: space)...])] = fd
        }
        var handoff = WorkerHandoff(
            descriptors: descriptors, masterPID: master,
            slot: lookup(slotVariable).flatMap { Int($0) } ?? 0,
            generation: lookup(generationVariable).flatMap { Int($0) } ?? 1,
            configDescriptor: lookup(configVariable).flatMap { Int32($0) }
        )
        handoff.heartbeatDescriptor = lookup(heartbeatVariable).flatMap { Int32($0) }
        handoff.countersDescriptor = lookup(countersVariable).flatMap { Int32($0) }
        return handoff
    }

    /// Reads the handoff from this process's environment.
    public static func fromEnvironment() -> WorkerHandoff? {
        decode { name in getenv(name).map { String(cString: $0) } }
    }

    /// Maps the handoff onto a configuration's listener keys. Returns the keys the master did not
    /// pass (the config on disk changed since the master read it) as `missing`.
    public func inherited(for keys: [ListenKey]) -> (inherited: [ListenKey: Int32], missing: [ListenKey]) {
        var inherited: [ListenKey: Int32] = [:]
        var missing: [ListenKey] = []
        for key in keys {
            if let fd = descriptors[key.description] { inherited[key] = fd } else { missing.append(key) }
        }
        return (inherited, missing)
    }
}
