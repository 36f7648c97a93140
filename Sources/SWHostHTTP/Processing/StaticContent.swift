// swhost: request processing.

import NIOCore
import SWHostConfig
import SWHostHTTPCore
import SWHostStatic

/// nginx's try_files, index, autoindex and static modules over the static engine.
///
/// Files are opened through the open-file cache: a hit costs no syscall; a miss does
/// `openat2` + `fstat` on the event loop, as nginx's workers do (microseconds on a local disk).
extension RequestProcessor {
    /// Where the URI's file lives: the root directory the resolver opens beneath, and the path under it.
    func fileLocation(for uri: String, _ state: RequestState) -> (root: String, path: String) {
        switch state.settings.root {
        case .root:
            return (state.documentRoot, uri)
        case .alias:
            if state.location.regex != nil {
                // A regex location's alias is the whole file path (built from captures).
                return ("/", state.documentRoot)
            }
            let name = state.location.name
            let rest = uri.hasPrefix(name) ? String(uri.dropFirst(name.count)) : uri
            return (state.documentRoot, rest.isEmpty || rest.hasPrefix("/") ? rest : "/" + rest)
        }
    }

    func symlinkPolicy(_ state: RequestState) -> SymlinkPolicy {
        switch state.settings.disableSymlinks {
        case .off: .off
        case .on(let from): .on(from: from.map { state.render($0) })
        case .ifNotOwner(let from): .ifNotOwner(from: from.map { state.render($0) })
        }
    }

    func open(_ uri: String, _ state: RequestState) -> PathResolution {
        let (root, path) = fileLocation(for: uri, state)
        return runtime.openFiles.open(root: root, path: path, symlinks: symlinkPolicy(state))
    }

    /// `try_files file ... fallback`.
    func runTryFiles(_ tryFiles: TryFiles, _ state: RequestState) {
        for template in tryFiles.files {
            let candidate = state.render(template)
            // A directory test is a config argument ending in "/" (nginx's test_dir), not a
            // value that happens to: `$uri` for `/d/` is a file test that a directory fails.
            let wantsDirectory = Self.endsWithSlash(template)
            // The slash stays: an alias maps the location name with its slash (the resolver
            // ignores a trailing one).
            switch open(candidate, state) {
            case .file(let file) where !wantsDirectory:
                state.uri = candidate
                serveFile(file, state)
                return
            case .directory where wantsDirectory:
                // nginx continues with the tested name minus its slash: `$uri/` for `/d` serves
                // `/d` (a 301 to `/d/`), for `/d/` serves `/d/` (the index).
                state.uri = candidate.count > 1 ? String(candidate.dropLast()) : candidate
                serveStatic(state)
                return
            default:
                continue
            }
        }
        switch tryFiles.fallback {
        case .uri(let t): internalRedirect(state, to: state.render(t))
        case .named(let name): namedLocation(state, name)
        case .code(let code): finish(state, Reply(status: code))
        }
    }

    static func endsWithSlash(_ template: VariableTemplate) -> Bool {
        if case .literal(let text)? = template.segments.last { return text.hasSuffix("/") }
        return false
    }

    /// The static, index and autoindex modules for `state.uri`.
    func serveStatic(_ state: RequestState) {
        let method = state.method
        let uri = state.uri
        if uri.hasSuffix("/") {
            guard method == .GET || method == .HEAD || method == .POST else {
                finish(state, Reply(status: 405))
                return
            }
            serveDirectory(uri, state)
            return
        }
        guard method == .GET || method == .HEAD || method == .POST else {
            finish(state, Reply(status: 405))
            return
        }
        switch open(uri, state) {
        case .file(let file):
            if method == .POST {
                finish(state, Reply(status: 405))
                return
            }
            serveFile(file, state)
        case .directory:
            // nginx answers a directory without its slash with a 301 to the slashed URI (+ args).
            var reply = Reply(status: 301)
            var target = uri + "/"
            if state.hasArgs, !state.args.isEmpty { target += "?" + state.args }
            reply.headers.append(name: "Location", value: absoluteLocation(target, state))
            finish(state, reply)
        case let failure:
            fail(failure, path: fileLocation(for: uri, state), state)
        }
    }

    private func serveDirectory(_ uri: String, _ state: RequestState) {
        var directoryTested = false
        for template in state.settings.index {
            let name = state.render(template)
            if name.hasPrefix("/") {
                // An absolute index (the last one, usually) is an internal redirect without a check.
                internalRedirect(state, to: name, keepingArgs: true)
                return
            }
            let candidate = open(uri + name, state)
            if case .file = candidate {
                internalRedirect(state, to: uri + name, keepingArgs: true)
                return
            }
            if case .notFound = candidate, !directoryTested {
                // nginx's index module: a missing index file makes it check the directory
                // itself, and a missing directory is a 404 before any other index is tried.
                directoryTested = true
                let directory = open(uri, state)
                guard case .directory = directory else {
                    fail(directory, path: fileLocation(for: uri, state), state)
                    return
                }
            }
        }
        // With the slash, so `location /x/ { alias ...; }` maps `/x/` to the alias directory.
        let directory = open(uri, state)
        guard case .directory(let dir) = directory else {
            fail(directory, path: fileLocation(for: uri, state), state)
            return
        }
        guard state.settings.autoindex else {
            state.log(.error, "directory index of \"\(state.requestFilename)\" is forbidden")
            finish(state, Reply(status: 403))
            return
        }
        let format: Autoindex.Format = switch state.settings.autoindexFormat {
        case .html: .html
        case .json: .json
        case .xml: .xml
        // jsonp without a callback argument is plain JSON, as in nginx.
        case .jsonp: Self.argumentOrEmpty("callback", state).isEmpty ? .json : .jsonp(callback: Self.argumentOrEmpty("callback", state))
        }
        let options = Autoindex.Options(exactSize: state.settings.autoindexExactSize, localTime: state.settings.autoindexLocaltime)
        // Reading a directory can take long on big ones: off the event loop.
        let future = threadPool.runIfActive(eventLoop: state.request.eventLoop) {
            try Autoindex.render(try Autoindex.read(directory: dir), uri: uri, format: format, options: options)
        }
        future.whenComplete { result in
            switch result {
            case .success(let body):
                var reply = Reply(status: 200)
                reply.body = .bytes(body)
                reply.contentType = Autoindex.contentType(format)
                // nginx's autoindex sets the XML listing's charset (ngx_http_autoindex_module).
                if case .xml = format, reply.contentType?.contains("charset") == false {
                    reply.contentType? += "; charset=utf-8"
                }
                self.finish(state, reply)
            case .failure(let error):
                state.log(.error, "autoindex of \"\(state.requestFilename)\" failed: \(error)")
                self.finish(state, Reply(status: 500))
            }
        }
    }

    private static func argumentOrEmpty(_ name: String, _ state: RequestState) -> String {
        RequestState.argument(name, in: state.args) ?? ""
    }

    /// Maps a failed open to nginx's status and error-log line.
    private func fail(_ resolution: PathResolution, path: (root: String, path: String), _ state: RequestState) {
        let full = path.root.hasSuffix("/") && path.path.hasPrefix("/") ? path.root + path.path.dropFirst() : path.root + path.path
        switch resolution {
        case .notFound:
            if state.settings.logNotFound { state.log(.error, "open() \"\(full)\" failed (2: No such file or directory)") }
            finish(state, Reply(status: 404))
        case .forbidden:
            state.log(.error, "open() \"\(full)\" failed (13: Permission denied)")
            finish(state, Reply(status: 403))
        case .escaped:
            state.log(.error, "open() \"\(full)\" refused: the path leaves its root")
            finish(state, Reply(status: 404))
        case .invalidPath:
            finish(state, Reply(status: 400))
        case .error(let code):
            state.log(.crit, "open() \"\(full)\" failed (\(code))")
            finish(state, Reply(status: 500))
        case .file:
            // A file where a directory was expected (`/file.txt/`): ENOTDIR, a 404.
            if state.settings.logNotFound { state.log(.error, "open() \"\(full)\" failed (20: Not a directory)") }
            finish(state, Reply(status: 404))
        case .directory:
            finish(state, Reply(status: 500))
        }
    }

    /// Whether libmagic was consulted for a file's type before ``serveFile(_:_:sniffed:)``.
    enum SniffOutcome {
        /// Not sniffed here: the type comes from the extension, or from a cached verdict.
        case notNeeded
        /// Sniffed on the thread pool; nil when libmagic recognised nothing.
        case done(String?)
    }

    /// True when `file`'s type would come from libmagic and no verdict is cached for its version.
    func sniffPending(for uri: String, file: OpenFile, _ state: RequestState) -> Bool {
        guard state.settings.mimeSniff else { return false }
        if let ext = MIMETypeMap.pathExtension(uri), state.settings.types[ext.lowercased()] != nil { return false }
        return runtime.sniffer.cachedResult(for: file) == nil
    }

    /// A regular file as a 200 with its validators; the filters take it from there.
    ///
    /// A file whose type libmagic must decide (`mime_sniff`, extension unknown) and whose verdict
    /// is not cached yet is sniffed on the thread pool first: the read (and the first load of the
    /// magic database) never runs on the event loop.
    func serveFile(_ file: OpenFile, _ state: RequestState, sniffed: SniffOutcome = .notNeeded) {
        // With gzip_static the .gz sibling's presence and freshness decide the head: not cached.
        let cacheable = state.settings.gzipStatic == .off
        let cachedHead = cacheable ? StaticHead.lookup(file, state) : nil
        if cachedHead == nil, case .notNeeded = sniffed, sniffPending(for: state.uri, file: file, state) {
            let sniffer = runtime.sniffer
            threadPool.runIfActive(eventLoop: state.request.eventLoop) { sniffer.sniff(file: file) }
                .whenComplete { result in
                    switch result {
                    case .success(let type): self.serveFile(file, state, sniffed: .done(type))
                    case .failure: self.serveFile(file, state, sniffed: .done(nil))
                    }
                }
            return
        }
        var reply = Reply(status: 200)
        reply.lastModified = file.mtime
        reply.allowRanges = true
        reply.file = file
        if let cached = cachedHead {
            reply.contentType = cached.contentType
            reply.etag = cached.etag
            reply.cachedHead = cached
        } else {
            reply.contentType = contentType(for: state.uri, file: file, state, sniffed: sniffed)
            reply.etag = state.settings.etag ? ETag(file: file) : nil
            reply.headCacheable = cacheable
        }
        if let bytes = runtime.smallFiles.bytes(of: file) {
            reply.body = .bytes(bytes)
        } else {
            reply.body = .file(FileBody(file: file))
        }
        if !cacheable {
            let mode: SWHostStatic.GzipStatic.Mode = state.settings.gzipStatic == .always ? .always : .on
            let accepts = gzipAllowedForRequest(state, reply)
            let (root, path) = fileLocation(for: state.uri, state)
            // `on` looks for the .gz even when the client refuses it: its existence alone makes
            // the response vary (ngx_http_gzip_static_handler sets r->gzip_vary), `always` never.
            let choice = SWHostStatic.GzipStatic.choose(original: file, root: root, path: path, symlinks: symlinkPolicy(state),
                                           mode: mode, clientAcceptsGzip: accepts || mode == .on, cache: runtime.openFiles)
            if case .gzip(let gz) = choice {
                if mode == .on, state.settings.gzipVary { reply.headers.append(name: "Vary", value: "Accept-Encoding") }
                if accepts || mode == .always {
                    reply.file = gz
                    reply.body = .file(FileBody(file: gz))
                    reply.headers.append(name: "Content-Encoding", value: "gzip")
                    reply.isEncoded = true
                    reply.lastModified = gz.mtime
                    reply.etag = state.settings.etag ? ETag(file: gz) : nil
                    // nginx's gzip_static handler does not allow ranges.
                    reply.allowRanges = false
                }
            }
        }
        finish(state, reply)
    }

    /// `types` by extension, then libmagic for unknown extensions (`mime_sniff`), then `default_type`;
    /// `charset` appended for text types as nginx's charset module does.
    func contentType(for uri: String, file: OpenFile?, _ state: RequestState, sniffed: SniffOutcome = .notNeeded) -> String {
        var type: String?
        if let ext = MIMETypeMap.pathExtension(uri) {
            type = state.settings.types[ext.lowercased()]
        }
        if type == nil, state.settings.mimeSniff, let file {
            switch sniffed {
            case .done(let verdict): type = verdict
            // Only a verdict already cached (the content phase sniffs on the pool first).
            case .notNeeded: type = runtime.sniffer.cachedResult(for: file) ?? nil
            }
        }
        var result = type ?? state.settings.defaultType
        if let charset = state.settings.charset, charset != "off", !result.contains("charset="),
           state.settings.charsetTypes.contains(result) {
            result += "; charset=" + charset
        }
        return result
    }
}
