// Tests for SWHostLog: the time strings of `$time_local`, `$time_iso8601`, `$msec` and the error log.

import Foundation
import Testing

@testable import SWHostLog

@Suite struct LogTimeTests {
    @Test func formatsUTC() {
        let t = LogTimestamp(seconds: 1_795_310_747, milliseconds: 7, utcOffset: 0)
        #expect(t.timeLocal == "22/Nov/2026:01:25:47 +0000")
        #expect(t.iso8601 == "2026-11-22T01:25:47+00:00")
        #expect(t.errorLog == "2026/11/22 01:25:47")
        #expect(t.msec == "1795310747.007")
    }

    @Test func formatsNegativeAndPositiveOffsets() {
        let west = LogTimestamp(seconds: 1_795_310_747, utcOffset: -(3 * 3600 + 30 * 60))
        #expect(west.timeLocal == "21/Nov/2026:21:55:47 -0330")
        #expect(west.iso8601 == "2026-11-21T21:55:47-03:30")
        let east = LogTimestamp(seconds: 0, utcOffset: 3600)
        #expect(east.timeLocal == "01/Jan/1970:01:00:00 +0100")
        #expect(east.errorLog == "1970/01/01 01:00:00")
    }

    @Test func nowIsCachedPerSecondAndCloseToTheClock() {
        let a = LogTime.now()
        let b = LogTime.now()
        let wall = Int(Date().timeIntervalSince1970)
        #expect(abs(a.seconds - wall) <= 1)
        if a.seconds == b.seconds {
            #expect(a.timeLocal == b.timeLocal)
        }
        #expect((0..<1000).contains(a.milliseconds))
        #expect(a.utcOffset == TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(a.seconds))))
    }
}
