// swhost: request processing.

import NIOCore
import SWHostConfig
import SWHostHTTPCore

extension RequestProcessor {
    /// nginx's access phase: `limit_except`, `allow`/`deny`, `auth_basic` (`internal` is checked
    /// when the location is found).
    func runAccessPhase(_ state: RequestState) {
        var rules = state.settings.accessRules
        var realm = state.settings.authBasic
        var userFile = state.settings.authBasicUserFile
        if let limit = state.location.limitExcept, !limit.methods.contains(state.method.rawValue) {
            // The limit_except block applies to every method it does not list.
            rules = limit.accessRules + rules
            if limit.authBasic != nil {
                realm = limit.authBasic
                userFile = limit.authBasicUserFile
            }
        }
        // `satisfy any`: an `allow` admits without a password, and a `deny` still lets a valid
        // password through (nginx's access_code: a 401 from auth_basic outranks the 403).
        let satisfyAny = state.settings.satisfy == .any
        let rule = firstMatchingRule(rules, state)
        if satisfyAny, rule?.action == .allow {
            runContentPhase(state)
            return
        }
        let denied = rule?.action == .deny
        if denied, !satisfyAny {
            forbid(state)
            return
        }
        guard let realmTemplate = realm else {
            denied ? forbid(state) : runContentPhase(state)
            return
        }
        let realmValue = state.render(realmTemplate)
        guard realmValue != "off", let userFile else {
            denied ? forbid(state) : runContentPhase(state)
            return
        }
        guard let header = state.request.headers.first("authorization"),
              let credentials = BasicCredentials(authorization: header)
        else {
            if state.request.headers.first("authorization") != nil {
                state.log(.error, "client sent invalid authorization header")
            }
            finish(state, unauthorized(realmValue))
            return
        }
        // Reading the user file and hashing (bcrypt takes milliseconds) happen off the event loop.
        let path = userFile
        let future = threadPool.runIfActive(eventLoop: state.request.eventLoop) { () -> Result<Bool, FileOpenError> in
            do throws(FileOpenError) {
                let file = try HTPasswdCache.shared.file(path: path)
                return .success(file.verify(credentials))
            } catch {
                return .failure(error)
            }
        }
        future.whenComplete { result in
            switch result {
            case .success(.success(true)):
                state.remoteUser = credentials.userString
                self.runContentPhase(state)
            case .success(.success(false)):
                state.log(.error, "user \"\(credentials.userString)\": password mismatch")
                self.finish(state, self.unauthorized(realmValue))
            case .success(.failure(let error)):
                state.log(.error, error.description)
                self.finish(state, Reply(status: 500))
            case .failure:
                self.finish(state, Reply(status: 500))
            }
        }
    }

    private func forbid(_ state: RequestState) {
        state.log(.error, "access forbidden by rule")
        finish(state, Reply(status: 403))
    }

    private func unauthorized(_ realm: String) -> Reply {
        var reply = Reply(status: 401)
        let escaped = realm.replacingQuotes()
        reply.headers.append(name: "WWW-Authenticate", value: "Basic realm=\"\(escaped)\"")
        return reply
    }

    private func firstMatchingRule(_ rules: [AccessRule], _ state: RequestState) -> AccessRule? {
        guard !rules.isEmpty else { return nil }
        let address = state.request.connection.remoteAddress
        for rule in rules {
            switch rule.match {
            case .all: return rule
            case .unix: if address.isEmpty || address.hasPrefix("unix:") { return rule }
            case .network(let cidr): if cidr.contains(address) { return rule }
            }
        }
        return nil
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var out = ""
        for c in self { out += c == "\"" ? "\\\"" : String(c) }
        return out
    }
}
