// swhost: SWHostStaticTests.

import Foundation
import SWHostHTTPCore
import SWHostStatic
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A settable monotonic clock (nanoseconds).
final class FakeClock: Sendable {
    private let now = Mutex<Int64>(1_000_000_000_000)
    func advance(seconds: Double) { now.withLock { $0 += Int64(seconds * 1e9) } }
    var read: @Sendable () -> Int64 { { self.now.withLock { $0 } } }
}

@Suite struct OpenFileCacheTests {
    func file(_ r: PathResolution) -> OpenFile? {
        if case .file(let f) = r { return f }
        return nil
    }

    @Test func hitsShareTheDescriptorWithinTheValidWindow() throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.css", "body{}")
        let clock = FakeClock()
        let cache = OpenFileCache(configuration: .init(validSeconds: 1), clock: clock.read)
        let a = try #require(file(cache.open(root: dir.path, path: "/a.css")))
        clock.advance(seconds: 0.5)
        let b = try #require(file(cache.open(root: dir.path, path: "/a.css")))
        #expect(a === b)
        #expect(cache.count == 1)
        // Past the window, an unchanged file keeps the same OpenFile (same ETag).
        clock.advance(seconds: 1)
        let c = try #require(file(cache.open(root: dir.path, path: "/a.css")))
        #expect(a === c)
    }

    @Test func changedFileGetsNewIdentityAndETagAfterTheWindow() throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.css", "body{}")
        dir.setMtime("a.css", 1_700_000_000)
        let clock = FakeClock()
        let cache = OpenFileCache(clock: clock.read)
        let before = try #require(file(cache.open(root: dir.path, path: "/a.css")))
        let oldTag = ETag(file: before)

        // Replace the file (new inode, as editors and deploys do) and change it in place.
        try dir.write("a.css.new", "body{color:red}")
        dir.setMtime("a.css.new", 1_700_000_100)
        #expect(rename(dir.path + "/a.css.new", dir.path + "/a.css") == 0)
        let stale = try #require(file(cache.open(root: dir.path, path: "/a.css")))
        #expect(stale === before)  // still inside the 1 s window
        clock.advance(seconds: 1.01)
        let after = try #require(file(cache.open(root: dir.path, path: "/a.css")))
        #expect(after !== before)
        #expect(ETag(file: after) != oldTag)
        #expect(after.size == 15)
        #expect(String(decoding: readAll(after), as: UTF8.self) == "body{color:red}")
        // The old response's descriptor is still valid while referenced.
        #expect(isOpen(before.descriptor))
        #expect(String(decoding: readAll(before), as: UTF8.self) == "body{}")

        // In-place modification (same inode): new size/mtime → new ETag too.
        try dir.write("a.css", "p{}")
        dir.setMtime("a.css", 1_700_000_200)
        clock.advance(seconds: 1.01)
        let inPlace = try #require(file(cache.open(root: dir.path, path: "/a.css")))
        #expect(ETag(file: inPlace) == ETag(mtime: 1_700_000_200, size: 3))
    }

    @Test func negativeResultsCachedOnlyWithErrorsOn() throws {
        let dir = try TemporaryDirectory()
        let clock = FakeClock()
        let plain = OpenFileCache(clock: clock.read)
        #expect(plain.open(root: dir.path, path: "/late.txt").httpStatus == 404)
        #expect(plain.count == 0)
        try dir.write("late.txt", "now")
        #expect(file(plain.open(root: dir.path, path: "/late.txt")) != nil)

        let errors = OpenFileCache(configuration: .init(cacheErrors: true), clock: clock.read)
        #expect(errors.open(root: dir.path, path: "/later.txt").httpStatus == 404)
        #expect(errors.count == 1)
        try dir.write("later.txt", "now")
        #expect(errors.open(root: dir.path, path: "/later.txt").httpStatus == 404)  // cached negative
        clock.advance(seconds: 1.5)
        #expect(file(errors.open(root: dir.path, path: "/later.txt")) != nil)
    }

    @Test func evictionIsLRUAndNeverClosesAHeldDescriptor() throws {
        let dir = try TemporaryDirectory()
        for i in 0..<5 { try dir.write("f\(i)", "content \(i)") }
        let clock = FakeClock()
        let cache = OpenFileCache(configuration: .init(maxEntries: 3), clock: clock.read)
        let held = try #require(file(cache.open(root: dir.path, path: "/f0")))
        _ = cache.open(root: dir.path, path: "/f1")
        _ = cache.open(root: dir.path, path: "/f2")
        _ = cache.open(root: dir.path, path: "/f0")  // touch f0: f1 is now least recent
        _ = cache.open(root: dir.path, path: "/f3")
        #expect(cache.count == 3)
        let f0again = try #require(file(cache.open(root: dir.path, path: "/f0")))
        #expect(f0again === held)
        _ = cache.open(root: dir.path, path: "/f4")
        _ = cache.open(root: dir.path, path: "/f2")
        _ = cache.open(root: dir.path, path: "/f3")  // f0 evicted now
        let fd = held.descriptor
        #expect(isOpen(fd))
        #expect(String(decoding: readAll(held), as: UTF8.self) == "content 0")
        cache.removeAll()
        #expect(isOpen(fd))  // still referenced by `held`
    }

    @Test func descriptorClosesWhenEvictedAndReleased() throws {
        let dir = try TemporaryDirectory()
        try dir.write("x", "x")
        let cache = OpenFileCache(configuration: .init(maxEntries: 1))
        var fd: CInt = -1
        do {
            let f = try #require(file(cache.open(root: dir.path, path: "/x")))
            fd = f.descriptor
        }
        // The cache holds it. Compare the descriptor's target, not just openness: a parallel
        // test may reuse the number once it is closed.
        let target = dir.path + "/x"
        #expect(descriptorTarget(fd) == target)
        cache.removeAll()
        #expect(descriptorTarget(fd) != target)
    }

    @Test func inactiveEntriesExpire() throws {
        let dir = try TemporaryDirectory()
        try dir.write("x", "x")
        let clock = FakeClock()
        let cache = OpenFileCache(configuration: .init(inactiveSeconds: 60, validSeconds: 1000), clock: clock.read)
        let a = try #require(file(cache.open(root: dir.path, path: "/x")))
        clock.advance(seconds: 61)
        let b = try #require(file(cache.open(root: dir.path, path: "/x")))
        #expect(a !== b)
    }
}

/// What `/proc/self/fd/N` points to, or nil.
func descriptorTarget(_ fd: CInt) -> String? {
    try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")
}
