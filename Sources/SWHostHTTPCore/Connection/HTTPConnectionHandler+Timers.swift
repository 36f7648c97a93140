// swhost: HTTP transport.

import NIOCore

/// nginx's connection timers (`client_header_timeout`, `keepalive_timeout`, `client_body_timeout`,
/// `send_timeout`, lingering close) as deadlines on the handler, enforced by one watchdog task per
/// connection.
///
/// Arming a timer is a store; the watchdog is rescheduled only when a deadline moves earlier than
/// the one it waits for, and when it fires it acts on the deadlines that passed and waits for the
/// next. Scheduling and cancelling an NIO task for every phase of every request cost about a
/// quarter of the server's CPU on small files (heap operations in the event loop's timer queue).
/// Works with EmbeddedEventLoop's virtual clock like any scheduled task.
extension HTTPConnectionHandler {
    /// `client_header_timeout`: the head must be complete in time; nginx closes without answering.
    func armHeaderTimer() {
        headerTimer = arm(configuration.clientHeaderTimeout)
    }

    /// `keepalive_timeout`: idle time before the next request's first byte.
    func armIdleTimer() {
        idleTimer = arm(configuration.keepaliveTimeout)
    }

    /// After a graceful stop began: how long an idle connection may still send one more request.
    func armQuiesceGraceTimer() {
        idleTimer = arm(configuration.quiesceGrace)
        if headerTimer != nil { headerTimer = idleTimer }
    }

    /// `client_body_timeout`: re-armed after every body read while the body is wanted.
    func armBodyTimer() {
        bodyTimer = arm(configuration.clientBodyTimeout)
    }

    /// `send_timeout`: re-armed after every completed write while writes are outstanding.
    func armSendTimer() {
        sendTimer = arm(configuration.sendTimeout)
    }

    /// `lingering_timeout`, capped by what is left of `lingering_time`.
    func armLingerTimer() {
        let left = lingerDeadline - .now()
        lingerTimer = arm(max(min(configuration.lingeringTimeout, left), .zero))
    }

    func cancelTimers() {
        headerTimer = nil
        bodyTimer = nil
        sendTimer = nil
        idleTimer = nil
        lingerTimer = nil
        watchdog?.cancel()
        watchdog = nil
        watchdogDeadline = nil
    }

    /// The deadline `amount` from now, with the watchdog set to fire no later than it.
    private func arm(_ amount: TimeAmount) -> NIODeadline {
        // The loop's clock (virtual on EmbeddedEventLoop), not the wall clock.
        let deadline = (context?.eventLoop.now ?? .now()) + amount
        ensureWatchdog(by: deadline)
        return deadline
    }

    private func ensureWatchdog(by deadline: NIODeadline) {
        guard let context else { return }
        if let current = watchdogDeadline, current <= deadline { return }
        watchdog?.cancel()
        watchdogDeadline = deadline
        let loopBound = LoopConfined(self)
        watchdog = context.eventLoop.scheduleTask(deadline: deadline) {
            loopBound.value.watchdogFired()
        }
    }

    private func watchdogFired() {
        watchdog = nil
        watchdogDeadline = nil
        let now = context?.eventLoop.now ?? .now()
        if let d = bodyTimer, d <= now {
            bodyTimer = nil
            failBody(.timedOut)
            close()
            return
        }
        for d in [headerTimer, idleTimer, sendTimer, lingerTimer] {
            if let d, d <= now {
                close()
                return
            }
        }
        // Nothing due yet (deadlines moved later since the watchdog was set): wait for the next.
        if let next = [headerTimer, bodyTimer, sendTimer, idleTimer, lingerTimer].compactMap({ $0 }).min() {
            ensureWatchdog(by: next)
        }
    }
}
