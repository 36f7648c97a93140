// swhost: HTTP transport.

import NIOCore

/// nginx's four connection timers as NIO scheduled tasks (testable with EmbeddedEventLoop's clock).
extension HTTPConnectionHandler {
    /// `client_header_timeout`: the head must be complete in time; nginx closes without answering.
    func armHeaderTimer() {
        guard let context else { return }
        headerTimer?.cancel()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        headerTimer = context.eventLoop.scheduleTask(in: configuration.clientHeaderTimeout) {
            loopBound.value.close()
        }
    }

    /// `keepalive_timeout`: idle time before the next request's first byte.
    func armIdleTimer() {
        guard let context else { return }
        idleTimer?.cancel()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(in: configuration.keepaliveTimeout) {
            loopBound.value.close()
        }
    }

    /// `client_body_timeout`: re-armed after every body read while the body is wanted.
    func armBodyTimer() {
        guard let context else { return }
        bodyTimer?.cancel()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        bodyTimer = context.eventLoop.scheduleTask(in: configuration.clientBodyTimeout) {
            let handler = loopBound.value
            handler.failBody(.timedOut)
            handler.close()
        }
    }

    /// `send_timeout`: re-armed after every completed write while writes are outstanding.
    func armSendTimer() {
        guard let context else { return }
        sendTimer?.cancel()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        sendTimer = context.eventLoop.scheduleTask(in: configuration.sendTimeout) {
            loopBound.value.close()
        }
    }

    /// `lingering_timeout`, capped by what is left of `lingering_time`.
    func armLingerTimer() {
        guard let context else { return }
        lingerTimer?.cancel()
        let left = lingerDeadline - .now()
        let wait = min(configuration.lingeringTimeout, left)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        lingerTimer = context.eventLoop.scheduleTask(in: max(wait, .zero)) {
            loopBound.value.close()
        }
    }

    func cancelTimers() {
        headerTimer?.cancel()
        bodyTimer?.cancel()
        sendTimer?.cancel()
        idleTimer?.cancel()
        lingerTimer?.cancel()
        lingerTimer = nil
        headerTimer = nil
        bodyTimer = nil
        sendTimer = nil
        idleTimer = nil
    }
}
