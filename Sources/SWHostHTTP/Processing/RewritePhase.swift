// swhost: request processing.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig
import SWHostHTTPCore

/// The outcome of running a rewrite program (nginx's rewrite module, in directive order).
enum RewriteOutcome {
    /// Fell off the end without changing the URI: go on in this location.
    case proceed
    /// The URI changed (`rewrite ... last`, or a rewrite without flag): search the location again.
    case relocate
    /// `break` (directive or flag): stop the rewrite module, stay in this location.
    case stop
    /// `return`, or a redirecting rewrite: answer now.
    case respond(Reply)
}

extension RequestProcessor {
    /// Runs `steps` against `state`. `if` blocks nest; a true `if` inside a location also makes
    /// its settings and content handler current, as nginx's `if` pseudo-location does.
    func runRewrite(_ steps: [RewriteStep], _ state: RequestState) -> RewriteOutcome {
        var uriChanged = false
        let outcome = run(steps, state, uriChanged: &uriChanged)
        if case .proceed = outcome, uriChanged { return .relocate }
        return outcome
    }

    private func run(_ steps: [RewriteStep], _ state: RequestState, uriChanged: inout Bool) -> RewriteOutcome {
        for step in steps {
            switch step {
            case .rewrite(let rule):
                guard let match = rule.regex.match(state.uri) else { continue }
                state.captures = match
                let outcome = applyRewrite(rule, match: match, state)
                switch outcome {
                case .proceed: uriChanged = true
                default: return outcome
                }
            case .return(let action):
                return .respond(returnReply(action, state))
            case .set(let name, let value):
                state.userVariables[name] = state.render(value)
            case .if(let block):
                guard evaluate(block.condition, state) else { continue }
                if let holder = block.settingsHolder { state.enterIfBlock(holder) }
                if let handler = block.handler { state.handler = handler }
                let outcome = run(block.steps, state, uriChanged: &uriChanged)
                if case .proceed = outcome { continue }
                return outcome
            case .break:
                return .stop
            }
        }
        return .proceed
    }

    /// Applies a matched `rewrite`: a redirect answers at once; otherwise the URI (and maybe the
    /// arguments) change and the flag says what happens next.
    private func applyRewrite(_ rule: RewriteRule, match: RegexMatch, _ state: RequestState) -> RewriteOutcome {
        var target = state.render(rule.replacement)
        if rule.isRedirect {
            // nginx appends the original arguments to a redirect unless the replacement ends with "?".
            if rule.dropsArguments {
                if target.hasSuffix("?") { target.removeLast() }
            } else if state.hasArgs, !state.args.isEmpty {
                target += (target.contains("?") ? "&" : "?") + state.args
            }
            var reply = Reply(status: rule.flag == .permanent ? 301 : 302)
            reply.headers.append(name: "Location", value: absoluteLocation(target, state))
            return .respond(reply)
        }
        if let q = target.firstIndex(of: "?") {
            var newArgs = String(target[target.index(after: q)...])
            if !rule.dropsArguments, state.hasArgs, !state.args.isEmpty {
                newArgs += newArgs.isEmpty ? state.args : "&" + state.args
            }
            if newArgs.hasSuffix("?") { newArgs.removeLast() }
            state.args = newArgs
            state.hasArgs = true
            target = String(target[..<q])
        } else if rule.dropsArguments {
            state.args = ""
            state.hasArgs = false
        }
        state.uri = target
        switch rule.flag {
        case .last: return .relocate
        case .break: return .stop
        default: return .proceed
        }
    }

    /// `return code [text|URL]` and `return URL`.
    func returnReply(_ action: ReturnAction, _ state: RequestState) -> Reply {
        var reply = Reply(status: action.code)
        if action.code == 444 {
            reply.closeWithoutResponse = true
            return reply
        }
        let text = action.text.map { state.render($0) }
        if [301, 302, 303, 307, 308].contains(action.code) {
            // `return 301;` without a URL: nginx still sends an (empty) Location field.
            reply.headers.append(name: "Location", value: text.map { absoluteLocation($0, state) } ?? "")
        } else if let text {
            reply.body = .bytes(.init(string: text))
            // nginx types the text by the URI's extension, then default_type (no sniffing).
            reply.contentType = contentType(for: state.uri, file: nil, state)
        }
        return reply
    }

    /// Makes a relative redirect absolute with scheme, host and port, as nginx's header filter
    /// does: the host from `Host` (or the server's first name with `server_name_in_redirect on`),
    /// the port unless it is 80 or `port_in_redirect off`; left relative with
    /// `absolute_redirect off`.
    func absoluteLocation(_ target: String, _ state: RequestState) -> String {
        guard target.hasPrefix("/") else { return target }
        let settings = state.settings
        guard settings.absoluteRedirect else { return target }
        var host = state.hostVariable
        if settings.serverNameInRedirect, case let name = state.server.primaryName, !name.isEmpty, !name.hasPrefix("~") {
            host = name
        }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let port = state.request.connection.localPort
        guard settings.portInRedirect, port != 80 else { return "http://\(hostPart)\(target)" }
        return "http://\(hostPart):\(port)\(target)"
    }

    /// nginx's `if` conditions.
    func evaluate(_ condition: IfCondition, _ state: RequestState) -> Bool {
        switch condition {
        case .isTrue(let t):
            let v = state.render(t)
            return !v.isEmpty && v != "0"
        case .equals(let a, let b, let negated):
            return (state.render(a) == state.render(b)) != negated
        case .matches(let t, let regex, let negated):
            let match = regex.match(state.render(t))
            if let match, !negated {
                state.captures = match
                for (name, index) in match.names {
                    if let v = match[index] { state.userVariables[name] = String(v) }
                }
            }
            return (match != nil) != negated
        case .file(let test, let t, let negated):
            var st = stat()
            let exists = stat(state.render(t), &st) == 0
            let mode = st.st_mode & S_IFMT
            let result: Bool
            switch test {
            case .isFile: result = exists && mode == S_IFREG
            case .isDirectory: result = exists && mode == S_IFDIR
            case .exists: result = exists
            case .isExecutable: result = exists && access(state.render(t), X_OK) == 0
            }
            return result != negated
        }
    }
}
