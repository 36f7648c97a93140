// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The exchange's state machine, run with its lock held (by the reactor on an event, or by the
/// body feeder or reader): each step updates `State` and collects in `Effects` what to do once
/// the lock is released.
extension CGIExchange {
    // MARK: stdout

    /// Reads the script's output: into the head parser until the head is complete, then ahead of
    /// the body reader up to `highWater`. `hangup`: the writer side is gone, read to EOF.
    func readStdout(_ s: inout State, _ effects: inout Effects, hangup: Bool) {
        var headNow: GatewayResponseHead?
        reading: while s.stdoutFD >= 0, !s.ended {
            if s.head == nil, s.bufferedBytes >= Self.highWater {
                s.stalled = true
                break
            }
            let size = s.readSize
            switch FastCGISocket.read(s.stdoutFD, size: size) {
            case .bytes(let bytes):
                if bytes.readableBytes == size, size < 64 * 1024 { s.readSize = size * 2 }
                if s.head != nil {
                    do {
                        if case .head(let head, let rest) = try s.head!.feed(bytes) {
                            s.head = nil
                            headNow = head
                            append(rest, &s)
                        }
                    } catch {
                        kill(&s)
                        fail(&s, &effects, error)
                        closeStderr(&s)
                        return
                    }
                } else {
                    append(bytes, &s)
                }
                if s.onHead != nil || s.reader != nil { s.readDeadline = FastCGISocket.now() + readTimeout }
                // A short read emptied the pipe: a later write brings a new edge. Once the head is
                // complete one more read tells whether the output has already ended (the script
                // printed its page and exited): the response then goes whole, with a length.
                if bytes.readableBytes < size, !hangup, headNow == nil { break reading }
            case .wouldBlock:
                break reading
            case .end:
                s.ended = true
                closeStdout(&s)
            case .failed(let error):
                kill(&s)
                fail(&s, &effects, .badGateway("read() failed (\(error): \(FastCGISocket.errorText(error))) while reading the CGI output"))
                closeStderr(&s)
                return
            }
        }
        if let head = headNow { s.heldHead = head }
        if let head = s.heldHead {
            if s.ended || s.bufferedBytes >= Self.highWater {
                s.heldHead = nil
                s.holdDeadline = 0
                deliver(head, &s, &effects)
            } else if s.holdDeadline == 0 {
                s.holdDeadline = FastCGISocket.now() + Self.holdNanoseconds
                reactor.schedule(CGIPipeWatch(self, .stdout), at: s.holdDeadline)
            }
        } else if s.head != nil, s.ended {
            let reason = s.head!.bufferedBytes == 0
                ? "CGI script exited without sending a response header"
                : "CGI script sent an incomplete response header"
            fail(&s, &effects, .badGateway(reason))
            lingerIfNeeded(&s)
        } else if s.reader != nil {
            serveReader(&s, &effects)
        }
    }

    func append(_ bytes: ByteBuffer, _ s: inout State) {
        guard bytes.readableBytes > 0 else { return }
        s.stdout.append(bytes)
        s.bufferedBytes += bytes.readableBytes
    }

    /// The head is complete: the whole response when the output already ended, else a stream.
    func deliver(_ head: GatewayResponseHead, _ s: inout State, _ effects: inout Effects) {
        guard let onHead = s.onHead else { return }
        s.onHead = nil
        if s.ended, head.contentLength.map({ $0 == Int64(s.bufferedBytes) }) ?? true {
            var body: ByteBuffer
            if s.stdout.count == 1 {
                body = s.stdout.removeFirst()
            } else {
                body = ByteBuffer()
                while var chunk = s.stdout.popFirst() { body.writeBuffer(&chunk) }
            }
            s.bufferedBytes = 0
            s.readDeadline = 0
            closeInput(&s, &effects)
            lingerIfNeeded(&s)
            effects.head = (onHead, .success(GatewayResponse(head: head, body: EmptyResponseBody(), completeBody: body)))
            return
        }
        s.readDeadline = 0
        let stream = CGIOutputStream(exchange: self)
        effects.head = (onHead, .success(GatewayResponse(head: head, body: stream)))
    }

    /// What the body reader gets now, or nil when it must wait.
    func take(_ s: inout State, _ effects: inout Effects) -> Result<ByteBuffer?, any Error>? {
        if let chunk = s.stdout.popFirst() {
            s.bufferedBytes -= chunk.readableBytes
            if s.stalled, s.bufferedBytes < Self.lowWater, s.stdoutFD >= 0 {
                // Reading stopped short of EAGAIN: no new edge comes by itself. MOD makes epoll
                // check again, and the reactor reads on.
                s.stalled = false
                reactor.modify(s.stdoutFD, s.stdoutToken, writable: false)
            }
            return .success(chunk)
        }
        if let failure = s.failure { return .failure(failure) }
        if s.ended {
            closeInput(&s, &effects)
            lingerIfNeeded(&s)
            return .success(nil)
        }
        if s.stdoutFD < 0 { return .failure(GatewayError.badGateway("the CGI output was closed")) }
        return nil
    }

    func serveReader(_ s: inout State, _ effects: inout Effects) {
        guard let reader = s.reader else { return }
        s.reader = nil
        guard let ready = take(&s, &effects) else {
            s.reader = reader
            return
        }
        s.readDeadline = 0
        effects.reader = (reader, ready)
    }

    // MARK: stderr

    /// Reads stderr to EAGAIN, one log line per newline (long lines are cut at 2 KiB).
    func readStderr(_ s: inout State, _ effects: inout Effects) {
        withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 1) { raw in
            while s.stderrFD >= 0 {
                let n = Glibc.read(s.stderrFD, raw.baseAddress!, raw.count)
                if n > 0 {
                    for byte in UnsafeRawBufferPointer(rebasing: raw[0..<n]) {
                        if byte == UInt8(ascii: "\n") {
                            if s.stderrLine.last == UInt8(ascii: "\r") { s.stderrLine.removeLast() }
                            effects.log(String(decoding: s.stderrLine, as: UTF8.self))
                            s.stderrLine.removeAll(keepingCapacity: true)
                        } else if s.stderrLine.count < 2048 {
                            s.stderrLine.append(byte)
                        }
                    }
                    continue
                }
                if n < 0, errno == EINTR { continue }
                if n < 0, errno == EAGAIN || errno == EWOULDBLOCK { return }
                // EOF (or a read error): the last unterminated line still goes to the log.
                stderrEnded(&s, &effects)
            }
        }
    }

    // MARK: stdin

    /// Writes queued request bytes until the pipe is full (then waits for EPOLLOUT) or they are
    /// all out (stdin is closed after the last). A script that exits or closes its stdin
    /// refuses the rest (EPIPE): it is dropped, as the old body feeder did.
    func flushInput(_ s: inout State, _ effects: inout Effects) {
        guard s.stdinFD >= 0 else { return }
        while s.input.readableBytes > 0 {
            let n = s.input.withUnsafeReadableBytes { raw in Glibc.write(s.stdinFD, raw.baseAddress!, raw.count) }
            if n > 0 {
                s.input.moveReaderIndex(forwardBy: n)
                continue
            }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK {
                if s.stdinToken == 0 {
                    // The pipe is full: watch for room (registered only when needed).
                    s.stdinToken = reactor.reserve(CGIPipeWatch(self, .stdin))
                    if !reactor.add(s.stdinFD, s.stdinToken, writable: true) {
                        s.inputRefused = true
                        closeInput(&s, &effects)
                        return
                    }
                }
                break
            }
            s.inputRefused = true
            closeInput(&s, &effects)
            return
        }
        if s.input.readableBytes == 0 {
            s.input = ByteBuffer()
            if s.inputComplete {
                closeInput(&s, &effects)
                return
            }
        }
        if let writer = s.writer, s.input.readableBytes == 0 {
            s.writer = nil
            effects.writer = (writer, .success(()))
        }
    }

    // MARK: The process

    /// The pidfd turned readable (or, without one, a tick): reaps the child when it has exited,
    /// which frees its slot.
    func reap(_ s: inout State, _ effects: inout Effects) {
        guard !s.reaped else { return }
        var status: CInt = 0
        let rc = waitpid(process.pid, &status, WNOHANG)
        // ECHILD: reaped elsewhere (a process that waits for any child).
        guard rc == process.pid || (rc < 0 && errno == ECHILD) else { return }
        s.reaped = true
        effects.releaseSlot = true
        if s.pidFD >= 0 {
            Glibc.close(s.pidFD)
            s.pidFD = -1
        }
        if s.exitToken != 0 {
            reactor.remove(s.exitToken)
            s.exitToken = 0
        }
        lingerIfNeeded(&s)
    }

    /// SIGKILL to the whole process group (the script and anything it started), unless reaped
    /// (its number could then be another process's).
    func kill(_ s: inout State) {
        guard !s.reaped, !s.killed else { return }
        s.killed = true
        _ = Glibc.kill(-process.pid, SIGKILL)
    }

    /// Once the output is done (or abandoned), what is left (the process, its stderr) gets
    /// `linger` to end by itself before the group is killed and stderr closed.
    func lingerIfNeeded(_ s: inout State) {
        guard s.lingerDeadline == 0, s.stdoutFD < 0, !s.reaped || s.stderrFD >= 0 else { return }
        s.lingerDeadline = FastCGISocket.now() + linger
    }

    // MARK: Ending

    /// Fails the head (or the body reader) and closes stdout and stdin.
    func fail(_ s: inout State, _ effects: inout Effects, _ error: GatewayError) {
        s.heldHead = nil
        s.holdDeadline = 0
        if let onHead = s.onHead {
            s.onHead = nil
            s.head = nil
            effects.head = (onHead, .failure(error))
        } else if s.failure == nil {
            s.failure = error
        }
        s.readDeadline = 0
        closeStdout(&s)
        closeInput(&s, &effects)
        if let reader = s.reader {
            s.reader = nil
            effects.reader = (reader, .failure(s.failure ?? error))
        }
    }

    func closeStdout(_ s: inout State) {
        s.stalled = false
        guard s.stdoutFD >= 0 else { return }
        close(&s.stdoutFD, &s.stdoutToken)
    }

    func closeStderr(_ s: inout State) {
        guard s.stderrFD >= 0 else { return }
        close(&s.stderrFD, &s.stderrToken)
    }

    /// Closes stderr after its EOF, logging an unterminated last line.
    func stderrEnded(_ s: inout State, _ effects: inout Effects) {
        if !s.stderrLine.isEmpty {
            effects.log(String(decoding: s.stderrLine, as: UTF8.self))
            s.stderrLine = []
        }
        closeStderr(&s)
        lingerIfNeeded(&s)
    }

    /// Closes stdin (whatever is still queued is dropped) and fails a waiting body feeder.
    func closeInput(_ s: inout State, _ effects: inout Effects) {
        if s.input.readableBytes > 0 {
            s.inputRefused = true
            s.input = ByteBuffer()
        }
        if s.stdinFD >= 0 { close(&s.stdinFD, &s.stdinToken) }
        if let writer = s.writer {
            s.writer = nil
            effects.writer = (writer, s.inputRefused ? .failure(GatewayError.badGateway("the CGI script closed its input")) : .success(()))
        }
    }

    private func close(_ fd: inout Int32, _ token: inout UInt64) {
        if token != 0 {
            reactor.remove(token)
            token = 0
        }
        Glibc.close(fd)
        fd = -1
    }
}
