// swhost: HTTP transport.

/// The connection handler, carried through `@Sendable` closures that only ever run on its event
/// loop: future callbacks of its channel's writes, tasks scheduled or submitted on that loop, and
/// code that has just checked `inEventLoop`.
///
/// This is NIOLoopBound without the check on every access: NIOLoopBound asserts the thread (a
/// thread-local lookup) when made and again on each `value`, several times per request, which
/// was about 1% of a small-file request's CPU. The contract is the same and is kept by every
/// call site in this module; it is not public.
///
/// `@unchecked Sendable`: `value` is only touched on the handler's event loop (see above).
struct LoopConfined<Value: AnyObject>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
