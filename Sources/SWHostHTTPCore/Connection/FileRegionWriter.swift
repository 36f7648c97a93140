// swhost: HTTP transport.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Every use of NIO's file APIs lives here: file bodies go out as a `FileRegion` (NIOPosix turns it
/// into `sendfile(2)`), and TCP_CORK brackets header + file when `tcp_nopush` is on.
///
/// The descriptor belongs to a shared `OpenFile` (the open-file cache may hand it to several
/// responses at once), so NIO must never close it: the `NIOFileHandle` wrapper gives the descriptor
/// back with `takeDescriptorOwnership()` when the write completes or fails, and the `OpenFile` is
/// retained until then. `sendfile` takes an explicit offset, so sharing the descriptor is safe.
/// (`_deprecatedTakingOwnershipOfDescriptor` is the warning-free spelling, FEASIBILITY.md §5.)
enum FileRegionWriter {
    /// Writes `file` and returns the write's future.
    static func write(_ file: FileBody, context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: file.file.descriptor)
        let region = FileRegion(fileHandle: handle, readerIndex: Int(file.offset), endIndex: Int(file.offset + file.length))
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.write(NIOAny(IOData.fileRegion(region)), promise: promise)
        let owner = file.file
        promise.futureResult.whenComplete { _ in
            // Returns the descriptor to `owner` instead of letting NIO close it.
            _ = try? handle.takeDescriptorOwnership()
            withExtendedLifetime(owner) {}
        }
        return promise.futureResult
    }

    static let cork = ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_CORK))

    /// Sets or clears TCP_CORK; channels without sockets (tests) ignore it.
    static func setCork(_ on: Bool, context: ChannelHandlerContext) {
        try? context.channel.syncOptions?.setOption(cork, value: on ? 1 : 0)
    }
}
